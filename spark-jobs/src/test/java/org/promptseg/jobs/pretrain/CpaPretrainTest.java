package org.promptseg.jobs.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.config.PromptsegConfig;
import org.promptseg.jobs.progress.Progress;
import org.promptseg.jobs.rounds.Groups;
import org.promptseg.jobs.rounds.RoundMetrics;
import org.promptseg.jobs.rounds.RoundState;
import org.promptseg.jobs.rounds.StoreRoundCheckpoints;
import org.promptseg.jobs.shard.ShardJob;
import org.promptseg.jobs.spark.SparkSessions;
import org.promptseg.jobs.spark.SparkSettings;
import org.promptseg.store.PromptStore;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.dataset.SplitOptions;
import org.promptseg.volume.preprocess.PreprocessOptions;
import org.promptseg.volume.preprocess.SamplerOptions;
import org.promptseg.volume.synth.SynthOptions;
import org.promptseg.volume.synth.SyntheticCollection;

/** {@code pretrain --objective cpa+seg} end to end on Spark local[2], next to the seg baseline, on a tiny synthetic collection. */
@DisplayName("pretrain --objective cpa+seg on Spark local[2]")
class CpaPretrainTest {
    static Path dir;
    static SparkSession spark;
    static JobContext ctx;
    static String patches;

    /** 16³ patches, 3 levels, 2 rounds of 2 steps: the point is the distributed wiring, not the Dice. */
    static Config config() {
        return PromptsegConfig.of("promptseg.spark.master=local[2]", "promptseg.model.presets.tiny.patch=[16,16,16]",
                "promptseg.model.presets.tiny.channels=[8,16,16]", "promptseg.prompt.deep.tokens-per-class=2", "promptseg.prompt.deep.stages=1",
                "promptseg.pretrain.rounds=2", "promptseg.pretrain.local-steps=2", "promptseg.rounds.validate-every=0", "promptseg.cli.progress=false",
                "promptseg.pretrain.labelled-fraction=0.5", "promptseg.pretrain.cpa.prototypes=8", "promptseg.pretrain.cpa.momentum=0.5");
    }

    @BeforeAll
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("cpa-pretrain");
        Config c = config();
        spark = SparkSessions.create(SparkSettings.fromConfig(c), "cpa-pretrain-test");
        ctx = new JobContext(c, spark, Progress.silent());
        String collection = dir.resolve("collection").toString();
        patches = dir.resolve("patches").toString();
        SyntheticCollection.generate(SynthOptions.fromConfig(c).with(2, 5, 0, 32, 3), collection, new Configuration(), false);
        new ShardJob(spark, VolumeOptions.fromConfig(c), PreprocessOptions.fromConfig(c), SplitOptions.fromConfig(c), SamplerOptions.fromConfig(c),
                ctx.caseIds(), ctx.progress()).run(new ShardJob.Options(collection, patches, List.of(), new int[] {16, 16, 16}, 4, null, 1, false, false));
    }

    @AfterAll
    static void tearDown() {
        spark.stop();
    }

    @Test
    @DisplayName("both objectives publish a backbone; cpa+seg logs seg and cpa per round, ships the teacher out but not back, and writes its report")
    void endToEnd() throws IOException {
        String store = dir.resolve("store").toString();
        PretrainJob job = new PretrainJob(ctx);
        PretrainJob.Result seg = job.run(new PretrainJob.Options(patches, List.of("c0", "c1"), "tiny", store, 5, "seg-run", false, null, "seg"));
        String report = dir.resolve("report").toString();
        PretrainJob.Result cpa = job.run(new PretrainJob.Options(patches, List.of("c0", "c1"), "tiny", store, 5, "cpa-run", false, null, "cpa+seg"),
                report, false);

        assertThat(seg.objective()).isEqualTo("seg");
        assertThat(cpa.objective()).isEqualTo("cpa+seg");
        assertThat(cpa.backboneId()).isNotEqualTo(seg.backboneId());
        assertThat(cpa.unlabelledCases()).allSatisfy((c, n) -> assertThat(n).isPositive());
        assertThat(cpa.history()).hasSize(2).allSatisfy(m -> {
            assertThat(m.lossTerms()).containsKeys("cpa", "seg");
            assertThat(m.lossTerms().get("cpa")).isPositive().isFinite();
        });
        assertThat(seg.history()).allSatisfy(m -> assertThat(m.lossTerms()).isEmpty());
        // the teacher travels out with the student (about twice the broadcast) and never comes back (tasks return student deltas only)
        RoundMetrics s = seg.history().get(1);
        RoundMetrics c = cpa.history().get(1);
        assertThat((double) c.broadcastBytes()).isBetween(1.8 * s.broadcastBytes(), 2.2 * s.broadcastBytes());
        assertThat((double) c.resultBytes()).isLessThan(1.2 * s.resultBytes());

        // the checkpoint holds the teacher; with momentum 0.5 it has moved from the student's start but is not the student
        RoundState state = new StoreRoundCheckpoints(PromptStore.open(store).run("cpa-run"), 10).latest().orElseThrow();
        assertThat(state.server()).containsKeys(Groups.teacher(Groups.BACKBONE), Groups.teacher(Groups.prompt("c0")));
        assertThat(state.group(Groups.teacher(Groups.BACKBONE)).maxAbsDifference(state.group(Groups.BACKBONE))).isPositive();

        assertThat(Files.exists(Path.of(report, "curves.png"))).isTrue();
        assertThat(Files.readString(Path.of(report, "index.html"))).contains("term cpa", "term seg");
        assertThat(Files.readString(Path.of(report, "pretrain.json"))).contains("\"cpa+seg\"", "lossTerms");
    }
}
