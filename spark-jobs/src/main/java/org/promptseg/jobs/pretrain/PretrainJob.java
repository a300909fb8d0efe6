package org.promptseg.jobs.pretrain;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaPairRDD;
import org.promptseg.common.Ids;
import org.promptseg.common.Json;
import org.promptseg.common.PromptsegException;
import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.cli.BuildInfo;
import org.promptseg.jobs.data.PatchTable;
import org.promptseg.jobs.data.ShardManifest;
import org.promptseg.jobs.rounds.Groups;
import org.promptseg.jobs.rounds.LocalTrainer;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.jobs.rounds.ParameterServerRounds;
import org.promptseg.jobs.rounds.RoundMetrics;
import org.promptseg.jobs.rounds.RoundSettings;
import org.promptseg.jobs.rounds.RoundState;
import org.promptseg.jobs.rounds.StoreRoundCheckpoints;
import org.promptseg.jobs.train.AliasUpdates;
import org.promptseg.jobs.train.CenterPartitioner;
import org.promptseg.jobs.train.ClassMasks;
import org.promptseg.jobs.train.CpaPatchTrainer;
import org.promptseg.jobs.train.ModelGroups;
import org.promptseg.jobs.train.ModelSource;
import org.promptseg.jobs.train.ModelState;
import org.promptseg.jobs.train.PatchTrainer;
import org.promptseg.jobs.train.PatchValidation;
import org.promptseg.jobs.train.RunIds;
import org.promptseg.jobs.train.TensorConversions;
import org.promptseg.model.ModelSpec;
import org.promptseg.model.ParamReport;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TuningMode;
import org.promptseg.model.loss.LossSettings;
import org.promptseg.model.train.OptimSettings;
import org.promptseg.store.BackboneDescription;
import org.promptseg.store.BackboneIds;
import org.promptseg.store.DataProvenance;
import org.promptseg.store.PromptManifest;
import org.promptseg.store.PromptPublication;
import org.promptseg.store.PromptStore;
import org.promptseg.volume.preprocess.Fingerprint;
import org.promptseg.volume.preprocess.Normalization;
import org.promptseg.volume.preprocess.Patch;
import org.promptseg.volume.preprocess.PreprocessOptions;

/**
 * {@code promptseg pretrain}: the backbone and the pretraining centers' prompts, trained together by the
 * parameter-server rounds with every parameter trainable (data-parallel), so that the backbone learns to
 * use prompts. Publishes the frozen backbone (with the generic prompts = mean of the centers' prompts, and
 * the normalisation fingerprint) and each center's prompts as its production version.
 */
public final class PretrainJob {
    /** Inputs of one pretraining run. */
    /** @param objective seg or cpa+seg; null = {@code promptseg.pretrain.objective} */
    public record Options(String patches, List<String> centers, String preset, String store, long seed, String runId, boolean resume,
                          Integer rounds, String objective) {
        public Options(String patches, List<String> centers, String preset, String store, long seed, String runId, boolean resume, Integer rounds) {
            this(patches, centers, preset, store, seed, runId, resume, rounds, null);
        }
    }

    /** What was published. */
    public record Result(String backboneId, Map<String, String> promptVersions, Map<String, Double> validationDice, ParamReport params,
                         List<RoundMetrics> history, String runId, double seconds, String objective, Map<String, Integer> unlabelledCases) {
        public String toText() {
            return String.format(java.util.Locale.ROOT, "backbone %s (%s, %d backbone parameters, prompts %.2f%% of it, objective %s); prompt versions %s;"
                    + " validation Dice %s; run %s, %.1f s", backboneId, params.preset(), params.frozen(), params.promptSharePercent(), objective,
                    promptVersions, validationDice, runId, seconds);
        }
    }

    private final JobContext ctx;

    public PretrainJob(JobContext ctx) {
        this.ctx = ctx;
    }

    /** Runs {@link #run(Options)} and writes the pretraining report (JSON, curves, page) to {@code reportUri}. */
    public Result run(Options o, String reportUri, boolean overwrite) throws IOException {
        Result r = run(o);
        PretrainReportWriter.write(r, reportUri, ctx.hadoop(), overwrite);
        return r;
    }

