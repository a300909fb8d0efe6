package org.promptseg.jobs.evaluate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.HadoopFiles;
import org.promptseg.common.Json;
import org.promptseg.jobs.data.AtomicOutput;
import org.promptseg.jobs.report.Charts;
import org.promptseg.jobs.report.HtmlPage;
import org.promptseg.jobs.rounds.RoundMetrics;
import org.promptseg.model.metrics.ClassMetrics;

/**
 * Writes an evaluation report folder, atomically: {@code metrics.json} and {@code metrics.csv} (per case,
 * variant and class), {@code summary.json}, {@code dice.png}, learning curves, overlays of the best,
 * median and worst case per center, and {@code index.html} tying them together.
 */
final class EvaluationReportWriter {
    private final Configuration conf;

    EvaluationReportWriter(Configuration conf) {
        this.conf = conf;
    }

    /** Per-case rows of metrics.json. */
    record CaseRow(String center, String caseId, String variant, List<ClassMetrics> classes, long millis) {}

    void write(EvaluationReport report, List<CaseEvaluation> results, String uri, boolean images, boolean overwrite) throws IOException {
        try (AtomicOutput out = AtomicOutput.begin(uri, conf, overwrite)) {
            Path dir = out.staging();
            List<CaseRow> caseRows = new ArrayList<>();
            StringBuilder csv = new StringBuilder("center,case,variant,class,dice,hd95_mm,reference_voxels,prediction_voxels\n");
            for (CaseEvaluation e : results) {
                e.metrics().forEach((variant, m) -> {
                    caseRows.add(new CaseRow(e.center(), e.caseKey(), variant, m.classes(), e.millis().getOrDefault(variant, 0L)));
                    for (ClassMetrics c : m.classes()) {
                        csv.append(String.join(",", e.center(), e.caseKey(), variant, c.name(), String.format(Locale.ROOT, "%.6f", c.dice()),
                                c.hasHd95() ? String.format(Locale.ROOT, "%.4f", c.hd95Mm()) : "", Long.toString(c.referenceVoxels()),
                                Long.toString(c.predictionVoxels()))).append('\n');
                    }
                });
            }
            put(dir, "metrics.json", Json.pretty(caseRows));
            put(dir, "metrics.csv", csv.toString());
            put(dir, "summary.json", Json.pretty(report));

            HtmlPage page = new HtmlPage("promptseg evaluation");
            page.p("Backbone " + report.backboneId() + "; " + results.size() + " test cases of " + report.centers() + String.format(Locale.ROOT,
                    "; %.0f s.", report.seconds()));
            page.h2("Summary per center");
            page.p("Mean Dice over test cases (each case: mean over the classes its center labels). Gap = full fine-tuning minus prompts,"
                    + " in percentage points; gain = prompts minus the bare backbone.");
            List<List<String>> sum = new ArrayList<>();
            for (EvaluationReport.CenterSummary s : report.summary()) {
                sum.add(List.of(s.center(), EvaluationReport.f(s.backboneDice()), s.promptVariant() == null ? "-" : s.promptVariant(),
                        EvaluationReport.f(s.promptDice()), EvaluationReport.f(s.fullDice()), EvaluationReport.f(s.headDice()),
                        pp(s.promptVsFullGapPp()), pp(s.promptGainPp())));
            }
            page.table(List.of("center", "bare backbone", "prompt version", "prompts", "full FT", "head FT", "gap full-prompts", "gain over backbone"), sum);
            put(dir, "dice.png", barChart(report));
            page.image("dice.png", "Mean Dice per center and variant");
            if (!report.forgetting().isEmpty()) {
                page.h2("Forgetting: fine-tuned models on other centers");
                page.p("A center's full or head fine-tuned model applied to the other centers, against those centers' own prompts (prompts never"
                        + " change another center's network).");
                List<List<String>> fr = new ArrayList<>();
                report.forgetting().forEach(f -> fr.add(List.of(f.model(), f.center(), EvaluationReport.f(f.modelDice()),
                        EvaluationReport.f(f.promptDice()), pp(f.changePp()))));
                page.table(List.of("model", "on center", "model Dice", "own prompts Dice", "change"), fr);
            }
            page.h2("Per center and variant");
            List<List<String>> rows = new ArrayList<>();
            for (EvaluationReport.Row r : report.rows()) {
                rows.add(List.of(r.center(), r.label(), Integer.toString(r.cases()), EvaluationReport.f(r.meanDice()),
                        Double.isNaN(r.meanHd95Mm()) ? "-" : String.format(Locale.ROOT, "%.1f mm", r.meanHd95Mm()), classes(r.classDice())));
            }
            page.table(List.of("center", "variant", "cases", "mean Dice", "mean HD95", "Dice per class"), rows);

            if (!report.curves().isEmpty()) {
                page.h2("Learning curves");
                for (Map.Entry<String, List<RoundMetrics>> run : report.curves().entrySet()) {
                    String name = "curve-" + run.getKey() + ".png";
                    put(dir, name, org.promptseg.jobs.report.RoundCurves.png("run " + run.getKey(), run.getValue()));
                    page.image(name, "run " + run.getKey() + ": training loss and validation Dice per round");
                }
            }
            if (images) {
                page.h2("Overlays: best, median and worst case per center");
                page.p("Axial slice with the most ground truth; green = ground truth, red = prediction, yellow = both. These images are patient data.");
                for (String c : report.centers()) {
                    writeOverlays(dir, page, report, results, c);
                }
            }
            page.link("metrics.csv", "metrics.csv (per case, variant and class)");
            page.link("metrics.json", "metrics.json");
            page.link("summary.json", "summary.json");
            put(dir, "index.html", page.render());
            out.commit();
        }
    }

