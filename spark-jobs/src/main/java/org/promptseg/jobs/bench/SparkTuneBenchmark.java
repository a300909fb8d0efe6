package org.promptseg.jobs.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.promptseg.common.PromptsegException;
import org.promptseg.jobs.config.PromptsegConfig;
import org.promptseg.jobs.progress.Progress;
import org.promptseg.jobs.rounds.Groups;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.jobs.rounds.ParameterServerRounds;
import org.promptseg.jobs.rounds.RoundCheckpoints;
import org.promptseg.jobs.rounds.RoundListener;
import org.promptseg.jobs.rounds.RoundMetrics;
import org.promptseg.jobs.rounds.RoundSettings;
import org.promptseg.jobs.rounds.RoundState;
import org.promptseg.jobs.spark.SparkSessions;
import org.promptseg.jobs.spark.SparkSettings;
import org.promptseg.jobs.train.CenterPartitioner;
import org.promptseg.jobs.train.ModelGroups;
import org.promptseg.jobs.train.ModelSource;
import org.promptseg.jobs.train.PatchBatches;
import org.promptseg.jobs.train.PatchTrainer;
import org.promptseg.model.ModelSpec;
import org.promptseg.model.NativeThreads;
import org.promptseg.model.ParamReport;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TuningMode;
import org.promptseg.model.loss.LossSettings;
import org.promptseg.model.train.OptimSettings;
import org.promptseg.model.train.Trainer;
import org.promptseg.volume.preprocess.Normalization;
import org.promptseg.volume.preprocess.Patch;
import scala.Tuple2;

/**
 * Figures of the Spark side, measured in one run: prompt tuning through the parameter-server rounds on
 * {@code local[N]} against a plain training loop in one JVM with the same threads and steps; the same
 * job on 1 vs N task slots (scaling); and the bytes a round moves in prompt mode vs whole-model averaging
 * (tiny measured, paper computed from tensor sizes). The first round of every run is a warm-up
 * (networks built, JIT) and is left out of the rates.
 */
public final class SparkTuneBenchmark {
    /** What was measured. */
    public record Result(int slots, int rounds, int localSteps, int batch, double sparkPatchesPerSecond, double plainPatchesPerSecond,
                         double sparkOverPlain, double oneSlotPatchesPerSecond, double scaling, long promptBytesPerRound, long fullBytesPerRound,
                         double promptOverFullBytes, long paperPromptBytesPerRound, long paperFullBytesPerRound, double paperPromptOverFull) {
        public String toText() {
            return String.format(Locale.ROOT, "Spark tune throughput local[%d] %.2f patches/s vs plain %d-thread loop %.2f patches/s -> %.2f (goal >= 0.85)%n"
                            + "scaling: local[1] %.2f patches/s -> local[%d] %.2fx (ideal %dx)%n"
                            + "bytes per round (tiny, measured): prompt %,d vs whole model %,d -> 1/%.0f%n"
                            + "bytes per round (paper, from tensor sizes): prompt %,d vs whole model %,d -> 1/%.0f",
                    slots, sparkPatchesPerSecond, slots, plainPatchesPerSecond, sparkOverPlain, oneSlotPatchesPerSecond, slots, scaling, slots,
                    promptBytesPerRound, fullBytesPerRound, 1 / promptOverFullBytes, paperPromptBytesPerRound, paperFullBytesPerRound, 1 / paperPromptOverFull);
        }
    }

    private SparkTuneBenchmark() {}

    public static Result run(com.typesafe.config.Config config, int slots, int rounds, int localSteps) throws Exception {
        ModelSpec spec = ModelSpec.fromConfig(config).withNumClasses(6);
        int batch = config.getInt("promptseg.train.batch-size");
        List<Patch> patches = patches(spec, 48, 3);
        Normalization norm = Normalization.window(-1000, 1000);
        boolean[] labelled = new boolean[spec.numClasses()];
        java.util.Arrays.fill(labelled, true);
        ModelSource source = ModelSource.Fresh.of(spec, 1);
        PromptableUNet reference = source.load();

        Measured spark = spark(config, slots, rounds, localSteps, batch, patches, source, reference, labelled, norm, TuningMode.PROMPT);
        Measured one = spark(config, 1, rounds, localSteps, batch, patches, source, reference, labelled, norm, TuningMode.PROMPT);
        Measured full = spark(config, slots, 2, 1, batch, patches, source, reference, labelled, norm, TuningMode.FULL);
        double plain = plainLoop(spec, slots, rounds, localSteps, batch, patches, labelled, norm);

        ParamReport paper = ParamReport.of(PromptableUNet.create(ModelSpec.fromConfig(config, "paper").withNumClasses(6), 1));
        long paperAll = paper.frozen() + paper.prompts();
        long paperPrompt = 4L * paper.prompts() * (1 + slots);
        long paperFull = 4L * paperAll * (1 + slots);
        return new Result(slots, rounds, localSteps, batch, spark.patchesPerSecond, plain, spark.patchesPerSecond / plain, one.patchesPerSecond,
                spark.patchesPerSecond / one.patchesPerSecond, spark.bytesPerRound, full.bytesPerRound, (double) spark.bytesPerRound / full.bytesPerRound,
                paperPrompt, paperFull, (double) paperPrompt / paperFull);
    }

