package org.promptseg.jobs.bench;

import static org.promptseg.jobs.bench.SampleStats.mean;
import static org.promptseg.jobs.bench.SampleStats.sd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.HadoopFiles;
import org.promptseg.common.Json;
import org.promptseg.common.PromptsegException;
import org.promptseg.common.Uris;
import org.promptseg.jobs.cli.Nd4jStdoutFilter;
import org.promptseg.jobs.cli.PromptsegCli;
import org.promptseg.volume.LocalFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The CPA benchmark (issue 12's evidence; not a test): does self-supervised CPA pretraining give a backbone that new
 * centers adapt to better with prompts?
 *
 * <p>On a synthetic collection (centers c0..c{n-2} pretrain, the last one is the held-out new center), for each seed
 * and each objective ({@code seg}, {@code cpa+seg}) with the same rounds and local steps and part of the pretraining
 * cases unlabelled ({@code --labelled-fraction}): pretrain a tiny backbone into its own store (wall time noted), freeze
 * it, tune the held-out center's prompts and, as the reference, fine-tune the whole network, both on the same few
 * labelled cases ({@code --target-train} of its cases, the rest test), and evaluate both on its test cases. Reported:
 * Dice of the bare backbone (generic prompts), of the tuned prompts and of full fine-tuning, and the full-minus-prompt
 * gap in percentage points; means over seeds. Every step is the CLI's own command.
 *
 * <p>Run: {@code java -cp <promptseg classpath> org.promptseg.jobs.bench.CpaBenchmark --dir /tmp/cpa-bench}. Prints a
 * Markdown table and writes {@code cpa-bench.json} in {@code --dir}; reuses the collection and shards found there.
 */
@Command(name = "cpa-bench", mixinStandardHelpOptions = true, description = "seg vs cpa+seg pretraining, judged by prompt tuning on a new center.")
public final class CpaBenchmark implements Callable<Integer> {
    @Option(names = "--dir", required = true, description = "Working folder.")
    String dir;
    @Option(names = "--seeds", defaultValue = "1,2", split = ",", description = "Seeds of pretraining and tuning. Default: ${DEFAULT-VALUE}.")
    List<Long> seeds;
    @Option(names = "--centers", defaultValue = "3", description = "Synthetic centers; the last is the held-out one. Default: ${DEFAULT-VALUE}.")
    int centers;
    @Option(names = "--cases-per-center", defaultValue = "16", description = "Default: ${DEFAULT-VALUE}.")
    int casesPerCenter;
    @Option(names = "--size", defaultValue = "64", description = "In-plane size of the synthetic volumes. Default: ${DEFAULT-VALUE}.")
    int size;
    @Option(names = "--collection-seed", defaultValue = "11", description = "Default: ${DEFAULT-VALUE}.")
    long collectionSeed;
    @Option(names = "--labelled-fraction", defaultValue = "0.5", description = "Share of the pretraining centers' train cases with labels. Default: ${DEFAULT-VALUE}.")
    double labelledFraction;
    @Option(names = "--target-train", defaultValue = "0.15", description = "Share of the held-out center's cases labelled for tuning. Default: ${DEFAULT-VALUE}.")
    double targetTrain;
    @Option(names = "--patches-per-case", defaultValue = "8", description = "Default: ${DEFAULT-VALUE}.")
    int patchesPerCase;
    @Option(names = "--pretrain-rounds", defaultValue = "10", description = "Default: ${DEFAULT-VALUE}.")
    int pretrainRounds;
    @Option(names = "--tune-rounds", defaultValue = "6", description = "Rounds of prompt tuning and of full fine-tuning. Default: ${DEFAULT-VALUE}.")
    int tuneRounds;
    @Option(names = "--set", description = "Configuration override KEY=VALUE; repeatable, after the benchmark's defaults.")
    List<String> sets = new ArrayList<>();

    /** A small network that pretrains in a few minutes on 2 cores. */
    static final List<String> DEFAULTS = List.of("promptseg.spark.master=local[2]", "promptseg.model.presets.tiny.channels=[8,16,32,64]",
            "promptseg.prompt.kinds=[deep]", "promptseg.prompt.deep.stages=1", "promptseg.native.max-bytes=3g", "promptseg.native.max-physical-bytes=8g",
            "promptseg.rounds.validate-every=0", "promptseg.optim.learning-rate-full=3e-3", "promptseg.pretrain.local-steps=8",
            "promptseg.tune.local-steps=6", "promptseg.cli.progress=true");

    /** One pretraining and what the held-out center made of it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Run(String objective, long seed, String backboneId, double pretrainSeconds, Map<String, Double> lastLossTerms, double lastLoss,
                      double bareDice, double promptDice, double fullDice, double gapPp, double promptTuneSeconds, double fullTuneSeconds) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Report(String target, List<String> pretrainCenters, Map<String, Object> settings, List<Run> runs, Map<String, Map<String, Double>> means,
                         double seconds) {}

    public static void main(String[] args) {
        Nd4jStdoutFilter.install();
        System.exit(new CommandLine(new CpaBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        if (centers < 2) {
            throw new PromptsegException("--centers must be at least 2 (pretraining centers plus the held-out one)");
        }
        List<String> all = new ArrayList<>(DEFAULTS);
        all.add("promptseg.pretrain.labelled-fraction=" + labelledFraction);
        all.add("promptseg.pretrain.rounds=" + pretrainRounds);
        all.add("promptseg.tune.rounds=" + tuneRounds);
        all.addAll(sets);
        // the held-out center's split: few labelled cases to tune on, one to validate, the rest to test
        List<String> targetSplit = new ArrayList<>(all);
        double val = 1.0 / casesPerCenter;
        targetSplit.addAll(List.of("promptseg.volume.split.train=" + targetTrain, "promptseg.volume.split.val=" + val,
                "promptseg.volume.split.test=" + (1 - targetTrain - val)));
        Path root = Uris.toPath(dir);
        Configuration hadoop = new Configuration();
        FileSystem fs = LocalFiles.fileSystem(root, hadoop);
        String coll = new Path(root, "collection").toString();
        String prePatches = new Path(root, "patches-pretrain").toString();
        String targetPatches = new Path(root, "patches-target").toString();
        List<String> pre = new ArrayList<>();
        for (int c = 0; c < centers - 1; c++) {
            pre.add("c" + c);
        }
        String target = "c" + (centers - 1);
        if (!fs.exists(new Path(coll, "centers.json"))) {
            cli("synth", "--out", coll, "--centers", Integer.toString(centers), "--cases-per-center", Integer.toString(casesPerCenter),
                    "--unlabelled-per-center", "0", "--size", Integer.toString(size), "--seed", Long.toString(collectionSeed));
        }
        if (!fs.exists(new Path(prePatches, "shard.json"))) {
            cli(with(all, "shard", "--collection", coll, "--out", prePatches, "--centers", String.join(",", pre), "--preset", "tiny",
                    "--patches-per-case", Integer.toString(patchesPerCase)));
        }
        if (!fs.exists(new Path(targetPatches, "shard.json"))) {
            // the new center is resampled to the backbone's spacing, as tune requires
            double[] spacing = org.promptseg.jobs.data.ShardManifest.read(prePatches, hadoop).targetSpacingZyx();
            cli(with(targetSplit, "shard", "--collection", coll, "--out", targetPatches, "--centers", target, "--preset", "tiny",
                    "--patches-per-case", Integer.toString(patchesPerCase), "--target-spacing", spacing[0] + "," + spacing[1] + "," + spacing[2]));
        }
        List<Run> runs = new ArrayList<>();
        for (long seed : seeds) {
            for (String objective : List.of("seg", "cpa+seg")) {
                String tag = objective.replace("+", "-") + "-s" + seed;
                String store = new Path(root, "store-" + tag).toString();
                fs.delete(new Path(store), true);
                String report = new Path(root, "pretrain-" + tag).toString();
                long p0 = System.nanoTime();
                cli(with(all, "pretrain", "--patches", prePatches, "--centers", String.join(",", pre), "--store", store, "--objective", objective,
                        "--seed", Long.toString(seed), "--run-id", "pre-" + tag, "--report", report, "--overwrite"));
                double pretrainSeconds = (System.nanoTime() - p0) / 1e9;
                JsonNode pretrain = Json.mapper().readTree(HadoopFiles.readString(new Path(report, "pretrain.json"), hadoop, 1 << 26));
                JsonNode last = pretrain.get("history").get(pretrain.get("history").size() - 1);
                Map<String, Double> terms = new LinkedHashMap<>();
                last.get("lossTerms").fields().forEachRemaining(e -> terms.put(e.getKey(), e.getValue().asDouble()));
                long q0 = System.nanoTime();
                cli(with(targetSplit, "tune", "--patches", targetPatches, "--centers", target, "--store", store, "--mode", "prompt", "--seed",
                        Long.toString(seed), "--run-id", "prompt-" + tag));
                double promptSeconds = (System.nanoTime() - q0) / 1e9;
                long f0 = System.nanoTime();
                cli(with(targetSplit, "tune", "--patches", targetPatches, "--centers", target, "--store", store, "--mode", "full", "--seed",
                        Long.toString(seed), "--run-id", "full-" + tag));
                double fullSeconds = (System.nanoTime() - f0) / 1e9;
                String eval = new Path(root, "evaluate-" + tag).toString();
                cli(with(targetSplit, "evaluate", "--collection", coll, "--store", store, "--centers", target, "--report", eval, "--no-images",
                        "--overwrite"));
                JsonNode summary = Json.mapper().readTree(HadoopFiles.readString(new Path(eval, "summary.json"), hadoop, 1 << 26)).get("summary").get(0);
                Run r = new Run(objective, seed, pretrain.get("backboneId").asText(), pretrainSeconds, terms,
                        last.get("lossByGroup").get("backbone").asDouble(), summary.get("backboneDice").asDouble(), summary.get("promptDice").asDouble(),
                        summary.get("fullDice").asDouble(), summary.get("promptVsFullGapPp").asDouble(), promptSeconds, fullSeconds);
                runs.add(r);
                System.err.println(String.format(Locale.ROOT, "cpa-bench %s seed %d: pretrain %.0f s, bare %.4f, prompt %.4f, full %.4f, gap %.1f pp",
                        objective, seed, pretrainSeconds, r.bareDice(), r.promptDice(), r.fullDice(), r.gapPp()));
            }
        }
        Map<String, Map<String, Double>> means = new LinkedHashMap<>();
        for (String objective : List.of("seg", "cpa+seg")) {
            List<Run> of = runs.stream().filter(r -> r.objective().equals(objective)).toList();
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("pretrain_seconds", mean(of.stream().mapToDouble(Run::pretrainSeconds).toArray()));
            m.put("bare_dice", mean(of.stream().mapToDouble(Run::bareDice).toArray()));
            m.put("prompt_dice", mean(of.stream().mapToDouble(Run::promptDice).toArray()));
            m.put("prompt_dice_sd", sd(of.stream().mapToDouble(Run::promptDice).toArray()));
            m.put("full_dice", mean(of.stream().mapToDouble(Run::fullDice).toArray()));
            m.put("gap_pp", mean(of.stream().mapToDouble(Run::gapPp).toArray()));
            m.put("gap_pp_sd", sd(of.stream().mapToDouble(Run::gapPp).toArray()));
            means.put(objective, m);
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("sets", all);
        settings.put("target_split", targetSplit.subList(all.size(), targetSplit.size()));
        settings.put("cases_per_center", casesPerCenter);
        settings.put("size", size);
        settings.put("collection_seed", collectionSeed);
        settings.put("patches_per_case", patchesPerCase);
        Report report = new Report(target, pre, settings, runs, means, (System.nanoTime() - t0) / 1e9);
        HadoopFiles.writeAtomically(new Path(root, "cpa-bench.json"), hadoop, true, Json.pretty(report).getBytes(StandardCharsets.UTF_8));
        System.out.println(table(report));
        return 0;
    }

    static String table(Report r) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%nCPA benchmark: pretrain on %s, prompt-tune and fully fine-tune %s; %.0f s%n%n",
                r.pretrainCenters(), r.target(), r.seconds()));
        b.append("| objective | seed | pretrain s | last loss (terms) | bare Dice | prompt Dice | full FT Dice | gap full-prompt pp | prompt tune s | full tune s |\n");
        b.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Run x : r.runs()) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %.3f %s | %.4f | %.4f | %.4f | %+.1f | %.0f | %.0f |%n", x.objective(), x.seed(),
                    x.pretrainSeconds(), x.lastLoss(), x.lastLossTerms(), x.bareDice(), x.promptDice(), x.fullDice(), x.gapPp(), x.promptTuneSeconds(),
                    x.fullTuneSeconds()));
        }
        b.append("\nmeans over seeds:\n");
        r.means().forEach((o, m) -> b.append(String.format(Locale.ROOT, "- %s: pretrain %.0f s, bare %.4f, prompt %.4f +- %.4f, full %.4f, gap %+.1f +- %.1f pp%n",
                o, m.get("pretrain_seconds"), m.get("bare_dice"), m.get("prompt_dice"), m.get("prompt_dice_sd"), m.get("full_dice"), m.get("gap_pp"),
                m.get("gap_pp_sd"))));
        return b.toString();
    }

    private static String[] with(List<String> sets, String... args) {
        List<String> out = new ArrayList<>(Arrays.asList(args));
        for (String s : sets) {
            out.add("--set");
            out.add(s);
        }
        return out.toArray(String[]::new);
    }

    private static void cli(String... args) {
        PromptsegCli.executeOrThrow(args);
    }
}
