package org.promptseg.jobs.rounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.jobs.config.PromptsegConfig;
import org.promptseg.jobs.progress.Progress;
import org.promptseg.jobs.spark.SparkSessions;
import org.promptseg.jobs.spark.SparkSettings;
import org.promptseg.store.PromptStore;
import scala.Tuple2;

@DisplayName("parameter-server rounds")
class ParameterServerRoundsTest {
    static SparkSession spark;
    static JavaSparkContext jsc;
    static final float[] SHARED = {1f, -2f, 0.5f};
    static final Map<String, float[]> CENTER = Map.of("a", new float[] {0.5f, 0f, 1f}, "b", new float[] {-1f, 1f, 0f});

    @BeforeAll
    static void start() {
        spark = SparkSessions.create(SparkSettings.fromConfig(PromptsegConfig.of("promptseg.spark.master=local[2]")), "rounds-test");
        jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Two centers, 2 partitions each, noise-free targets from SHARED + CENTER[c]. */
    static JavaPairRDD<String, LinearRegressionTrainer.Sample> data() {
        List<Tuple2<String, LinearRegressionTrainer.Sample>> rows = new ArrayList<>();
        SplittableRandom rnd = new SplittableRandom(3);
        int id = 0;
        for (String c : List.of("a", "b")) {
            for (int i = 0; i < 64; i++) {
                float[] x = {(float) rnd.nextGaussian(), (float) rnd.nextGaussian(), (float) rnd.nextGaussian()};
                float y = 0;
                for (int k = 0; k < 3; k++) {
                    y += (SHARED[k] + CENTER.get(c)[k]) * x[k];
                }
                rows.add(new Tuple2<>(c, new LinearRegressionTrainer.Sample(id++, x, y)));
            }
        }
        // 4 partitions: a, a, b, b (parallelize slices in order)
        return jsc.parallelizePairs(rows, 4).cache();
    }

    static ParamSet zeros() {
        return new ParamSet(Map.of("w", new FloatTensor(new long[] {3}, new float[3])));
    }

    static RoundState initial(boolean withBackbone) {
        Map<String, ParamSet> server = new TreeMap<>();
        server.put(Groups.prompt("a"), zeros());
        server.put(Groups.prompt("b"), zeros());
        if (withBackbone) {
            server.put(Groups.BACKBONE, zeros());
        }
        return RoundState.initial(server);
    }

    static Map<String, List<String>> promptPlan() {
        return Map.of("a", List.of(Groups.prompt("a")), "b", List.of(Groups.prompt("b")));
    }

    static RoundState run(int rounds, RoundState start, RoundCheckpoints cp) {
        RoundSettings s = new RoundSettings(rounds, 5, 2, 1.0, 0.0, 0, 11);
        return new ParameterServerRounds<LinearRegressionTrainer.Sample>(jsc, s, cp, Progress.silent())
                .run(data(), promptPlan(), start, new LinearRegressionTrainer(5, 8, 0.1), RoundListener.NONE);
    }

    @Test
    @DisplayName("prompt tuning: each center's tensors converge to that center's own solution")
    void perCenterConvergence() {
        RoundState s = run(15, initial(false), RoundCheckpoints.NONE);
        for (String c : List.of("a", "b")) {
            float[] w = s.group(Groups.prompt(c)).get("w").data();
            for (int k = 0; k < 3; k++) {
                assertThat((double) w[k]).as("center %s w[%d]", c, k).isCloseTo(SHARED[k] + CENTER.get(c)[k], org.assertj.core.data.Offset.offset(0.05));
            }
        }
        assertThat(s.history()).hasSize(15);
        assertThat(s.history().get(14).lossByGroup().get("prompt/a")).isLessThan(s.history().get(0).lossByGroup().get("prompt/a"));
    }

    @Test
    @DisplayName("same seed, same tensors bit for bit; resuming from a checkpoint equals the uninterrupted run")
    void deterministicAndResumable(@TempDir Path dir) throws IOException {
        RoundState full = run(6, initial(false), RoundCheckpoints.NONE);
        RoundState again = run(6, initial(false), RoundCheckpoints.NONE);
        assertThat(again.server()).isEqualTo(full.server());

        StoreRoundCheckpoints store = new StoreRoundCheckpoints(PromptStore.open(dir.resolve("store").toString()).run("resume-test"), 2);
        run(3, initial(false), store); // the driver "dies" after round 3
        RoundState checkpoint = store.latest().orElseThrow();
        assertThat(checkpoint.completedRounds()).isEqualTo(3);
        assertThat(checkpoint.history()).hasSize(3);
        RoundState resumed = run(6, checkpoint, store);
        assertThat(resumed.completedRounds()).isEqualTo(6);
        assertThat(resumed.server()).isEqualTo(full.server());
        assertThat(store.latest().orElseThrow().server()).isEqualTo(full.server());
    }

    @Test
    @DisplayName("pretraining: the shared group learns from every center, each prompt group from its own")
    void sharedAndPerCenterGroups() {
        RoundSettings s = new RoundSettings(25, 5, 2, 1.0, 0.5, 0, 5);
        Map<String, List<String>> plan = Map.of("a", List.of(Groups.BACKBONE, Groups.prompt("a")), "b", List.of(Groups.BACKBONE, Groups.prompt("b")));
        RoundState r = new ParameterServerRounds<LinearRegressionTrainer.Sample>(jsc, s, RoundCheckpoints.NONE, Progress.silent())
                .run(data(), plan, initial(true), new LinearRegressionTrainer(5, 8, 0.05), RoundListener.NONE);
        for (String c : List.of("a", "b")) {
            float[] shared = r.group(Groups.BACKBONE).get("w").data();
            float[] own = r.group(Groups.prompt(c)).get("w").data();
            for (int k = 0; k < 3; k++) {
                assertThat((double) shared[k] + own[k]).isCloseTo(SHARED[k] + CENTER.get(c)[k], org.assertj.core.data.Offset.offset(0.05));
            }
        }
        RoundMetrics last = r.history().get(r.history().size() - 1);
        assertThat(last.samplesByGroup()).containsEntry(Groups.BACKBONE, 128L).containsEntry("prompt/a", 64L);
    }

    @Test
    @DisplayName("bytes per round are what the groups weigh: broadcast ~ all groups, results ~ one delta per group and task")
    void bytesAccounting() {
        RoundState s = run(1, initial(false), RoundCheckpoints.NONE);
        RoundMetrics m = s.history().get(0);
        assertThat(m.broadcastBytes()).isBetween(2 * 12L, 4096L);
        assertThat(m.resultBytes()).isBetween(4 * 12L, 4 * 4096L);
    }

    @Test
    @DisplayName("a group without initial tensors fails before any Spark work, naming the group")
    void missingGroup() {
        RoundSettings s = new RoundSettings(1, 1, 1, 1.0, 0.0, 0, 1);
        assertThatThrownBy(() -> new ParameterServerRounds<LinearRegressionTrainer.Sample>(jsc, s, RoundCheckpoints.NONE, Progress.silent())
                .run(data(), Map.of("a", List.of(Groups.prompt("zz"))), initial(false), new LinearRegressionTrainer(1, 1, 0.1), RoundListener.NONE))
                .hasMessageContaining("prompt/zz");
    }

    @Test
    @DisplayName("FedAvg: the server moves by the sample-weighted mean of the task deltas")
    void fedAvgIsTheWeightedMean() {
        ParamSet zero = zeros();
        TaskOutcome t1 = new TaskOutcome("g", 0, new ParamSet(Map.of("w", new FloatTensor(new long[] {3}, new float[] {3, 0, 0}))), 3, 0, 1, 1, 1);
        TaskOutcome t2 = new TaskOutcome("g", 1, new ParamSet(Map.of("w", new FloatTensor(new long[] {3}, new float[] {0, 1, 0}))), 1, 0, 1, 1, 1);
        Aggregate a = Aggregate.of("g", List.of(t2, t1));
        var next = ServerUpdate.apply(RoundState.initial(Map.of("g", zero)), Map.of("g", a), new RoundSettings(1, 1, 1, 1.0, 0.0, 0, 1));
        assertThat(next.getKey().get("g").get("w").data()).containsExactly(0.75f, 0.25f, 0f);
    }
}
