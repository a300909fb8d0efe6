package org.promptseg.jobs.select;

import static org.promptseg.jobs.bench.SampleStats.mean;
import static org.promptseg.jobs.bench.SampleStats.sd;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.typesafe.config.Config;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.promptseg.common.HadoopFiles;
import org.promptseg.common.Json;
import org.promptseg.common.PromptsegException;
import org.promptseg.common.Uris;
import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.cli.Nd4jStdoutFilter;
import org.promptseg.jobs.cli.PromptsegCli;
import org.promptseg.jobs.config.PromptsegConfig;
import org.promptseg.jobs.infer.CaseInference;
import org.promptseg.jobs.progress.Progress;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.jobs.spark.SparkSessions;
import org.promptseg.jobs.spark.SparkSettings;
import org.promptseg.jobs.train.BackboneInfo;
import org.promptseg.store.PromptStore;
import org.promptseg.volume.LocalFiles;
import org.promptseg.volume.dataset.CaseRef;
import org.promptseg.volume.dataset.CenterCollection;
import org.promptseg.volume.dataset.ClassMapping;
import org.promptseg.volume.dataset.Dataset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The selection benchmark (not a test): does {@code promptseg select} choose cases worth labelling?
 *
 * <p>On a synthetic collection (3 centers; the target center has a pool of {@code --pool} unlabelled cases and
 * {@code --test-cases} labelled ones), a backbone is pretrained on the other centers with the CLI's own shard and
 * pretrain commands. Then, for each budget, cases of the target's pool are chosen
 * <ul>
 *   <li>at random (one run per {@code --random-seeds} seed),</li>
 *   <li>by select round 0 alone (diversity, the whole budget),</li>
 *   <li>by select as a campaign (tandem): round 0 takes half the budget (rounded up), their labels are delivered, round 1
 *       takes the rest by ensemble uncertainty + diversity,</li>
 * </ul>
 * and for every choice one prompt set is tuned from the generic prompts on exactly the chosen cases (same rounds, steps and
 * seed for all) and scored on the target's held-out cases (all its imagesTr cases; {@code include-labels-tr = false}, so
 * select never sees them). The reference: the same tuning on the whole pool ("full"), and the bare backbone.
 *
 * <p>The simulated clinician ("oracle") delivers a chosen case's label by copying its synthetic reference label
 * ({@code labelsTs/}) into the campaign's {@code labels/} folder; select itself never reads {@code labelsTs/}. The
 * labels are used only after a case was chosen, exactly as a real label would arrive.
 *
 * <p>Run: {@code java -cp <promptseg classpath> org.promptseg.jobs.select.SelectionBenchmark --dir /tmp/select-bench}
 * (reuses the collection and the backbone in {@code --dir} when present). Prints a Markdown table and writes
 * {@code select-bench.json} in {@code --dir}.
 */