    public Result run(Options o) throws IOException {
        long t0 = System.nanoTime();
        if (o.centers().isEmpty()) {
            throw new PromptsegException("pretrain needs at least one center (--centers)");
        }
        o.centers().forEach(c -> Ids.require("center id", c));
        ShardManifest shard = ShardManifest.read(o.patches(), ctx.hadoop());
        Map<String, boolean[]> labelled = new TreeMap<>();
        o.centers().forEach(c -> labelled.put(c, shard.center(c).labelledClasses()));
        ModelSpec spec = ModelSpec.fromConfig(ctx.config(), o.preset()).withNumClasses(shard.classes().size());
        requirePatchSize(spec, shard, o.patches());
        PreprocessOptions preprocess = PreprocessOptions.fromConfig(ctx.config());
        Fingerprint fingerprint = ShardManifest.readPartials(o.patches(), o.centers(), ctx.hadoop())
                .finish(preprocess.percentileLow(), preprocess.percentileHigh());
        Normalization normalization = Normalization.of(preprocess, fingerprint);

        int[] patch = {spec.patch().get(0), spec.patch().get(1), spec.patch().get(2)};
        PretrainObjective objective = PretrainObjective.fromConfig(ctx.config(), patch, o.objective());
        Set<String> unlabelled = objective.labelledFraction() < 1
                ? unlabelledCases(PatchTable.caseIds(ctx.spark(), o.patches(), o.centers(), "train"), objective.labelledFraction(), o.seed())
                : Set.of();

        PromptableUNet init = PromptableUNet.create(spec, o.seed());
        ParamSet prompts0 = ModelGroups.prompts(init);
        Map<String, ParamSet> server = new TreeMap<>();
        server.put(Groups.BACKBONE, ModelGroups.backbone(init));
        Map<String, List<String>> plan = new TreeMap<>();
        for (String c : o.centers()) {
            if (!prompts0.isEmpty()) {
                server.put(Groups.prompt(c), prompts0);
                plan.put(c, List.of(Groups.BACKBONE, Groups.prompt(c)));
            } else {
                plan.put(c, List.of(Groups.BACKBONE));
            }
        }

        PromptStore store = ctx.store(o.store());
        String runId = o.runId() != null ? Ids.require("run id", o.runId()) : RunIds.next("pretrain");
        StoreRoundCheckpoints checkpoints = new StoreRoundCheckpoints(store.run(runId), ctx.config().getInt("promptseg.rounds.checkpoint-keep"));
        // CPA: the teacher starts as a copy of the student and then follows it by EMA on the driver (TeacherEma)
        Map<String, List<String>> teacherPlan = new TreeMap<>();
        if (objective.usesCpa()) {
            for (String g : new ArrayList<>(server.keySet())) {
                server.put(Groups.teacher(g), server.get(g));
            }
            plan.forEach((c, gs) -> teacherPlan.put(c, gs.stream().map(Groups::teacher).toList()));
        }
        RoundState start = RoundState.initial(server);
        if (o.resume()) {
            start = checkpoints.latest().orElseThrow(() -> new PromptsegException("run '" + runId + "' has no checkpoint in " + store.root()
                    + " to resume from"));
            ctx.progress().say("resuming run " + runId + " after round " + start.completedRounds());
        }
        RoundSettings settings = RoundSettings.fromConfig(ctx.config(), "promptseg.pretrain", o.seed());
        if (o.rounds() != null) {
            settings = settings.withRounds(o.rounds());
        }
        ModelSource source = ModelSource.Fresh.of(spec, o.seed());
        int threads = ctx.threadsPerTask();
        int batch = ctx.config().getInt("promptseg.train.batch-size");
        OptimSettings optim = OptimSettings.fromConfig(ctx.config(), TuningMode.FULL);
        LossSettings loss = LossSettings.fromConfig(ctx.config());
        LocalTrainer<Patch> trainer = objective.usesCpa()
                ? new CpaPatchTrainer(source, optim, loss, normalization, labelled, unlabelled, objective.cpa(), objective.teacherView(),
                        objective.studentView(), settings.localSteps(), batch, threads)
                : new PatchTrainer(source, TuningMode.FULL, optim, loss, normalization, labelled, null, settings.localSteps(), batch, threads);
        JavaPairRDD<String, Patch> patches = PatchTable.read(ctx.spark(), o.patches(), o.centers(), "train");
        if (!objective.usesCpa() && !unlabelled.isEmpty()) {
            // seg alone has no use for a case without labels: its patches stay out of training
            patches = patches.filter(t -> !unlabelled.contains(CpaPatchTrainer.caseKey(t._1(), t._2().caseId())));
        }
        JavaPairRDD<String, Patch> train = CenterPartitioner.partition(patches, o.centers(), ctx.partitionsPerCenter(o.centers().size()));
        JavaPairRDD<String, Patch> val = PatchTable.read(ctx.spark(), o.patches(), o.centers(), "val").persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
        PatchValidation.Setup valSetup = new PatchValidation.Setup(source, normalization, labelled, batch, threads);
        ctx.progress().say("pretraining " + spec.preset() + " on " + o.centers() + " with objective " + objective.kind().configName()
                + (unlabelled.isEmpty() ? "" : " (" + unlabelled.size() + " train cases unlabelled)") + ": " + settings.rounds() + " rounds x "
                + settings.localSteps() + " local steps, run " + runId
                + (objective.usesCpa() ? ", " + objective.cpa().prototypes() + " prototypes, teacher EMA " + objective.momentum() : ""));
        try {
            RoundState end = new ParameterServerRounds<Patch>(ctx.jsc(), settings, checkpoints, ctx.progress())
                    .withReferenceGroups(teacherPlan)
                    .withServerHook(objective.usesCpa() ? new TeacherEma(objective.momentum()) : org.promptseg.jobs.rounds.ServerHook.NONE)
                    .run(train, plan, start, trainer, (round, state, due) -> due ? PatchValidation.dice(ctx.jsc(), val, valSetup,
                            states(state, o.centers(), labelled)) : Map.of());
            return publish(o, objective, unlabelled, shard, spec, init, fingerprint, normalization, preprocess, store, runId, end,
                    (System.nanoTime() - t0) / 1e9);
        } finally {
            train.unpersist(false);
            val.unpersist(false);
        }
    }