    private record Measured(double patchesPerSecond, long bytesPerRound) {}

    private static Measured spark(com.typesafe.config.Config config, int slots, int rounds, int localSteps, int batch, List<Patch> patches,
                                  ModelSource source, PromptableUNet reference, boolean[] labelled, Normalization norm, TuningMode mode) {
        SparkSettings s = SparkSettings.fromConfig(PromptsegConfig.of("promptseg.spark.master=local[" + slots + "]"));
        SparkSession session = SparkSessions.create(s, "bench");
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(session.sparkContext());
            List<Tuple2<String, Patch>> rows = patches.stream().map(p -> new Tuple2<>("bench", p)).toList();
            JavaPairRDD<String, Patch> data = CenterPartitioner.partition(jsc.parallelizePairs(rows, slots), List.of("bench"), slots);
            data.count();
            String group = mode == TuningMode.PROMPT ? Groups.prompt("bench") : Groups.model("bench");
            ParamSet start = mode == TuningMode.PROMPT ? ModelGroups.prompts(reference) : ModelGroups.trainable(reference, mode);
            PatchTrainer trainer = new PatchTrainer(source, mode, OptimSettings.fromConfig(config, mode), LossSettings.fromConfig(config), norm,
                    Map.of("bench", labelled), null, localSteps, batch, 1);
            RoundState end = new ParameterServerRounds<Patch>(jsc, new RoundSettings(rounds, localSteps, 1, 1.0, 0.0, 0, 1), RoundCheckpoints.NONE,
                    Progress.silent()).run(data, Map.of("bench", List.of(group)), RoundState.initial(Map.of(group, start)), trainer, RoundListener.NONE);
            List<RoundMetrics> timed = end.history().subList(Math.min(1, end.history().size() - 1), end.history().size());
            long millis = timed.stream().mapToLong(RoundMetrics::millis).sum();
            long seen = timed.stream().mapToLong(RoundMetrics::patchesSeen).sum();
            RoundMetrics last = end.history().get(end.history().size() - 1);
            return new Measured(seen * 1000.0 / millis, last.broadcastBytes() + last.resultBytes());
        } finally {
            session.stop();
        }
    }

    /** The same work without Spark: {@code threads} Java threads, each with its own network copy and one native thread. */
    private static double plainLoop(ModelSpec spec, int threads, int rounds, int localSteps, int batch, List<Patch> patches, boolean[] labelled,
                                    Normalization norm) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<long[]>> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                runs.add(pool.submit(() -> {
                    NativeThreads.set(1);
                    PromptableUNet m = PromptableUNet.create(spec, 1);
                    m.setActiveClasses(labelled);
                    SplittableRandom rnd = new SplittableRandom(id);
                    long start = 0;
                    long seen = 0;
                    for (int r = 0; r < rounds; r++) {
                        if (r == 1) {
                            start = System.nanoTime(); // round 0 is the warm-up, as on the Spark side
                        }
                        Trainer trainer = new Trainer(m, TuningMode.PROMPT, OptimSettings.fromConfig(PromptsegConfig.defaults(), TuningMode.PROMPT),
                                LossSettings.defaults());
                        for (int s = 0; s < localSteps; s++) {
                            List<Patch> b = new ArrayList<>();
                            for (int i = 0; i < batch; i++) {
                                b.add(patches.get(rnd.nextInt(patches.size())));
                            }
                            trainer.step(PatchBatches.batch(b, norm, labelled));
                            if (r >= 1) {
                                seen += batch;
                            }
                        }
                    }
                    return new long[] {seen, System.nanoTime() - start};
                }));
            }
            long seen = 0;
            long maxNanos = 0;
            for (Future<long[]> f : runs) {
                long[] r = f.get();
                seen += r[0];
                maxNanos = Math.max(maxNanos, r[1]);
            }
            if (maxNanos == 0) {
                throw new PromptsegException("the plain loop needs at least 2 rounds (one is the warm-up)");
            }
            return seen * 1e9 / maxNanos;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Random CT-like patches (HU in [-1000, 1000]) with blob labels: training speed does not depend on content. */
    static List<Patch> patches(ModelSpec spec, int count, long seed) {
        int[] p = spec.patch().stream().mapToInt(Integer::intValue).toArray();
        int vox = p[0] * p[1] * p[2];
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Patch> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            short[] hu = new short[vox];
            byte[] label = new byte[vox];
            for (int v = 0; v < vox; v++) {
                hu[v] = (short) (rnd.nextInt(2000) - 1000);
                label[v] = (byte) ((v / 997 + i) % spec.numClasses());
            }
            // Several patches per case, numbered within their case, as the shard job writes them. (Case "caseN" with
            // patch index N put every patch in one of CenterPartitioner's two buckets — the parity of String.hashCode
            // is that of its characters — so local[2] ran one task with data and one empty, and measured no scaling.)
            out.add(new Patch("bench", "case" + i / 4, i % 4, new int[3], p, new double[] {1, 1, 1}, hu, label, true));
        }
        return out;
    }

}