@Command(name = "select-bench", mixinStandardHelpOptions = true, description = "Selection vs random labelling budgets on a synthetic center.")
public final class SelectionBenchmark implements Callable<Integer> {
    @Option(names = "--dir", required = true, description = "Working folder (collection, patches, store, results).")
    String dir;
    @Option(names = "--pool", defaultValue = "40", description = "Unlabelled pool of the target center. Default: ${DEFAULT-VALUE}.")
    int pool;
    @Option(names = "--test-cases", defaultValue = "10", description = "Held-out labelled cases of the target center (and labelled cases of the"
            + " pretraining centers). Default: ${DEFAULT-VALUE}.")
    int testCases;
    @Option(names = "--size", defaultValue = "64", description = "In-plane size of the synthetic volumes. Default: ${DEFAULT-VALUE}.")
    int size;
    @Option(names = "--collection-seed", defaultValue = "11", description = "Seed of the synthetic collection. Default: ${DEFAULT-VALUE}.")
    long collectionSeed;
    @Option(names = "--target", defaultValue = "c1", description = "The new center whose cases are selected. Default: ${DEFAULT-VALUE}.")
    String target;
    @Option(names = "--pretrain-centers", defaultValue = "c0,c2", split = ",", description = "Default: ${DEFAULT-VALUE}.")
    List<String> pretrainCenters;
    @Option(names = "--budgets", defaultValue = "5%,10%,20%", split = ",", description = "Default: ${DEFAULT-VALUE}.")
    List<String> budgets;
    @Option(names = "--random-seeds", defaultValue = "3", description = "Random selections per budget. Default: ${DEFAULT-VALUE}.")
    int randomSeeds;
    @Option(names = "--pretrain-rounds", defaultValue = "20", description = "Default: ${DEFAULT-VALUE}.")
    int pretrainRounds;
    @Option(names = "--tune-rounds", defaultValue = "6", description = "Rounds of the prompt tuning on each chosen set. Default: ${DEFAULT-VALUE}.")
    int tuneRounds;
    @Option(names = "--tune-local-steps", defaultValue = "5", description = "Default: ${DEFAULT-VALUE}.")
    int tuneLocalSteps;
    @Option(names = "--patches-per-case", defaultValue = "16", description = "Patches sampled per chosen case for tuning. Default: ${DEFAULT-VALUE}.")
    int patchesPerCase;
    @Option(names = "--seed", defaultValue = "42", description = "Seed of selection and tuning. Default: ${DEFAULT-VALUE}.")
    long seed;
    @Option(names = "--second-scanner", paramLabel = "CENTER:SHARE", description = "A two-scanner target: the target's pool mixes the target's"
            + " cases with SHARE (e.g. 0.2) of another synthetic center's (same label values), the held-out cases are half and half;"
            + " e.g. c5:0.2. Default: the target center alone.")
    String secondScanner;
    @Option(names = "--conf", description = "HOCON configuration file; repeatable.")
    List<String> confs = new ArrayList<>();
    @Option(names = "--set", description = "Configuration override KEY=VALUE; repeatable, after the benchmark's defaults.")
    List<String> sets = new ArrayList<>();

    /** The benchmark's configuration defaults: a small network that trains in minutes on 2 cores. */
    static final List<String> DEFAULTS = List.of("promptseg.spark.master=local[2]", "promptseg.model.presets.tiny.channels=[8,16,32,64]",
            "promptseg.prompt.kinds=[input,deep]", "promptseg.prompt.deep.stages=1", "promptseg.native.max-bytes=3g",
            "promptseg.native.max-physical-bytes=8g", "promptseg.rounds.validate-every=5", "promptseg.optim.learning-rate-full=3e-3",
            "promptseg.pretrain.local-steps=20", "promptseg.select.include-labels-tr=false", "promptseg.select.ensemble.rounds=4",
            "promptseg.select.ensemble.local-steps=5", "promptseg.cli.progress=true");