    private void writeOverlays(Path dir, HtmlPage page, EvaluationReport report, List<CaseEvaluation> results, String center) throws IOException {
        List<CaseEvaluation> cases = new ArrayList<>(results.stream().filter(e -> e.center().equals(center)).toList());
        if (cases.isEmpty()) {
            return;
        }
        Optional<EvaluationReport.VariantInfo> headline = report.variants().stream()
                .filter(v -> v.kind().equals(Variant.PROMPT) && center.equals(v.owner())).reduce((a, b) -> a.aliases().contains("production") ? a : b);
        String key = headline.map(EvaluationReport.VariantInfo::name).orElse(Variant.BACKBONE);
        cases.sort(Comparator.comparingDouble((CaseEvaluation e) -> e.meanDice(key)).reversed());
        Map<String, CaseEvaluation> picks = new LinkedHashMap<>();
        picks.put("best", cases.get(0));
        picks.put("median", cases.get(cases.size() / 2));
        picks.put("worst", cases.get(cases.size() - 1));
        page.h3(center + " (ranked by " + key + ")");
        for (Map.Entry<String, CaseEvaluation> p : picks.entrySet()) {
            List<String[]> imgs = new ArrayList<>();
            for (Map.Entry<String, byte[]> o : p.getValue().overlays().entrySet()) {
                String name = "images/" + center + "-" + p.getKey() + "-" + o.getKey() + ".png";
                put(dir, name, o.getValue());
                imgs.add(new String[] {name, p.getKey() + ": " + p.getValue().caseKey() + ", " + o.getKey()
                        + String.format(Locale.ROOT, ", Dice %.3f", p.getValue().meanDice(o.getKey()))});
            }
            page.images(imgs);
        }
    }

    private static byte[] barChart(EvaluationReport report) {
        Map<String, List<Double>> series = new LinkedHashMap<>();
        series.put("bare backbone", report.summary().stream().map(EvaluationReport.CenterSummary::backboneDice).toList());
        series.put("prompts", report.summary().stream().map(EvaluationReport.CenterSummary::promptDice).toList());
        if (report.summary().stream().anyMatch(s -> !Double.isNaN(s.fullDice()))) {
            series.put("full FT", report.summary().stream().map(EvaluationReport.CenterSummary::fullDice).toList());
        }
        if (report.summary().stream().anyMatch(s -> !Double.isNaN(s.headDice()))) {
            series.put("head FT", report.summary().stream().map(EvaluationReport.CenterSummary::headDice).toList());
        }
        return Charts.barPng("Mean Dice per center", "Dice", report.centers(), series);
    }

    private static String pp(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%+.1f pp", v);
    }

    private static String classes(Map<String, Double> dice) {
        StringBuilder b = new StringBuilder();
        dice.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(String.format(Locale.ROOT, "%.3f", v)));
        return b.toString();
    }

    private void put(Path dir, String name, String text) throws IOException {
        put(dir, name, text.getBytes(StandardCharsets.UTF_8));
    }

    private void put(Path dir, String name, byte[] bytes) throws IOException {
        HadoopFiles.writeAtomically(new Path(dir, name), conf, false, bytes);
    }
}
