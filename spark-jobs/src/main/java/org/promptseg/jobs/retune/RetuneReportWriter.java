package org.promptseg.jobs.retune;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.HadoopFiles;
import org.promptseg.common.Json;
import org.promptseg.common.Uris;
import org.promptseg.jobs.report.HtmlPage;

/**
 * Writes a run's {@code retune.json} and {@code index.html} into its run folder. The page shows the plan, each
 * center's result with the gate's numbers and reasons, the other centers' before/after check, and includes the chart
 * of, and links to, the evaluation reports the run wrote ({@code <center>/evaluation/index.html}).
 */
final class RetuneReportWriter {
    static final String INDEX = "index.html";
    private final Configuration conf;

    RetuneReportWriter(Configuration conf) {
        this.conf = conf;
    }

    void write(RetuneResult r, Path folder) throws IOException {
        FileSystem fs = Uris.fileSystem(folder, conf);
        fs.mkdirs(folder);
        HadoopFiles.writeStringAtomically(new Path(folder, RetuneResult.FILE_NAME), conf, false, Json.pretty(r));
        HadoopFiles.writeStringAtomically(new Path(folder, INDEX), conf, false, html(r));
    }

    static String html(RetuneResult r) {
        HtmlPage page = new HtmlPage("promptseg retune " + r.runId());
        page.p("Store " + r.store() + "; collection " + r.collection() + "; backbone " + r.backbone() + "; started " + r.startedAt()
                + String.format(Locale.ROOT, "; %.0f s (scan %.0f s). Exit code %d (%s).", r.seconds(), r.scanSeconds(), r.exitCode(),
                exitMeaning(r.exitCode())));
        RetuneSettings s = r.settings();
        page.p(String.format(Locale.ROOT, "Gate: a candidate must beat the current production prompts (the bare backbone for a new or migrating"
                + " center) by at least %+.2f Dice percentage points on its own center's test cases, and every other center's production version,"
                + " tensors and mean test Dice must be unchanged (tolerance %.4f pp) between the evaluation before tuning and the one after.",
                s.minGainPp(), s.maxOtherChangePp()));

        page.h2("Plan");
        List<List<String>> plan = new ArrayList<>();
        for (CenterPlan p : r.plan()) {
            plan.add(List.of(p.center(), p.status().label(), Integer.toString(p.trainCases()), Integer.toString(p.testCases()),
                    p.production() == null ? "-" : p.production().describe(), p.reason()));
        }
        page.table(List.of("center", "status", "train cases", "test cases", "production", "why"), plan);

        page.h2("Results");
        List<List<String>> rows = new ArrayList<>();
        for (CenterOutcome o : r.outcomes()) {
            Gate.Decision g = o.gate();
            rows.add(List.of(o.center(), o.result().label(), dash(o.candidate()), dash(o.production()), g == null ? "-" : g.baseline(),
                    g == null ? "-" : f(g.baselineDice()), g == null ? "-" : f(g.candidateDice()), g == null ? "-" : pp(g.gainPp()),
                    g == null ? "-" : pp(g.minGainPp())));
        }
        page.table(List.of("center", "result", "candidate", "production now", "baseline", "baseline Dice", "candidate Dice", "gain", "required"), rows);

        for (CenterOutcome o : r.outcomes()) {
            page.h2("Center " + o.center() + ": " + o.result().label());
            page.p(o.message());
            Gate.Decision g = o.gate();
            if (g != null && !g.otherCenters().isEmpty()) {
                page.h3("Other centers, before and after");
                List<List<String>> others = new ArrayList<>();
                for (Gate.OtherCheck c : g.otherCenters()) {
                    others.add(List.of(c.center(), c.productionBefore(), c.productionAfter(), dice(c.diceBefore()), dice(c.diceAfter()),
                            pp(c.maxChangePp()), c.unchanged() ? "unchanged" : String.join("; ", c.problems())));
                }
                page.table(List.of("center", "production before", "production after", "Dice before", "Dice after", "largest change", "verdict"), others);
            }
            if (!o.seconds().isEmpty()) {
                List<String> phases = new ArrayList<>();
                o.seconds().forEach((k, v) -> phases.add(String.format(Locale.ROOT, "%s %.1f s", k, v)));
                page.p("Time: " + String.join(", ", phases) + (o.tuneRun() == null ? "" : "; tuning run " + o.tuneRun() + "."));
            }
            if (o.evaluation() != null) {
                page.image(o.evaluation() + "/dice.png", "Mean test Dice per center and variant after tuning " + o.center());
                page.link(o.evaluation() + "/" + INDEX, "Evaluation after tuning (every center; production and candidate)");
            }
            if (o.evaluationBefore() != null) {
                page.link(o.evaluationBefore() + "/" + INDEX, "Evaluation of the other centers before tuning");
            }
        }
        page.link(RetuneResult.FILE_NAME, RetuneResult.FILE_NAME);
        return page.render();
    }

    static String exitMeaning(int code) {
        return switch (code) {
            case 0 -> "nothing to do, or every candidate promoted";
            case 3 -> "a candidate was not promoted";
            default -> "a center failed";
        };
    }

    private static String dice(Map<String, Double> m) {
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(k + " " + f(v)));
        return String.join(", ", parts);
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String pp(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%+.2f pp", v);
    }
}
