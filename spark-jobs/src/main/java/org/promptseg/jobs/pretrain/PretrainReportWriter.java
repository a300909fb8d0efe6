package org.promptseg.jobs.pretrain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.HadoopFiles;
import org.promptseg.common.Json;
import org.promptseg.jobs.data.AtomicOutput;
import org.promptseg.jobs.report.HtmlPage;
import org.promptseg.jobs.report.RoundCurves;
import org.promptseg.jobs.rounds.RoundMetrics;

/**
 * {@code pretrain --report}: the run's result as JSON, its learning curves (total loss, each loss term — seg and cpa
 * under {@code cpa+seg} — and validation Dice per round) as a PNG, and a page with the per-round table.
 */
final class PretrainReportWriter {
    private PretrainReportWriter() {}

    static void write(PretrainJob.Result r, String uri, Configuration conf, boolean overwrite) throws IOException {
        try (AtomicOutput out = AtomicOutput.begin(uri, conf, overwrite)) {
            Path dir = out.staging();
            HadoopFiles.writeAtomically(new Path(dir, "pretrain.json"), conf, false, Json.pretty(r).getBytes(StandardCharsets.UTF_8));
            HadoopFiles.writeAtomically(new Path(dir, "curves.png"), conf, false, RoundCurves.png("pretrain " + r.runId() + " (" + r.objective() + ")",
                    r.history()));
            HtmlPage page = new HtmlPage("promptseg pretrain " + r.runId());
            page.p("Backbone " + r.backboneId() + ", objective " + r.objective() + ", unlabelled train cases per center " + r.unlabelledCases()
                    + String.format(Locale.ROOT, ", %.0f s.", r.seconds()));
            page.image("curves.png", "Loss per group, loss terms and validation Dice by round");
            List<String> terms = new ArrayList<>();
            r.history().forEach(m -> m.lossTerms().keySet().forEach(t -> {
                if (!terms.contains(t)) {
                    terms.add(t);
                }
            }));
            List<String> headers = new ArrayList<>(List.of("round", "loss (backbone)"));
            terms.forEach(t -> headers.add("term " + t));
            headers.addAll(List.of("val Dice", "seconds"));
            List<List<String>> rows = new ArrayList<>();
            for (RoundMetrics m : r.history()) {
                List<String> row = new ArrayList<>();
                row.add(Integer.toString(m.round()));
                row.add(f(m.lossByGroup().get(org.promptseg.jobs.rounds.Groups.BACKBONE)));
                terms.forEach(t -> row.add(f(m.lossTerms().get(t))));
                row.add(m.validationDice().isEmpty() ? "-" : dice(m.validationDice()));
                row.add(String.format(Locale.ROOT, "%.1f", m.millis() / 1000.0));
                rows.add(row);
            }
            page.table(headers, rows);
            HadoopFiles.writeAtomically(new Path(dir, "index.html"), conf, false, page.render().getBytes(StandardCharsets.UTF_8));
            out.commit();
        }
    }

    private static String f(Double v) {
        return v == null || v.isNaN() ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String dice(Map<String, Double> d) {
        StringBuilder b = new StringBuilder();
        d.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(String.format(Locale.ROOT, "%.3f", v)));
        return b.toString();
    }
}
