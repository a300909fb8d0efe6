package org.promptseg.jobs.rounds;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.promptseg.jobs.cluster.LocalStandaloneCluster;
import org.promptseg.jobs.cluster.LocalStandaloneCluster.KilledWorker;
import org.promptseg.jobs.cluster.TaskProbe;
import org.promptseg.jobs.config.PromptsegConfig;
import org.promptseg.jobs.progress.Progress;
import org.promptseg.jobs.spark.SparkSessions;
import org.promptseg.jobs.spark.SparkSettings;
import scala.Tuple2;

/**
 * The round engine against a real standalone cluster (2 worker JVMs, driver in this test JVM): a worker
 * and its executor are killed with SIGKILL while tasks of a round run on it. Spark retries the lost
 * tasks (and recomputes lost shuffle output and cached partitions) on the surviving executor; since a
 * task's result depends only on (seed, round, partition, center) and the server sums deltas in partition
 * order in double precision, the final tensors equal the undisturbed run's bit for bit.
 */
@Tag("cluster")
@DisplayName("parameter-server rounds on a 2-worker standalone cluster")
class ParameterServerRoundsClusterIT {
    static final int ROUNDS = 5;
    static final int KILL_IN_ROUND = 3;
    static final long SLOW_TASK_MS = 1500;
    static final RoundSettings SETTINGS = new RoundSettings(ROUNDS, 5, 2, 1.0, 0.5, 0, 11);
    static final float[] SHARED = {1f, -2f, 0.5f};
    static final Map<String, float[]> CENTER = Map.of("a", new float[] {0.5f, 0f, 1f}, "b", new float[] {-1f, 1f, 0f});

    @Test
    @DisplayName("a worker killed with kill -9 in the middle of a round: the job completes, each round is applied once, and the tensors equal an undisturbed run's exactly")
    void workerKilledMidRound() throws Exception {
        long t0 = System.nanoTime();
        try (LocalStandaloneCluster cluster = LocalStandaloneCluster.builder().name("rounds-it").workers(2).start()) {
            SparkSettings defaults = SparkSettings.fromConfig(PromptsegConfig.of("promptseg.spark.master=" + cluster.masterUrl()));
            SparkSettings settings = new SparkSettings(cluster.masterUrl(), "promptseg", 1, false, 8, cluster.driverProperties(), defaults.nativeMemory());
            SparkSession spark = SparkSession.builder().config(SparkSessions.sparkConf(settings, "rounds-cluster-it")).getOrCreate();
            ExecutorService killer = Executors.newSingleThreadExecutor();
            try {
                JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
                TaskProbe probe = new TaskProbe();
                jsc.sc().addSparkListener(probe);
                // the reference runs at full speed: sleeping changes no number
                long r0 = System.nanoTime();
                RoundState undisturbed = run(jsc, new LinearRegressionTrainer(5, 8, 0.1), RoundCheckpoints.NONE, (round, state, due) -> Map.of());
                double undisturbedSeconds = (System.nanoTime() - r0) / 1e9;
                assertThat(probe.lostTasks()).as("no task was lost in the undisturbed run").isEmpty();

                // Arm the probe when round KILL_IN_ROUND-1 has been applied; kill worker 1 as soon as one of its executors starts a task.
                Set<String> targets = cluster.executorIds(1);
                assertThat(targets).as("worker 1 runs an executor of this application").isNotEmpty();
                Future<KilledWorker> killed = killer.submit(() -> {
                    if (!probe.awaitTargetTaskStart(Duration.ofMinutes(3))) {
                        throw new IllegalStateException("no task of round " + KILL_IN_ROUND + " started on worker 1's executors " + targets);
                    }
                    return cluster.killWorker(1);
                });
                InMemoryCheckpoints checkpoints = new InMemoryCheckpoints();
                long r1 = System.nanoTime();
                RoundState disturbed = run(jsc, slowInRound(KILL_IN_ROUND), checkpoints, (round, state, due) -> {
                    if (round == KILL_IN_ROUND - 1) {
                        probe.arm(targets);
                    }
                    return Map.of();
                });
                double disturbedSeconds = (System.nanoTime() - r1) / 1e9;
                KilledWorker k = killed.get(1, TimeUnit.MINUTES);

                LocalStandaloneCluster.log("undisturbed run %.1f s, run with worker 1 killed %.1f s; lost tasks: %s", undisturbedSeconds,
                        disturbedSeconds, probe.lostTasks());
                assertThat(k.executorIds()).isEqualTo(targets);
                assertThat(probe.lostTasks()).as("a task was running on the killed executor and was lost with it")
                        .anyMatch(t -> targets.contains(t.executorId()) && t.launchedAfterArming());
                assertThat(cluster.isWorkerAlive(1)).isFalse();
                assertThat(cluster.isWorkerAlive(2)).isTrue();

                assertThat(disturbed.completedRounds()).isEqualTo(ROUNDS);
                assertThat(disturbed.history()).extracting(RoundMetrics::round).containsExactly(1, 2, 3, 4, 5);
                assertThat(checkpoints.saved).as("each round applied and checkpointed exactly once, in order")
                        .extracting(RoundState::completedRounds).containsExactly(1, 2, 3, 4, 5);
                // every task's samples counted once per round, retries included
                assertThat(disturbed.history()).allSatisfy(m -> assertThat(m.samplesByGroup()).containsEntry("prompt/a", 64L).containsEntry("prompt/b", 64L));
                assertThat(disturbed.server()).as("final tensors, bit for bit").isEqualTo(undisturbed.server());
                assertThat(disturbed.momentum()).isEqualTo(undisturbed.momentum());
                // and the run actually learned something (guards against comparing two untouched states)
                float[] wa = disturbed.group(Groups.prompt("a")).get("w").data();
                assertThat(wa).isNotEqualTo(new float[3]);
            } finally {
                killer.shutdownNow();
                spark.stop();
            }
        } finally {
            LocalStandaloneCluster.log("ParameterServerRoundsClusterIT took %.1f s including cluster start and stop", (System.nanoTime() - t0) / 1e9);
        }
    }