    /** One chosen set and how the tuned prompts did on the held-out cases. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Run(String strategy, int cases, double meanDice, double sdOverCases, double[] perCase, Map<String, Double> groupDice,
                      List<String> chosenFromGroups, double selectSeconds, double tuneSeconds) {}

    /** All runs of one budget. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record BudgetResult(String budget, int cases, List<Run> random, double randomMean, double randomSd, double randomMin, double randomMax,
                               Run diversity, Run tandem) {}

    /** The whole benchmark. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Report(String target, int pool, int testCases, String backboneId, Map<String, Object> settings, Run bare, Run full,
                         List<BudgetResult> budgets, double seconds) {}

    public static void main(String[] args) {
        Nd4jStdoutFilter.install();
        System.exit(new CommandLine(new SelectionBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        List<String> allSets = new ArrayList<>(DEFAULTS);
        allSets.addAll(sets);
        Path root = Uris.toPath(dir);
        String coll = new Path(root, "collection").toString();
        String store = new Path(root, "store").toString();
        String patches = new Path(root, "patches").toString();
        Configuration hadoop = new Configuration();
        FileSystem fs = LocalFiles.fileSystem(root, hadoop);
        if (!fs.exists(new Path(coll, "centers.json"))) {
            cli("synth", "--out", coll, "--centers", Integer.toString(centersNeeded()), "--cases-per-center", Integer.toString(testCases), "--unlabelled-per-center",
                    Integer.toString(pool), "--size", Integer.toString(size), "--seed", Long.toString(collectionSeed));
        }
        if (!fs.exists(new Path(store, "backbones")) || fs.listStatus(new Path(store, "backbones")).length == 0) {
            if (!fs.exists(new Path(patches, "shard.json"))) {
                cli(withSets(allSets, "shard", "--collection", coll, "--out", patches, "--centers", String.join(",", pretrainCenters), "--preset", "tiny",
                        "--patches-per-case", "16"));
            }
            cli(withSets(allSets, "pretrain", "--patches", patches, "--centers", String.join(",", pretrainCenters), "--store", store, "--rounds",
                    Integer.toString(pretrainRounds), "--seed", Long.toString(seed)));
        }

        String selectFrom = coll;
        if (secondScanner != null) {
            selectFrom = mixedCenter(coll, hadoop);
        }

        Config config = PromptsegConfig.load(confs, allSets);
        SparkSettings.NativeMemory mem = SparkSettings.NativeMemory.fromConfig(config);
        System.setProperty("org.bytedeco.javacpp.platform.extension", mem.platformExtension());
        SparkSession spark = SparkSessions.create(SparkSettings.fromConfig(config), "select-bench");
        try {
            JobContext ctx = new JobContext(config, spark, new Progress("select-bench", System.err, config.getBoolean("promptseg.cli.progress")));
            Report report = run(ctx, selectFrom, store, t0);
            HadoopFiles.writeStringAtomically(new Path(root, "select-bench.json"), hadoop, true, Json.pretty(report));
            System.out.println(table(report));
            return 0;
        } finally {
            spark.stop();
        }
    }

    /** Centers the synthetic collection needs: the pretraining centers, the target and the second scanner. */
    int centersNeeded() {
        int max = 2;
        List<String> all = new ArrayList<>(pretrainCenters);
        all.add(target);
        if (secondScanner != null) {
            all.add(secondScanner.split(":")[0]);
        }
        for (String c : all) {
            if (!c.matches("c[0-9]+")) {
                throw new PromptsegException("benchmark centers are synthetic ones named c<index>, got '" + c + "'");
            }
            max = Math.max(max, Integer.parseInt(c.substring(1)));
        }
        return max + 1;
    }

