package org.promptseg.jobs.tune;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.storage.StorageLevel;
import org.promptseg.common.Hashing;
import org.promptseg.common.Ids;
import org.promptseg.common.Json;
import org.promptseg.common.PromptsegException;
import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.cli.BuildInfo;
import org.promptseg.jobs.data.PatchTable;
import org.promptseg.jobs.data.ShardManifest;
import org.promptseg.jobs.rounds.Groups;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.jobs.rounds.ParameterServerRounds;
import org.promptseg.jobs.rounds.RoundMetrics;
import org.promptseg.jobs.rounds.RoundSettings;
import org.promptseg.jobs.rounds.RoundState;
import org.promptseg.jobs.rounds.StoreRoundCheckpoints;
import org.promptseg.jobs.train.AliasUpdates;
import org.promptseg.jobs.train.BackboneInfo;
import org.promptseg.jobs.train.CenterPartitioner;
import org.promptseg.jobs.train.ClassMasks;
import org.promptseg.jobs.train.ModelGroups;
import org.promptseg.jobs.train.ModelState;
import org.promptseg.jobs.train.PatchTrainer;
import org.promptseg.jobs.train.PatchValidation;
import org.promptseg.jobs.train.RunIds;
import org.promptseg.jobs.train.TensorConversions;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TuningMode;
import org.promptseg.model.loss.LossSettings;
import org.promptseg.model.train.OptimSettings;
import org.promptseg.store.DataProvenance;
import org.promptseg.store.LoadedPrompts;
import org.promptseg.store.ModelManifest;
import org.promptseg.store.ModelPublication;
import org.promptseg.store.PromptManifest;
import org.promptseg.store.PromptPublication;
import org.promptseg.store.PromptStore;
import org.promptseg.volume.preprocess.Patch;

/**
 * {@code promptseg tune}: new centers on a frozen backbone, in one job. In {@code prompt} mode only each
 * center's prompt tensors train and travel (the backbone is read once per executor JVM from the store);
 * {@code full} and {@code head} train the same data with every weight or the head only, stored as separate
 * models for the comparisons in evaluate. Each center gets a new version, set as {@code candidate}.
 */
public final class TuneJob {
    /** Inputs of one tuning run. */
    public record Options(String patches, List<String> centers, String backbone, String store, TuningMode mode, String init,
                          List<String> promptKinds, long seed, String runId, boolean resume, Integer rounds) {}

    /** One center's outcome. */
    public record CenterResult(String version, Double valDiceBefore, Double valDiceAfter, String parentVersion) {}