    static RoundState run(JavaSparkContext jsc, LocalTrainer<LinearRegressionTrainer.Sample> trainer, RoundCheckpoints cp, RoundListener listener) {
        Map<String, ParamSet> server = new TreeMap<>();
        for (String c : List.of("a", "b")) {
            server.put(Groups.prompt(c), new ParamSet(Map.of("w", new FloatTensor(new long[] {3}, new float[3]))));
        }
        JavaPairRDD<String, LinearRegressionTrainer.Sample> data = data(jsc);
        try {
            return new ParameterServerRounds<LinearRegressionTrainer.Sample>(jsc, SETTINGS, cp, Progress.silent())
                    .run(data, Map.of("a", List.of(Groups.prompt("a")), "b", List.of(Groups.prompt("b"))), RoundState.initial(server), trainer, listener);
        } finally {
            data.unpersist(false);
        }
    }

    /** Two centers, 2 partitions each (a, a, b, b), noise-free targets from SHARED + CENTER[c]; cached, as the tune job caches patches. */
    static JavaPairRDD<String, LinearRegressionTrainer.Sample> data(JavaSparkContext jsc) {
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
        return jsc.parallelizePairs(rows, 4).cache();
    }

    /**
     * The linear-regression trainer, slowed down only in one round so that the kill surely lands while
     * tasks run. The round is recognised by its task seeds (seeds depend on round, partition and center).
     */
    static LocalTrainer<LinearRegressionTrainer.Sample> slowInRound(int round) {
        Set<Long> slowSeeds = new java.util.HashSet<>();
        for (int p = 0; p < 4; p++) {
            for (String c : List.of("a", "b")) {
                slowSeeds.add(SETTINGS.taskSeed(round, p, c));
            }
        }
        return new SlowTrainer(new LinearRegressionTrainer(5, 8, 0.1), Set.copyOf(slowSeeds), SLOW_TASK_MS);
    }

    record SlowTrainer(LinearRegressionTrainer delegate, Set<Long> slowSeeds, long millis) implements LocalTrainer<LinearRegressionTrainer.Sample> {
        @Override
        public LocalResult train(String center, List<LinearRegressionTrainer.Sample> records, Map<String, ParamSet> start, long seed) {
            if (slowSeeds.contains(seed)) {
                try {
                    Thread.sleep(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            return delegate.train(center, records, start, seed);
        }
    }

    static final class InMemoryCheckpoints implements RoundCheckpoints {
        final List<RoundState> saved = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void save(RoundState state) {
            saved.add(state);
        }

        @Override
        public Optional<RoundState> latest() {
            return saved.isEmpty() ? Optional.empty() : Optional.of(saved.get(saved.size() - 1));
        }
    }
}