    /**
     * Builds the two-scanner center "mix" next to the collection: its pool is the target's pool with a share replaced by
     * the second scanner's pool cases (ids prefixed a_ and b_), its held-out cases half from each; files are copied as
     * they are (the two centers must use the same label values). Returns the manifest listing it.
     */
    private String mixedCenter(String coll, Configuration hadoop) throws IOException {
        String[] spec = secondScanner.split(":");
        if (spec.length != 2) {
            throw new PromptsegException("--second-scanner '" + secondScanner + "': expected CENTER:SHARE, e.g. c5:0.2");
        }
        String second = spec[0];
        double share = Double.parseDouble(spec[1]);
        Configuration conf = LocalFiles.withoutChecksums(hadoop);
        CenterCollection source = CenterCollection.open(coll, conf);
        Dataset a = source.dataset(target);
        Dataset b = source.dataset(second);
        if (!a.descriptor().labels().equals(b.descriptor().labels())) {
            throw new PromptsegException("--second-scanner " + second + " labels " + b.descriptor().labels() + " but " + target + " labels "
                    + a.descriptor().labels() + ": choose a center with the same label values");
        }
        Path manifest = new Path(Uris.toPath(coll), "centers-" + target + "-" + second + ".json");
        Path root = new Path(Uris.toPath(coll), "mix-" + target + "-" + second);
        FileSystem fs = LocalFiles.fileSystem(root, conf);
        if (!fs.exists(manifest)) {
            fs.delete(root, true);
            int fromB = (int) Math.round(share * pool);
            copy(a.unlabelled().subList(0, pool - fromB), "a_", Dataset.IMAGES_TS, Dataset.LABELS_TS, true, root, conf);
            copy(b.unlabelled().subList(0, fromB), "b_", Dataset.IMAGES_TS, Dataset.LABELS_TS, true, root, conf);
            int half = testCases / 2;
            copy(a.labelled().subList(0, testCases - half), "a_", Dataset.IMAGES_TR, Dataset.LABELS_TR, false, root, conf);
            copy(b.labelled().subList(0, half), "b_", Dataset.IMAGES_TR, Dataset.LABELS_TR, false, root, conf);
            FileUtil.copy(fs, new Path(a.rootUri(), Dataset.DESCRIPTOR), fs, new Path(root, Dataset.DESCRIPTOR), false, conf);
            org.promptseg.volume.dataset.CenterManifest m = source.manifest();
            List<org.promptseg.volume.dataset.CenterManifest.Center> centers = new ArrayList<>(m.centers());
            centers.add(new org.promptseg.volume.dataset.CenterManifest.Center("mix", root.getName(), 1,
                    "two scanners: " + target + " and " + second + " (" + fromB + " of " + pool + " pool cases)"));
            new org.promptseg.volume.dataset.CenterManifest(m.formatVersion(), m.classes(), centers).write(manifest, conf, false);
        }
        target = "mix";
        return manifest.toString();
    }

    private static void copy(List<CaseRef> cases, String prefix, String imagesDir, String labelsDir, boolean reference, Path root, Configuration conf)
            throws IOException {
        for (CaseRef c : cases) {
            Path img = new Path(c.channels().get(0).uri());
            FileSystem fs = LocalFiles.fileSystem(img, conf);
            FileUtil.copy(fs, img, fs, new Path(new Path(root, imagesDir), prefix + img.getName()), false, conf);
            Path label = new Path(reference ? c.referenceLabelUri() : c.labelUri());
            FileUtil.copy(fs, label, fs, new Path(new Path(root, labelsDir), prefix + label.getName()), false, conf);
        }
    }

