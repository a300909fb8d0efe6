package org.promptseg.jobs.select;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.infer.CaseInference;
import org.promptseg.jobs.rounds.FloatTensor;
import org.promptseg.jobs.rounds.Groups;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.jobs.rounds.ParameterServerRounds;
import org.promptseg.jobs.rounds.RoundCheckpoints;
import org.promptseg.jobs.rounds.RoundSettings;
import org.promptseg.jobs.rounds.RoundState;
import org.promptseg.jobs.train.BackboneInfo;
import org.promptseg.jobs.train.CenterPartitioner;
import org.promptseg.jobs.train.PatchTrainer;
import org.promptseg.model.TuningMode;
import org.promptseg.model.loss.LossSettings;
import org.promptseg.model.train.OptimSettings;
import org.promptseg.volume.dataset.CaseRef;
import org.promptseg.volume.dataset.ClassMapping;
import org.promptseg.volume.dataset.LabelledCase;
import org.promptseg.volume.preprocess.Patch;
import org.promptseg.volume.preprocess.PatchSampler;
import org.promptseg.volume.preprocess.PreparedCase;
import org.promptseg.volume.preprocess.SamplerOptions;
import scala.Tuple2;

/**
 * Prompt sets tuned on a center's labelled cases with the parameter-server rounds (prompt mode, frozen backbone), in
 * memory: patches are sampled from the labelled volumes by one Spark task per case (the backbone's preprocessing,
 * the seeded sampler) and never written anywhere.
 *
 * <p>For selection, {@link #diversified} tunes M sets at once, each as its own group {@code prompt/m<i>} of the same
 * rounds: member i starts from the generic prompts plus seeded gaussian noise (member 0 without), trains on its own
 * bootstrap resample of the labelled cases, and its tasks get their own seeds (the rounds seed tasks by group key), so
 * the sets agree where the labels pin the answer down and disagree where they do not. {@link #single} is the same
 * with one set, all cases and no noise (the benchmark's "prompt-tune on the chosen cases").
 */
public final class PromptEnsemble {
    /** A labelled case of the center: its image and label files (labelsTr, or a label delivered for a selected case). */
    public record LabelledWork(String center, CaseRef ref, ClassMapping classes) implements Serializable {}

    /** Training settings of one tuning. */
    public record Tuning(int rounds, int localSteps, int patchesPerCase, double initNoise, boolean bootstrap) implements Serializable {}

    private PromptEnsemble() {}

    public static String member(int i) {
        return "m" + i;
    }

    /** M diversified prompt sets (member 0 first). */
    public static List<ParamSet> diversified(JobContext ctx, BackboneInfo backbone, ParamSet generic, List<LabelledWork> labelled,
                                             boolean[] activeClasses, int members, Tuning t, long seed) throws IOException {
        return tune(ctx, backbone, generic, labelled, activeClasses, members, t, seed);
    }

    /** One prompt set on all labelled cases from the generic prompts. */
    public static ParamSet single(JobContext ctx, BackboneInfo backbone, ParamSet generic, List<LabelledWork> labelled, boolean[] activeClasses,
                                  int rounds, int localSteps, int patchesPerCase, long seed) throws IOException {
        return tune(ctx, backbone, generic, labelled, activeClasses, 1, new Tuning(rounds, localSteps, patchesPerCase, 0, false), seed).get(0);
    }

