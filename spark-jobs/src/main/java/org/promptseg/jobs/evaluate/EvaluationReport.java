package org.promptseg.jobs.evaluate;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.promptseg.jobs.rounds.RoundMetrics;
import org.promptseg.model.metrics.CaseMetrics;
import org.promptseg.model.metrics.ClassMetrics;

/**
 * The numbers of an evaluation: per (center, variant) mean Dice and HD95 with per-class Dice; per center
 * the headline comparison (bare backbone, prompts, full/head fine-tuning, prompt-vs-full gap in
 * percentage points); and forgetting (a center's fine-tuned model on the other centers against their
 * own prompts). Dice means are over cases of the per-case mean over the center's labelled classes.
 */
public record EvaluationReport(
        @JsonProperty("backbone") String backboneId,
        @JsonProperty("centers") List<String> centers,
        @JsonProperty("variants") List<VariantInfo> variants,
        @JsonProperty("rows") List<Row> rows,
        @JsonProperty("summary") List<CenterSummary> summary,
        @JsonProperty("forgetting") List<Forgetting> forgetting,
        @JsonProperty("curves") Map<String, List<RoundMetrics>> curves,
        @JsonProperty("seconds") double seconds) {

    /** A variant without its tensors. */
    public record VariantInfo(String name, String label, String kind, String owner, String version, List<String> aliases) {}

    /** One center under one variant. */
    public record Row(String center, String variant, String label, int cases, double meanDice, Map<String, Double> classDice, double meanHd95Mm) {}

    /** The headline per center (NaN where a variant does not exist). */
    public record CenterSummary(String center, double backboneDice, String promptVariant, double promptDice, double fullDice, double headDice,
                                double promptVsFullGapPp, double promptGainPp) {}

    /** A fine-tuned model of {@code owner} on another center, against that center's own prompts. */
    public record Forgetting(String model, String owner, String center, double modelDice, double promptDice, double changePp) {}

    public static EvaluationReport of(String backboneId, List<String> centers, List<Variant> variants, List<CaseEvaluation> results,
                                      Map<String, List<RoundMetrics>> curves, double seconds) {
        List<VariantInfo> infos = variants.stream().map(v -> new VariantInfo(v.name(), v.label(), v.kind(), v.owner(), v.version(), v.aliases())).toList();
        List<Row> rows = new ArrayList<>();
        for (String c : centers) {
            for (Variant v : variants) {
                if (v.appliesTo(c)) {
                    rows.add(row(c, v, results));
                }
            }
        }
        List<CenterSummary> summary = new ArrayList<>();
        List<Forgetting> forgetting = new ArrayList<>();
        for (String c : centers) {
            double backbone = dice(rows, c, Variant.BACKBONE);
            Optional<Variant> prompt = headlinePrompt(variants, c);
            double promptDice = prompt.map(p -> dice(rows, c, p.name())).orElse(Double.NaN);
            double full = own(variants, rows, c, "full");
            double head = own(variants, rows, c, "head");
            summary.add(new CenterSummary(c, backbone, prompt.map(Variant::label).orElse(null), promptDice, full, head,
                    (full - promptDice) * 100, (promptDice - backbone) * 100));
            for (Variant v : variants) {
                if ((v.kind().equals("full") || v.kind().equals("head")) && !v.owner().equals(c)) {
                    double own = Double.isNaN(promptDice) ? backbone : promptDice;
                    double model = dice(rows, c, v.name());
                    forgetting.add(new Forgetting(v.label(), v.owner(), c, model, own, (model - own) * 100));
                }
            }
        }
        return new EvaluationReport(backboneId, centers, infos, rows, summary, forgetting, curves, seconds);
    }

    /** The prompt version that represents a center: production if evaluated, else candidate, else the newest. */
    static Optional<Variant> headlinePrompt(List<Variant> variants, String center) {
        List<Variant> mine = variants.stream().filter(v -> v.kind().equals(Variant.PROMPT) && v.owner().equals(center)).toList();
        for (String alias : List.of("production", "candidate")) {
            Optional<Variant> a = mine.stream().filter(v -> v.aliases().contains(alias)).findFirst();
            if (a.isPresent()) {
                return a;
            }
        }
        return mine.isEmpty() ? Optional.empty() : Optional.of(mine.get(mine.size() - 1));
    }

    private static double own(List<Variant> variants, List<Row> rows, String center, String kind) {
        return variants.stream().filter(v -> v.kind().equals(kind) && center.equals(v.owner())).findFirst()
                .map(v -> dice(rows, center, v.name())).orElse(Double.NaN);
    }

    private static double dice(List<Row> rows, String center, String variant) {
        return rows.stream().filter(r -> r.center().equals(center) && r.variant().equals(variant)).findFirst().map(Row::meanDice).orElse(Double.NaN);
    }

    private static Row row(String center, Variant v, List<CaseEvaluation> results) {
        double diceSum = 0;
        int cases = 0;
        double hdSum = 0;
        int hdCount = 0;
        Map<String, double[]> perClass = new TreeMap<>();
        for (CaseEvaluation e : results) {
            if (!e.center().equals(center) || !e.metrics().containsKey(v.name())) {
                continue;
            }
            CaseMetrics m = e.metrics().get(v.name());
            double d = e.meanDice(v.name());
            if (!Double.isNaN(d)) {
                diceSum += d;
                cases++;
            }
            for (ClassMetrics cm : m.classes()) {
                double[] acc = perClass.computeIfAbsent(cm.name(), k -> new double[2]);
                acc[0] += cm.dice();
                acc[1]++;
                if (cm.hasHd95()) {
                    hdSum += cm.hd95Mm();
                    hdCount++;
                }
            }
        }
        Map<String, Double> classDice = new TreeMap<>();
        perClass.forEach((k, a) -> classDice.put(k, a[0] / a[1]));
        return new Row(center, v.name(), v.label(), cases, cases == 0 ? Double.NaN : diceSum / cases, classDice,
                hdCount == 0 ? Double.NaN : hdSum / hdCount);
    }

    /** The headline as a fixed-width table (the demo prints it). */
    public String summaryTable() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-8s %9s %9s %9s %9s %10s%n", "center", "backbone", "prompts", "full-FT", "head-FT",
                "gap(pp)"));
        for (CenterSummary s : summary) {
            b.append(String.format(Locale.ROOT, "%-8s %9s %9s %9s %9s %10s%n", s.center(), f(s.backboneDice()), f(s.promptDice()), f(s.fullDice()),
                    f(s.headDice()), Double.isNaN(s.promptVsFullGapPp()) ? "-" : String.format(Locale.ROOT, "%+.1f", s.promptVsFullGapPp())));
        }
        return b.toString();
    }

    static String f(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }
}