    private static Map<String, ModelState> states(RoundState state, List<String> centers, Map<String, boolean[]> labelled) {
        Map<String, ModelState> out = new TreeMap<>();
        for (String c : centers) {
            Map<String, ParamSet> groups = new TreeMap<>();
            groups.put(Groups.BACKBONE, state.group(Groups.BACKBONE));
            if (state.server().containsKey(Groups.prompt(c))) {
                groups.put(Groups.prompt(c), state.group(Groups.prompt(c)));
            }
            out.put(c, new ModelState(TuningMode.FULL, null, groups, labelled.get(c)));
        }
        return out;
    }

    /**
     * The train cases whose labels pretraining does not use: per center, the sorted case ids are shuffled by the seed and
     * the first {@code round(fraction · n)} (at least one) keep their labels.
     */
    static Set<String> unlabelledCases(Map<String, List<String>> casesByCenter, double fraction, long seed) {
        Set<String> out = new TreeSet<>();
        casesByCenter.forEach((center, ids) -> {
            List<String> order = new ArrayList<>(ids);
            java.util.Collections.sort(order);
            SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + center.hashCode());
            for (int i = order.size() - 1; i > 0; i--) {
                java.util.Collections.swap(order, i, rnd.nextInt(i + 1));
            }
            int keep = Math.max(1, (int) Math.round(fraction * order.size()));
            for (String id : order.subList(Math.min(keep, order.size()), order.size())) {
                out.add(CpaPatchTrainer.caseKey(center, id));
            }
        });
        return out;
    }

    private Result publish(Options o, PretrainObjective objective, Set<String> unlabelled, ShardManifest shard, ModelSpec spec, PromptableUNet model, Fingerprint fingerprint,
                           Normalization normalization, PreprocessOptions preprocess, PromptStore store, String runId, RoundState end,
                           double seconds) throws IOException {
        ModelGroups.insert(model, TuningMode.FULL, end.group(Groups.BACKBONE));
        List<ParamSet> centerPrompts = new ArrayList<>();
        for (String c : o.centers()) {
            if (end.server().containsKey(Groups.prompt(c))) {
                centerPrompts.add(end.group(Groups.prompt(c)));
            }
        }
        ParamSet generic = centerPrompts.isEmpty() ? null : ModelGroups.mean(centerPrompts);
        if (generic != null) {
            ModelGroups.insert(model, TuningMode.PROMPT, generic);
        }
        boolean[] all = new boolean[spec.numClasses()];
        java.util.Arrays.fill(all, true);
        model.setActiveClasses(all);
        String backboneId = BackboneIds.compute(model.canonicalConfigurationJson(), TensorConversions.toStore(TensorConversions.toSet(model.backboneParameters())));
        Map<String, Double> lastDice = end.history().isEmpty() ? Map.of() : end.history().get(end.history().size() - 1).validationDice();
        Map<String, Object> normalisation = new LinkedHashMap<>();
        normalisation.put("fingerprint", fingerprint);
        normalisation.put("normalization", normalization);
        normalisation.put("target_spacing_zyx", shard.targetSpacingZyx());
        normalisation.put("preprocess", preprocess);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("patches", o.patches());
        provenance.put("collection", shard.collection());
        provenance.put("centers", o.centers());
        provenance.put("run_id", runId);
        provenance.put("rounds", end.completedRounds());
        provenance.put("seed", o.seed());
        provenance.put("validation_dice", lastDice);
        provenance.put("objective", objective.kind().configName());
        provenance.put("labelled_fraction", objective.labelledFraction());
        provenance.put("unlabelled_train_cases", unlabelled.size());
        if (objective.usesCpa()) {
            provenance.put("cpa", objective.cpa());
            provenance.put("teacher_momentum", objective.momentum());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("spec", spec);
        details.put("prompt_kinds", spec.prompts().kinds().stream().map(k -> k.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList());
        ParamReport params = ParamReport.of(model);
        details.put("param_report", Json.mapper().readTree(params.toJson()));
        BackboneDescription description = new BackboneDescription(spec.preset(), shard.classes(), spec.patch(), params.frozen(),
                tree(normalisation), tree(provenance), tree(details));
        if (store.backbones().stream().noneMatch(b -> b.backboneId().equals(backboneId))) {
            store.putBackbone(backboneId, new ByteArrayInputStream(model.toZipBytes()), description,
                    generic == null ? null : TensorConversions.toStore(generic));
        }
        Map<String, String> versions = new TreeMap<>();
        for (String c : o.centers()) {
            if (!end.server().containsKey(Groups.prompt(c))) {
                continue;
            }
            List<String> cases = shard.center(c).cases().stream().filter(k -> k.split().equals("train"))
                    .map(k -> k.caseKey() + ":" + k.contentSha256().substring(0, 16)).toList();
            Map<String, Double> metrics = new TreeMap<>();
            if (lastDice.containsKey(c)) {
                metrics.put("val_dice", lastDice.get(c));
            }
            metrics.put(ClassMasks.METRIC, ClassMasks.encode(shard.center(c).labelledClasses()));
            metrics.put("train_loss", end.history().get(end.history().size() - 1).lossByGroup().getOrDefault(Groups.BACKBONE, Double.NaN));
            PromptManifest m = store.publish(PromptPublication.builder(c, backboneId, TensorConversions.toStore(end.group(Groups.prompt(c))))
                    .promptKinds(spec.prompts().kinds().stream().map(k -> k.name().toLowerCase(java.util.Locale.ROOT)).sorted().toList())
                    .configHash(org.promptseg.common.Hashing.sha256Hex(Json.canonical(spec)))
                    .provenance(DataProvenance.of(shard.center(c).datasetRoot(), cases, true))
                    .metrics(metrics).toolVersion(BuildInfo.version()).build());
            AliasUpdates.promote(store, c, "production", m.version());
            versions.put(c, m.version());
        }
        Map<String, Integer> unlabelledByCenter = new TreeMap<>();
        o.centers().forEach(c -> unlabelledByCenter.put(c, 0));
        unlabelled.forEach(k -> unlabelledByCenter.merge(k.substring(0, k.indexOf('/')), 1, Integer::sum));
        return new Result(backboneId, versions, lastDice, params, end.history(), runId, seconds, objective.kind().configName(), unlabelledByCenter);
    }

    static void requirePatchSize(ModelSpec spec, ShardManifest shard, String patches) {
        int[] p = shard.patchSizeZyx();
        if (p[0] != spec.patch().get(0) || p[1] != spec.patch().get(1) || p[2] != spec.patch().get(2)) {
            throw new PromptsegException("the patch dataset " + patches + " has patches of " + java.util.Arrays.toString(p) + " voxels but preset '"
                    + spec.preset() + "' needs " + spec.patch() + ": shard again with --preset " + spec.preset());
        }
    }

    private static JsonNode tree(Object o) {
        return Json.mapper().valueToTree(o);
    }
}