    private static String[] withSets(List<String> sets, String... args) {
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

    private Report run(JobContext ctx, String coll, String storeUri, long t0) throws IOException {
        PromptStore store = ctx.store(storeUri);
        BackboneInfo backbone = BackboneInfo.resolve(store, "latest");
        CenterCollection collection = CenterCollection.open(coll, ctx.hadoop());
        Dataset ds = collection.dataset(target);
        ClassMapping mapping = collection.classMapping(target);
        boolean[] active = mapping.labelledClasses();
        ParamSet generic = backbone.genericPrompts(store).orElseThrow(() -> new PromptsegException("backbone without generic prompts"));
        List<HeldOutDice.Work> held = new ArrayList<>();
        for (CaseRef ref : ds.labelled()) {
            held.add(new HeldOutDice.Work(ref.caseId(), ref, mapping));
        }
        List<String> poolIds = ds.unlabelled().stream().map(CaseRef::caseId).toList();
        Map<String, CaseRef> poolRefs = new LinkedHashMap<>();
        ds.unlabelled().forEach(r -> poolRefs.put(r.caseId(), r));
        Evaluation eval = new Evaluation(ctx, backbone, generic, active, held, ds, poolRefs);
        SelectOptions base = SelectOptions.fromConfig(ctx.config());

        ctx.progress().say("bare backbone (generic prompts) on " + held.size() + " held-out cases of " + target);
        Run bare = eval.score("bare", 0, null, generic, 0, 0);
        ctx.progress().say(String.format(Locale.ROOT, "bare: held-out Dice %.4f +- %.4f%s", bare.meanDice(), bare.sdOverCases(),
                bare.groupDice().isEmpty() ? "" : ", by scanner " + bare.groupDice()));
        Run full = eval.tuneAndScore("full", poolIds, "select-bench/full", 0);
        List<BudgetResult> results = new ArrayList<>();
        for (String b : budgets) {
            Budget budget = Budget.parse(b);
            int n = budget.resolve(poolIds.size());
            String tag = "select-bench/b" + budget.toString().replace("%", "pct");
            List<Run> random = new ArrayList<>();
            for (int r = 1; r <= randomSeeds; r++) {
                List<String> ids = new ArrayList<>(poolIds);
                SplittableRandom rnd = new SplittableRandom(1000L * r + n);
                for (int i = ids.size() - 1; i > 0; i--) {
                    int j = rnd.nextInt(i + 1);
                    String t = ids.get(i);
                    ids.set(i, ids.get(j));
                    ids.set(j, t);
                }
                random.add(eval.tuneAndScore("random-" + r, ids.subList(0, n), tag + "/random-" + r, 0));
            }
            // diversity only: round 0 with the whole budget
            String divDir = tag + "/diversity";
            long s0 = System.nanoTime();
            List<String> div = campaign(ctx, base, coll, storeUri, divDir, List.of(n), eval);
            Run diversity = eval.tuneAndScore("diversity", div, divDir, (System.nanoTime() - s0) / 1e9);
            // the campaign: half by diversity, the rest by uncertainty + diversity
            String tanDir = tag + "/tandem";
            s0 = System.nanoTime();
            int n0 = (n + 1) / 2;
            List<String> tan = campaign(ctx, base, coll, storeUri, tanDir, n - n0 > 0 ? List.of(n0, n - n0) : List.of(n0), eval);
            Run tandem = eval.tuneAndScore("tandem", tan, tanDir, (System.nanoTime() - s0) / 1e9);
            double[] means = random.stream().mapToDouble(Run::meanDice).toArray();
            results.add(new BudgetResult(budget.toString(), n, random, mean(means), sd(means), Arrays.stream(means).min().orElse(Double.NaN),
                    Arrays.stream(means).max().orElse(Double.NaN), diversity, tandem));
            ctx.progress().say(String.format(Locale.ROOT, "budget %s (%d cases): random %.4f +- %.4f, diversity %.4f, tandem %.4f (full %.4f)", budget, n,
                    mean(means), sd(means), diversity.meanDice(), tandem.meanDice(), full.meanDice()));
        }
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("defaults", DEFAULTS);
        settings.put("sets", sets);
        settings.put("pretrain_centers", pretrainCenters);
        settings.put("pretrain_rounds", pretrainRounds);
        settings.put("tune_rounds", tuneRounds);
        settings.put("tune_local_steps", tuneLocalSteps);
        settings.put("patches_per_case", patchesPerCase);
        settings.put("random_seeds", randomSeeds);
        settings.put("seed", seed);
        settings.put("collection_seed", collectionSeed);
        settings.put("size", size);
        settings.put("select", base);
        return new Report(target, poolIds.size(), held.size(), backbone.id(), settings, bare, full, results, (System.nanoTime() - t0) / 1e9);
    }

    /** Runs select rounds 0, 1, ... with the given budgets in a fresh campaign folder; the oracle delivers each round's labels. */
    private List<String> campaign(JobContext ctx, SelectOptions base, String coll, String storeUri, String labellingDir, List<Integer> perRound, Evaluation eval)
            throws IOException {
        Path dirPath = new Path(eval.dataset.rootUri(), labellingDir);
        FileSystem fs = LocalFiles.fileSystem(dirPath, ctx.hadoop());
        fs.delete(dirPath, true);
        SelectOptions settings = new SelectOptions(labellingDir, base.includeLabelsTr(), base.start(), base.measure(), base.foregroundThreshold(),
                base.shortlistFactor(), base.ensemble());
        List<String> chosen = new ArrayList<>();
        for (int round = 0; round < perRound.size(); round++) {
            new SelectJob(ctx, settings).run(new SelectJob.Options(coll, storeUri, target, new Budget(perRound.get(round), 0), round, "latest", seed,
                    null, false));
            List<String> listed = LabellingLedger.read(eval.dataset, labellingDir, ctx.hadoop()).rounds().get(round);
            eval.deliver(listed, labellingDir);
            chosen.addAll(listed);
        }
        return chosen;
    }

    /** Tuning on chosen cases and scoring on the held-out ones. */
    private final class Evaluation {
        final JobContext ctx;
        final BackboneInfo backbone;
        final ParamSet generic;
        final boolean[] active;
        final List<HeldOutDice.Work> held;
        final Dataset dataset;
        final Map<String, CaseRef> pool;

        Evaluation(JobContext ctx, BackboneInfo backbone, ParamSet generic, boolean[] active, List<HeldOutDice.Work> held, Dataset dataset,
                   Map<String, CaseRef> pool) {
            this.ctx = ctx;
            this.backbone = backbone;
            this.generic = generic;
            this.active = active;
            this.held = held;
            this.dataset = dataset;
            this.pool = pool;
        }

        /** The oracle: copies the reference labels of the listed pool cases into the campaign's labels folder. */
        void deliver(List<String> ids, String labellingDir) throws IOException {
            LabellingLedger ledger = LabellingLedger.read(dataset, labellingDir, ctx.hadoop());
            Configuration conf = LocalFiles.withoutChecksums(ctx.hadoop());
            for (String id : ids) {
                CaseRef ref = pool.get(id);
                if (ref == null || ref.referenceLabelUri() == null) {
                    throw new PromptsegException("pool case " + id + " of " + target + " has no reference label in " + Dataset.LABELS_TS
                            + "/: the benchmark needs a synthetic collection");
                }
                Path src = new Path(ref.referenceLabelUri());
                Path dst = ledger.labelFile(id);
                FileSystem fs = LocalFiles.fileSystem(dst, conf);
                if (!fs.exists(dst)) {
                    FileUtil.copy(LocalFiles.fileSystem(src, conf), src, fs, dst, false, conf);
                }
            }
        }

        Run tuneAndScore(String strategy, List<String> ids, String labellingDir, double selectSeconds) throws IOException {
            if (!labellingDir.contains("tandem") && !labellingDir.contains("diversity")) {
                Path d = new Path(dataset.rootUri(), labellingDir);
                LocalFiles.fileSystem(d, ctx.hadoop()).delete(d, true);
                deliver(ids, labellingDir);
            }
            LabellingLedger ledger = LabellingLedger.read(dataset, labellingDir, ctx.hadoop());
            List<PromptEnsemble.LabelledWork> work = new ArrayList<>();
            for (String id : ids) {
                String label = ledger.deliveredLabels().get(id);
                work.add(new PromptEnsemble.LabelledWork(target, new CaseRef(id, pool.get(id).channels(), label, null),
                        held.get(0).classes()));
            }
            long t = System.nanoTime();
            ParamSet prompts = PromptEnsemble.single(ctx, backbone, generic, work, active, tuneRounds, tuneLocalSteps, patchesPerCase, seed);
            double tuneSeconds = (System.nanoTime() - t) / 1e9;
            Run r = score(strategy, ids.size(), ids, prompts, selectSeconds, tuneSeconds);
            ctx.progress().say(String.format(Locale.ROOT, "%s (%d cases): held-out Dice %.4f +- %.4f%s (tuned in %.0f s)", strategy, ids.size(), r.meanDice(),
                    r.sdOverCases(), r.groupDice().isEmpty() ? "" : ", by scanner " + r.groupDice() + ", chosen from " + r.chosenFromGroups(), tuneSeconds));
            return r;
        }

        Run score(String strategy, int cases, List<String> chosen, ParamSet prompts, double selectSeconds, double tuneSeconds) throws IOException {
            HeldOutDice task = new HeldOutDice(CaseInference.of(backbone, ctx.config()), backbone.source(), prompts, ctx.threadsPerTask());
            List<HeldOutDice.CaseDice> dice = new ArrayList<>(ctx.jsc().parallelize(held, held.size()).map(task::score).collect());
            dice.sort(java.util.Comparator.comparing(HeldOutDice.CaseDice::caseId));
            double[] per = dice.stream().mapToDouble(HeldOutDice.CaseDice::mean).toArray();
            Map<String, Double> groups = new java.util.TreeMap<>();
            for (String g : List.of("a", "b")) {
                double[] in = dice.stream().filter(d -> d.caseId().startsWith(g + "_")).mapToDouble(HeldOutDice.CaseDice::mean).toArray();
                if (in.length > 0) {
                    groups.put(g, mean(in));
                }
            }
            List<String> from = chosen == null ? List.of() : chosen.stream().map(id -> id.matches("[ab]_.*") ? id.substring(0, 1) : "-").toList();
            return new Run(strategy, cases, mean(per), sd(per), per, groups, from, selectSeconds, tuneSeconds);
        }
    }

    static String table(Report r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%nSelection benchmark: center %s, pool %d, %d held-out cases, backbone %s, %.0f s%n", r.target(), r.pool(),
                r.testCases(), r.backboneId().substring(0, 12), r.seconds()));
        b.append(String.format(Locale.ROOT, "bare backbone Dice %.4f; full pool (%d cases) Dice %.4f +- %.4f over cases%n%n", r.bare().meanDice(),
                r.full().cases(), r.full().meanDice(), r.full().sdOverCases()));
        b.append("| budget | cases | random: mean +- sd over seeds [min, max] | diversity (round 0) | tandem (round 0 + 1) | random / full | diversity / full | tandem / full |\n");
        b.append("|---|---|---|---|---|---|---|---|\n");
        double full = r.full().meanDice();
        for (BudgetResult x : r.budgets()) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %.4f +- %.4f [%.4f, %.4f] | %.4f +- %.4f | %.4f +- %.4f | %.1f%% | %.1f%% | %.1f%% |%n", x.budget(),
                    x.cases(), x.randomMean(), x.randomSd(), x.randomMin(), x.randomMax(), x.diversity().meanDice(), x.diversity().sdOverCases(),
                    x.tandem().meanDice(), x.tandem().sdOverCases(), 100 * x.randomMean() / full, 100 * x.diversity().meanDice() / full,
                    100 * x.tandem().meanDice() / full));
        }
        b.append("(diversity and tandem: +- is the sd over held-out cases; random: sd of the per-seed means)\n");
        if (!r.full().groupDice().isEmpty()) {
            b.append(String.format(Locale.ROOT, "%nby scanner (a = %s's cases, b = the second scanner's), held-out Dice a / b; chosen cases by scanner%n",
                    "target"));
            b.append(String.format(Locale.ROOT, "bare %.4f / %.4f; full %.4f / %.4f%n", r.bare().groupDice().get("a"), r.bare().groupDice().get("b"),
                    r.full().groupDice().get("a"), r.full().groupDice().get("b")));
            for (BudgetResult x : r.budgets()) {
                List<Run> runs = new ArrayList<>(x.random());
                runs.add(x.diversity());
                runs.add(x.tandem());
                for (Run run : runs) {
                    b.append(String.format(Locale.ROOT, "  %s %-10s %.4f / %.4f  chosen %s%n", x.budget(), run.strategy(), run.groupDice().get("a"),
                            run.groupDice().get("b"), String.join("", run.chosenFromGroups())));
                }
            }
        }
        return b.toString();
    }
}
