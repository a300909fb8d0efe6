package org.promptseg.jobs.select;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.promptseg.jobs.infer.CaseInference;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.jobs.train.ExecutorModels;
import org.promptseg.jobs.train.ModelSource;
import org.promptseg.jobs.train.TensorConversions;
import org.promptseg.model.FeatureExtractor;
import org.promptseg.model.NativeThreads;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TuningMode;
import org.promptseg.model.infer.Segmentation;
import org.promptseg.model.infer.SlidingWindowInference;
import org.promptseg.model.infer.VolumeShape;
import org.promptseg.model.infer.WindowPredictor;
import org.promptseg.volume.dataset.CaseRef;
import org.promptseg.volume.dataset.LabelledCase;
import org.promptseg.volume.preprocess.PreparedCase;

/**
 * The executor side of selection, one task per volume: the volume is read from the center's storage, prepared and
 * normalised exactly as the backbone was trained ({@link CaseInference}), and run through the sliding windows once.
 * For every batch of windows the frozen backbone (generic prompts) gives bottleneck features, pooled into the
 * volume's embedding; in later rounds each of the M prompt sets also predicts, and the blended predictions of all
 * members stream into a {@link Disagreement.Accumulator} plane by plane. Only the embedding and the disagreement
 * numbers come back to the driver. Settings and tensors only: the network comes from {@link ExecutorModels}.
 *
 * @param members the ensemble's prompt sets (empty in round 0)
 */
record SignalTask(CaseInference inference, ModelSource backbone, ParamSet genericPrompts, List<ParamSet> members, boolean[] activeClasses,
                  double foregroundThreshold, int threads) implements Serializable {

    /** One volume: its id and image files only (the task never sees a label path). */
    record Work(String caseId, CaseRef image, boolean candidate) implements Serializable {
        static Work of(CaseRef ref, boolean candidate) {
            return new Work(ref.caseId(), new CaseRef(ref.caseId(), ref.channels(), null, null), candidate);
        }
    }

    VolumeSignal signal(Work w) throws IOException {
        long t0 = System.nanoTime();
        NativeThreads.set(threads);
        LabelledCase c = inference.load(w.image(), null);
        PreparedCase prepared = inference.prepare(c);
        float[] normalised = inference.normalise(prepared);
        try (ExecutorModels.Lease lease = ExecutorModels.borrow(backbone)) {
            PromptableUNet model = lease.model();
            model.setActiveClasses(activeClasses);
            Predictor predictor = new Predictor(model, genericPrompts == null ? null : TensorConversions.toArrays(genericPrompts),
                    w.candidate() ? members.stream().map(TensorConversions::toArrays).toList() : List.of());
            SlidingWindowInference engine = new SlidingWindowInference(predictor, inference.inference());
            VolumeShape shape = VolumeShape.of(prepared.image().shape());
            Disagreement disagreement = null;
            Segmentation s;
            if (predictor.members.isEmpty()) {
                s = engine.segment(normalised, shape);
            } else {
                Disagreement.Accumulator acc = new Disagreement.Accumulator(predictor.members.size(), model.spec().numClasses(), foregroundThreshold);
                s = engine.segment(normalised, shape, acc);
                disagreement = acc.result();
            }
            if (genericPrompts != null) {
                model.insert(TuningMode.PROMPT, predictor.generic); // leave the pooled copy as the backbone
            }
            return new VolumeSignal(w.caseId(), w.candidate(), predictor.embedding(), disagreement, s.stats().windows(),
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /**
     * A window predictor with side effects: bottleneck features of every window batch are pooled (sums in double), and the
     * output is either two dummy channels (round 0: only the features are wanted) or the M members' probabilities side by
     * side, {@code [n, d, h, w, M x classes]}, which the engine blends like any class channels (blending is linear).
     */
    private static final class Predictor implements WindowPredictor {
        private final PromptableUNet model;
        private final Map<String, INDArray> generic;
        private final List<Map<String, INDArray>> members;
        private final FeatureExtractor features;
        private final VolumeShape window;
        private final int classes;
        private final double[] sum;
        private final double[] sumSquares;
        private long positions;

        Predictor(PromptableUNet model, Map<String, INDArray> generic, List<Map<String, INDArray>> members) {
            this.model = model;
            this.generic = generic;
            this.members = members;
            this.features = new FeatureExtractor(model);
            List<Integer> p = model.spec().patch();
            this.window = new VolumeShape(p.get(0), p.get(1), p.get(2));
            this.classes = model.spec().numClasses();
            if (members.size() * classes > 256) {
                throw new IllegalArgumentException(members.size() + " prompt sets x " + classes + " classes exceed the 256 channels the"
                        + " sliding-window engine blends; use fewer promptseg.select.ensemble.members");
            }
            this.sum = new double[features.channels()];
            this.sumSquares = new double[features.channels()];
        }

        @Override
        public VolumeShape windowShape() {
            return window;
        }

        @Override
        public int numClasses() {
            return members.isEmpty() ? 2 : members.size() * classes;
        }

        @Override
        public float[] predict(float[] windows, int count) {
            int length = count * window.voxelCount();
            float[] data = windows.length == length ? windows : Arrays.copyOf(windows, length);
            INDArray in = Nd4j.create(data, new long[] {count, window.depth(), window.height(), window.width(), 1}, 'c');
            if (generic != null) {
                model.insert(TuningMode.PROMPT, generic);
            }
            INDArray f = features.bottleneck(in);
            long channels = f.size(4);
            INDArray flat = f.castTo(DataType.DOUBLE).dup('c').reshape(f.length() / channels, channels);
            double[] s = flat.sum(0).toDoubleVector();
            double[] q = flat.mul(flat).sum(0).toDoubleVector();
            for (int c = 0; c < channels; c++) {
                sum[c] += s[c];
                sumSquares[c] += q[c];
            }
            positions += flat.size(0);
            if (members.isEmpty()) {
                return new float[length * 2];
            }
            List<INDArray> outs = new ArrayList<>(members.size());
            for (Map<String, INDArray> m : members) {
                model.insert(TuningMode.PROMPT, m);
                outs.add(model.predictProbabilities(in).castTo(DataType.FLOAT));
            }
            INDArray all = Nd4j.concat(4, outs.toArray(INDArray[]::new));
            return all.dup('c').reshape(all.length()).toFloatVector();
        }

        /** Per channel mean, then per channel standard deviation, over every window position. */
        double[] embedding() {
            double[] e = new double[2 * sum.length];
            for (int c = 0; c < sum.length; c++) {
                double mean = positions == 0 ? 0 : sum[c] / positions;
                e[c] = mean;
                e[sum.length + c] = positions == 0 ? 0 : Math.sqrt(Math.max(0, sumSquares[c] / positions - mean * mean));
            }
            return e;
        }
    }
}
