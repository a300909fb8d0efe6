package org.promptseg.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.promptseg.common.MiniHdfs;
import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.config.PromptsegConfig;
import org.promptseg.jobs.evaluate.EvaluateJob;
import org.promptseg.jobs.evaluate.EvaluationReport;
import org.promptseg.jobs.pretrain.PretrainJob;
import org.promptseg.jobs.progress.Progress;
import org.promptseg.jobs.rounds.RoundMetrics;
import org.promptseg.jobs.shard.ShardJob;
import org.promptseg.jobs.spark.SparkSessions;
import org.promptseg.jobs.spark.SparkSettings;
import org.promptseg.jobs.tune.TuneJob;
import org.promptseg.model.ModelSpec;
import org.promptseg.model.ParamReport;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TuningMode;
import org.promptseg.store.PromptManifest;
import org.promptseg.store.PromptStore;
import org.promptseg.store.tensor.TensorSet;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.dataset.SplitOptions;
import org.promptseg.volume.preprocess.PreprocessOptions;
import org.promptseg.volume.preprocess.SamplerOptions;
import org.promptseg.volume.synth.SynthOptions;
import org.promptseg.volume.synth.SyntheticCollection;

/**
 * The product end to end on Spark local[2]: shard -> pretrain on two centers -> prompt-tune the third ->
 * evaluate, with the patch dataset on a real HDFS (minicluster) and the store and collection on the local
 * filesystem. A tiny network keeps it to minutes.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("pipeline: shard -> pretrain -> tune -> evaluate")
class PipelineIT {
    static Path dir;
    static SparkSession spark;
    static JobContext ctx;
    static String collection;
    static String patches;
    static String store;
    static String backbone;
    static EvaluationReport before;

    /**
     * A small network and short runs: the point is the pipeline, not the last Dice point. The backbone still has to
     * learn enough that the new center's prompts have something to steer: hence a higher learning rate than the
     * default, and enough rounds for it.
     */
    static Config config() {
        return PromptsegConfig.of("promptseg.spark.master=local[2]", "promptseg.model.presets.tiny.channels=[8,16,32,48,64]",
                "promptseg.prompt.deep.tokens-per-class=4", "promptseg.pretrain.rounds=16", "promptseg.pretrain.local-steps=8",
                "promptseg.optim.learning-rate-full=3e-3", "promptseg.tune.rounds=10", "promptseg.tune.local-steps=8", "promptseg.rounds.validate-every=0", "promptseg.cli.progress=false");
    }

    @BeforeAll
    static void setUp() throws IOException {
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-runs")).toAbsolutePath(), "pipeline");
        Config config = config();
        spark = SparkSessions.create(SparkSettings.fromConfig(config), "pipeline-it");
        ctx = new JobContext(config, spark, Progress.stderr("pipeline"));
        collection = dir.resolve("collection").toString();
        patches = MiniHdfs.uri() + "/pipeline/patches-" + System.nanoTime();
        store = dir.resolve("store").toString();
        SyntheticCollection.generate(SynthOptions.fromConfig(config).with(3, 6, 0, 64, 11), collection, new Configuration(), false);
    }

    @AfterAll
    static void tearDown() {
        spark.stop();
    }

    @Test
    @Order(1)
    @DisplayName("shard writes every center's train and val patches to HDFS")
    void shard() throws IOException {
        Config c = ctx.config();
        int[] patch = ModelSpec.fromConfig(c).patch().stream().mapToInt(Integer::intValue).toArray();
        ShardJob.Result r = new ShardJob(spark, VolumeOptions.fromConfig(c), PreprocessOptions.fromConfig(c), SplitOptions.fromConfig(c),
                SamplerOptions.fromConfig(c), ctx.caseIds(), ctx.progress())
                .run(new ShardJob.Options(collection, patches, List.of(), patch, 8, null, 1, false, false));
        assertThat(r.patchesByCenter()).containsOnlyKeys("c0", "c1", "c2").allSatisfy((c1, n) -> assertThat(n).isGreaterThan(0));
        assertThat(MiniHdfs.fs().exists(new org.apache.hadoop.fs.Path(patches, "shard.json"))).isTrue();
    }

    @Test
    @Order(2)
    @DisplayName("pretrain on two centers publishes a backbone and their production prompts")
    void pretrain() throws IOException {
        PretrainJob.Result r = new PretrainJob(ctx).run(new PretrainJob.Options(patches, List.of("c0", "c1"), "tiny", store, 5, null, false, null));
        backbone = r.backboneId();
        assertThat(r.promptVersions()).containsOnlyKeys("c0", "c1");
        assertThat(r.history().get(r.history().size() - 1).lossByGroup().get("backbone"))
                .isLessThan(r.history().get(0).lossByGroup().get("backbone"));
        before = evaluate(List.of("c0", "c1", "c2"), "before");
        before.summary().forEach(c -> System.err.printf("after pretraining, %s: backbone %.3f, prompts %.3f%n", c.center(), c.backboneDice(),
                c.promptDice()));
    }

    @Test
    @Order(3)
    @DisplayName("prompt tuning moves only prompt-sized tensors; the new center beats the bare backbone; old centers do not change")
    void tune() throws IOException {
        TuneJob.Result r = new TuneJob(ctx).run(new TuneJob.Options(patches, List.of("c2"), backbone, store, TuningMode.PROMPT, null, null, 5,
                "tune-full", false, null));
        PromptStore s = ctx.store(store);
        TensorSet prompts = s.load("c2", r.centers().get("c2").version(), backbone).tensors();
        long promptBytes = prompts.totalBytes();
        for (RoundMetrics m : r.history()) {
            assertThat(m.broadcastBytes()).as("broadcast of round %d", m.round()).isLessThan(2 * promptBytes + 16_384);
            assertThat(m.resultBytes()).as("results of round %d", m.round()).isLessThan(4 * promptBytes + 32_768);
        }
        EvaluationReport after = evaluate(List.of("c0", "c1", "c2"), "after");
        double bare = summary(after, "c2").backboneDice();
        double tuned = summary(after, "c2").promptDice();
        System.err.printf("c2: bare backbone %.3f, prompts %.3f%n", bare, tuned);
        // c2 is the non-contrast center: its organs' contrast differs from the pretraining centers', which input
        // prompts and class tokens recover only in part (measured: held-out Dice 0.117 -> 0.157, validation Dice
        // 0.199 -> 0.274 after 10 rounds of 8 steps, while one round of full fine-tuning lifts the validation Dice
        // to 0.42). The bar asks for a clear gain on the held-out case and on the validation patches.
        assertThat(tuned).as("prompt-tuned Dice of the new center vs the bare backbone %.3f", bare).isGreaterThan(bare + 0.02);
        PromptManifest published = ctx.store(store).manifest("c2", r.centers().get("c2").version());
        assertThat(published.metrics().get("val_dice")).as("validation Dice after vs before tuning")
                .isGreaterThan(published.metrics().get("val_dice_before") + 0.03);
        for (String old : List.of("c0", "c1")) {
            assertThat(summary(after, old).promptDice()).as("old center %s", old).isEqualTo(summary(before, old).promptDice());
        }
    }

    @Test
    @Order(4)
    @DisplayName("a run resumed from its checkpoint publishes exactly the tensors of the uninterrupted run")
    void resume() throws IOException {
        PromptStore s = ctx.store(store);
        new TuneJob(ctx).run(new TuneJob.Options(patches, List.of("c2"), backbone, store, TuningMode.PROMPT, null, null, 5, "tune-cut", false, 3));
        TuneJob.Result resumed = new TuneJob(ctx).run(new TuneJob.Options(patches, List.of("c2"), backbone, store, TuningMode.PROMPT, null, null, 5,
                "tune-cut", true, null));
        String fullVersion = s.versions("c2").get(0).version();
        assertThat(s.load("c2", resumed.centers().get("c2").version(), backbone).tensors())
                .isEqualTo(s.load("c2", fullVersion, backbone).tensors());
        assertThat(s.manifest("c2", resumed.centers().get("c2").version()).metrics())
                .as("the resumed run's metrics, val_dice_before included, are the uninterrupted run's")
                .isEqualTo(s.manifest("c2", fullVersion).metrics());
    }

    @Test
    @Order(5)
    @DisplayName("bytes per round: prompt mode is at most 1/100 of whole-model averaging for paper, and far less for tiny")
    void bytesPerRound() throws IOException {
        ModelSpec paper = ModelSpec.fromConfig(PromptsegConfig.defaults(), "paper").withNumClasses(6);
        ParamReport p = ParamReport.of(PromptableUNet.create(paper, 1));
        assertThat((double) p.prompts() / (p.frozen() + p.prompts())).isLessThanOrEqualTo(0.01);
        TuneJob.Result full = new TuneJob(ctx).run(new TuneJob.Options(patches, List.of("c2"), backbone, store, TuningMode.FULL, null, null, 5,
                "tune-fullft", false, 1));
        TuneJob.Result prompt = new TuneJob(ctx).run(new TuneJob.Options(patches, List.of("c2"), backbone, store, TuningMode.PROMPT, null, null, 5,
                "tune-bytes", false, 1));
        RoundMetrics f = full.history().get(0);
        RoundMetrics q = prompt.history().get(0);
        double ratio = (double) (q.broadcastBytes() + q.resultBytes()) / (f.broadcastBytes() + f.resultBytes());
        System.err.printf("tiny bytes per round: prompt %d vs full %d (1/%.0f)%n", q.broadcastBytes() + q.resultBytes(),
                f.broadcastBytes() + f.resultBytes(), 1 / ratio);
        assertThat(ratio).isLessThan(0.1);
    }

    @Test
    @DisplayName("the task-side trainer is small: it carries settings, never a network")
    void trainerClosureIsSmall() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new org.promptseg.jobs.train.PatchTrainer(new org.promptseg.jobs.train.ModelSource.StoreBackbone("file:/x", "a".repeat(64)),
                    TuningMode.PROMPT, org.promptseg.model.train.OptimSettings.adam(1e-2), org.promptseg.model.loss.LossSettings.defaults(),
                    org.promptseg.volume.preprocess.Normalization.window(-1000, 1000), Map.of("c2", new boolean[6]), null, 6, 2, 1));
        }
        assertThat(bytes.size()).isLessThan(8_192);
    }

    static EvaluationReport evaluate(List<String> centers, String name) throws IOException {
        return new EvaluateJob(ctx).run(new EvaluateJob.Options(collection, store, centers, backbone, List.of("production", "candidate"), false,
                dir.resolve("report-" + name).toString(), false, null, List.of(), false));
    }

    static EvaluationReport.CenterSummary summary(EvaluationReport r, String center) {
        return r.summary().stream().filter(s -> s.center().equals(center)).findFirst().orElseThrow();
    }
}