    /** What was published. */
    public record Result(String backboneId, String mode, Map<String, CenterResult> centers, List<RoundMetrics> history, String runId,
                         double seconds) {
        public String toText() {
            StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT, "tuned (%s) on backbone %s, run %s, %.1f s", mode,
                    backboneId.substring(0, 12), runId, seconds));
            centers.forEach((c, r) -> b.append(String.format(java.util.Locale.ROOT, "%n  %s: version %s, validation Dice %.3f -> %.3f", c,
                    r.version(), r.valDiceBefore() == null ? Double.NaN : r.valDiceBefore(), r.valDiceAfter() == null ? Double.NaN : r.valDiceAfter())));
            return b.toString();
        }
    }

    private final JobContext ctx;

    public TuneJob(JobContext ctx) {
        this.ctx = ctx;
    }

    public Result run(Options o) throws IOException {
        long t0 = System.nanoTime();
        if (o.centers().isEmpty()) {
            throw new PromptsegException("tune needs at least one center (--centers)");
        }
        o.centers().forEach(c -> Ids.require("center id", c));
        PromptStore store = ctx.store(o.store());
        BackboneInfo backbone = BackboneInfo.resolve(store, o.backbone());
        if (o.promptKinds() != null && !o.promptKinds().stream().sorted().toList().equals(backbone.promptKinds())) {
            throw new PromptsegException("backbone " + backbone.id().substring(0, 12) + " was pretrained with prompt kinds " + backbone.promptKinds()
                    + "; --prompts " + String.join(",", o.promptKinds()) + " does not match (prompts are part of the architecture: pretrain with them)");
        }
        ShardManifest shard = ShardManifest.read(o.patches(), ctx.hadoop());
        backbone.requireCompatible(shard, o.patches());
        Map<String, boolean[]> labelled = new TreeMap<>();
        o.centers().forEach(c -> labelled.put(c, shard.center(c).labelledClasses()));

        PromptableUNet model = backbone.loadModel(store);
        ParamSet generic = backbone.genericPrompts(store).orElseGet(() -> ModelGroups.prompts(model));
        Map<String, ParamSet> startPrompts = new TreeMap<>();
        Map<String, String> parents = new TreeMap<>();
        for (String c : o.centers()) {
            if (o.init() != null) {
                String[] cv = o.init().split("/", 2);
                if (cv.length != 2) {
                    throw new PromptsegException("--init '" + o.init() + "': expected center/version, e.g. c1/production or c1/0003");
                }
                LoadedPrompts p = store.load(cv[0], cv[1], backbone.id());
                startPrompts.put(c, TensorConversions.fromStore(p.tensors()));
                parents.put(c, cv[0].equals(c) ? p.manifest().version() : null);
            } else {
                startPrompts.put(c, generic);
            }
        }

        Map<String, ParamSet> server = new TreeMap<>();
        Map<String, List<String>> plan = new TreeMap<>();
        ParamSet fixedPrompts = null;
        for (String c : o.centers()) {
            switch (o.mode()) {
                case PROMPT -> {
                    server.put(Groups.prompt(c), startPrompts.get(c));
                    plan.put(c, List.of(Groups.prompt(c)));
                }
                case FULL, HEAD -> {
                    ModelGroups.insert(model, TuningMode.PROMPT, startPrompts.get(c));
                    server.put(Groups.model(c), ModelGroups.trainable(model, o.mode()));
                    plan.put(c, List.of(Groups.model(c)));
                }
                default -> throw new IllegalStateException();
            }
        }
        if (o.mode() == TuningMode.HEAD) {
            fixedPrompts = startPrompts.get(o.centers().get(0));
        }

        String runId = o.runId() != null ? Ids.require("run id", o.runId()) : RunIds.next("tune");
        StoreRoundCheckpoints checkpoints = new StoreRoundCheckpoints(store.run(runId), ctx.config().getInt("promptseg.rounds.checkpoint-keep"));
        RoundState initial = RoundState.initial(server);
        RoundState start = initial;
        if (o.resume()) {
            start = checkpoints.latest().orElseThrow(() -> new PromptsegException("run '" + runId + "' has no checkpoint in " + store.root()
                    + " to resume from"));
            ctx.progress().say("resuming run " + runId + " after round " + start.completedRounds());
        }
        RoundSettings settings = RoundSettings.fromConfig(ctx.config(), "promptseg.tune", o.seed());
        if (o.rounds() != null) {
            settings = settings.withRounds(o.rounds());
        }
        int threads = ctx.threadsPerTask();
        int batch = ctx.config().getInt("promptseg.train.batch-size");
        PatchTrainer trainer = new PatchTrainer(backbone.source(), o.mode(), OptimSettings.fromConfig(ctx.config(), o.mode()),
                LossSettings.fromConfig(ctx.config()), backbone.normalization(), labelled, fixedPrompts, settings.localSteps(), batch, threads);
        JavaPairRDD<String, Patch> train = CenterPartitioner.partition(PatchTable.read(ctx.spark(), o.patches(), o.centers(), "train"),
                o.centers(), ctx.partitionsPerCenter(o.centers().size()));
        JavaPairRDD<String, Patch> val = PatchTable.read(ctx.spark(), o.patches(), o.centers(), "val").persist(StorageLevel.MEMORY_AND_DISK());
        PatchValidation.Setup valSetup = new PatchValidation.Setup(backbone.source(), backbone.normalization(), labelled, batch, threads);
        ParamSet fixed = fixedPrompts;
        try {
            // "before" is the starting prompts' Dice, also when resuming: a resumed run publishes what an uninterrupted one would
            Map<String, Double> before = PatchValidation.dice(ctx.jsc(), val, valSetup, states(initial, o.mode(), fixed, labelled));
            ctx.progress().say("tuning " + o.centers() + " (" + o.mode().configName() + ") on backbone " + backbone.id().substring(0, 12) + ": "
                    + settings.rounds() + " rounds x " + settings.localSteps() + " local steps, run " + runId + "; validation Dice before " + before);
            RoundState end = new ParameterServerRounds<Patch>(ctx.jsc(), settings, checkpoints, ctx.progress())
                    .run(train, plan, start, trainer, (round, state, due) -> due
                            ? PatchValidation.dice(ctx.jsc(), val, valSetup, states(state, o.mode(), fixed, labelled)) : Map.of());
            Map<String, Double> after = end.history().isEmpty() ? before : end.history().get(end.history().size() - 1).validationDice();
            Map<String, CenterResult> results = new TreeMap<>();
            for (String c : o.centers()) {
                results.put(c, publish(store, backbone, model, shard, o, c, end, parents.get(c), startPrompts.get(c), before.get(c), after.get(c), runId));
            }
            return new Result(backbone.id(), o.mode().configName(), results, end.history(), runId, (System.nanoTime() - t0) / 1e9);
        } finally {
            train.unpersist(false);
            val.unpersist(false);
        }
    }

    private static Map<String, ModelState> states(RoundState state, TuningMode mode, ParamSet fixedPrompts, Map<String, boolean[]> labelled) {
        Map<String, ModelState> out = new TreeMap<>();
        labelled.forEach((c, l) -> {
            String g = mode == TuningMode.PROMPT ? Groups.prompt(c) : Groups.model(c);
            out.put(c, new ModelState(mode, fixedPrompts, Map.of(g, state.group(g)), l));
        });
        return out;
    }

    private CenterResult publish(PromptStore store, BackboneInfo backbone, PromptableUNet model, ShardManifest shard, Options o, String c,
                                 RoundState end, String parent, ParamSet startPrompts, Double before, Double after, String runId) throws IOException {
        List<String> cases = shard.center(c).cases().stream().filter(k -> k.split().equals("train"))
                .map(k -> k.caseKey() + ":" + k.contentSha256().substring(0, 16)).toList();
        DataProvenance provenance = DataProvenance.of(shard.center(c).datasetRoot(), cases, true);
        Map<String, Double> metrics = new TreeMap<>();
        if (before != null) {
            metrics.put("val_dice_before", before);
        }
        if (after != null) {
            metrics.put("val_dice", after);
        }
        metrics.put(ClassMasks.METRIC, ClassMasks.encode(shard.center(c).labelledClasses()));
        String configHash = Hashing.sha256Hex(Json.canonical(Map.of("mode", o.mode().configName(), "tune", ctx.config().getConfig("promptseg.tune").root().unwrapped(),
                "optim", ctx.config().getConfig("promptseg.optim").root().unwrapped(), "loss", ctx.config().getConfig("promptseg.loss").root().unwrapped())));
        if (o.mode() == TuningMode.PROMPT) {
            PromptManifest m = store.publish(PromptPublication.builder(c, backbone.id(), TensorConversions.toStore(end.group(Groups.prompt(c))))
                    .parentVersion(parent).promptKinds(backbone.promptKinds()).configHash(configHash).provenance(provenance).metrics(metrics)
                    .toolVersion(BuildInfo.version()).build());
            AliasUpdates.promote(store, c, "candidate", m.version());
            ctx.progress().say(c + ": published prompt version " + m.version() + " as candidate (run " + runId + ")");
            return new CenterResult(m.version(), before, after, parent);
        }
        ModelGroups.insert(model, TuningMode.PROMPT, startPrompts);
        ModelGroups.insert(model, o.mode(), end.group(Groups.model(c)));
        boolean[] active = shard.center(c).labelledClasses().clone();
        model.setActiveClasses(active);
        ModelManifest m = store.publishModel(new ModelPublication(c, o.mode().configName(), backbone.id(), configHash, provenance, metrics,
                BuildInfo.version()), new ByteArrayInputStream(model.toZipBytes()));
        ctx.progress().say(c + ": published " + o.mode().configName() + " fine-tuned model " + m.version() + " (run " + runId + ")");
        return new CenterResult(m.version(), before, after, null);
    }
}