    private static List<ParamSet> tune(JobContext ctx, BackboneInfo backbone, ParamSet generic, List<LabelledWork> labelled, boolean[] activeClasses,
                                       int members, Tuning t, long seed) throws IOException {
        if (labelled.isEmpty()) {
            throw new IllegalArgumentException("no labelled cases to tune on");
        }
        if (generic == null || generic.isEmpty()) {
            throw new org.promptseg.common.PromptsegException("backbone " + backbone.id().substring(0, 12) + " has no prompt parameters (pretrained with"
                    + " prompt kinds " + backbone.promptKinds() + "): prompt sets cannot be tuned on it");
        }
        List<String> keys = new ArrayList<>();
        Map<String, boolean[]> masks = new TreeMap<>();
        Map<String, ParamSet> server = new TreeMap<>();
        Map<String, List<String>> plan = new TreeMap<>();
        for (int i = 0; i < members; i++) {
            String k = member(i);
            keys.add(k);
            masks.put(k, activeClasses);
            server.put(Groups.prompt(k), i == 0 ? generic : perturbed(generic, t.initNoise(), seed * 1_000_003L + i));
            plan.put(k, List.of(Groups.prompt(k)));
        }
        // how many times each member sees each labelled case
        int[][] multiplicity = new int[members][labelled.size()];
        for (int i = 0; i < members; i++) {
            if (t.bootstrap() && members > 1) {
                SplittableRandom r = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (i + 1)));
                for (int n = 0; n < labelled.size(); n++) {
                    multiplicity[i][r.nextInt(labelled.size())]++;
                }
            } else {
                java.util.Arrays.fill(multiplicity[i], 1);
            }
        }
        List<int[]> perCase = new ArrayList<>();
        for (int c = 0; c < labelled.size(); c++) {
            int[] m = new int[members];
            for (int i = 0; i < members; i++) {
                m[i] = multiplicity[i][c];
            }
            perCase.add(m);
        }
        int[] patch = backbone.manifest().patchSize().stream().mapToInt(Integer::intValue).toArray();
        Sampling sampling = new Sampling(CaseInference.of(backbone, ctx.config()),
                SamplerOptions.fromConfig(ctx.config()).withPatchSize(patch[0], patch[1], patch[2]).withSeed(seed), t.patchesPerCase());
        List<Tuple2<LabelledWork, int[]>> work = new ArrayList<>();
        for (int c = 0; c < labelled.size(); c++) {
            work.add(new Tuple2<>(labelled.get(c), perCase.get(c)));
        }
        JavaRDD<Tuple2<LabelledWork, int[]>> cases = ctx.jsc().parallelize(work, work.size());
        JavaPairRDD<String, Patch> pairs = cases.flatMapToPair(w -> sampling.forMembers(w._1(), w._2()).iterator());
        JavaPairRDD<String, Patch> train = CenterPartitioner.partition(pairs, keys, ctx.partitionsPerCenter(members));
        RoundSettings settings = new RoundSettings(t.rounds(), t.localSteps(), ctx.config().getInt("promptseg.rounds.server-shards"),
                ctx.config().getDouble("promptseg.rounds.server-lr"), ctx.config().getDouble("promptseg.rounds.server-momentum"), 0, seed);
        PatchTrainer trainer = new PatchTrainer(backbone.source(), TuningMode.PROMPT, OptimSettings.fromConfig(ctx.config(), TuningMode.PROMPT),
                LossSettings.fromConfig(ctx.config()), backbone.normalization(), masks, null, t.localSteps(),
                ctx.config().getInt("promptseg.train.batch-size"), ctx.threadsPerTask());
        ctx.progress().say("tuning " + members + " prompt set(s) on " + labelled.size() + " labelled case(s) " + (members > 1 && t.bootstrap()
                ? "(bootstrap resamples) " : "") + ": " + t.rounds() + " rounds x " + t.localSteps() + " local steps");
        try {
            RoundState end = new ParameterServerRounds<Patch>(ctx.jsc(), settings, RoundCheckpoints.NONE, ctx.progress())
                    .run(train, plan, RoundState.initial(server), trainer, (round, state, due) -> Map.of());
            List<ParamSet> out = new ArrayList<>();
            for (String k : keys) {
                out.add(end.group(Groups.prompt(k)));
            }
            return out;
        } finally {
            train.unpersist(false);
        }
    }

    /** {@code set} plus gaussian noise of {@code relative} x each tensor's RMS (a tensor of zeros gets absolute noise 0.01 x relative). */
    static ParamSet perturbed(ParamSet set, double relative, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, FloatTensor> out = new TreeMap<>();
        for (Map.Entry<String, FloatTensor> e : set.tensors().entrySet()) {
            float[] a = e.getValue().data();
            double ss = 0;
            for (float v : a) {
                ss += (double) v * v;
            }
            double rms = a.length == 0 ? 0 : Math.sqrt(ss / a.length);
            double sigma = relative * (rms > 0 ? rms : 0.01);
            float[] b = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                b[i] = (float) (a[i] + sigma * gaussian(r));
            }
            out.put(e.getKey(), new FloatTensor(e.getValue().shape(), b));
        }
        return new ParamSet(out);
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** Executor side: a labelled case's patches, once per time each member sees the case. */
    record Sampling(CaseInference inference, SamplerOptions sampler, int patchesPerCase) implements Serializable {
        List<Tuple2<String, Patch>> forMembers(LabelledWork w, int[] multiplicity) throws IOException {
            LabelledCase c = inference.load(w.ref(), w.classes());
            if (c.label() == null) {
                throw new IllegalStateException("case " + w.ref().caseId() + " of " + w.center() + " has no label file");
            }
            PreparedCase prepared = inference.prepare(c);
            List<Patch> patches = new PatchSampler(sampler).sample(w.center(), w.ref().caseId(), prepared.image(), prepared.label(), patchesPerCase);
            List<Tuple2<String, Patch>> out = new ArrayList<>();
            for (int m = 0; m < multiplicity.length; m++) {
                for (int k = 0; k < multiplicity[m]; k++) {
                    for (Patch p : patches) {
                        out.add(new Tuple2<>(member(m), p));
                    }
                }
            }
            return out;
        }
    }
}
