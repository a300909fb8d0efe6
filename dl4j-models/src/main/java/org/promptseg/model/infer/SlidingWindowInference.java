package org.promptseg.model.infer;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.promptseg.model.ModelConfigException;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VoxelArray;

/**
 * Segments a whole volume with a network that sees fixed-size windows: windows overlap by
 * {@link InferenceOptions#overlap()}, go to the predictor in batches, optionally mirrored (test-time
 * augmentation), and their predictions are blended with an importance map into the label volume.
 *
 * <p>Memory: the input and the uint8 labels are whole volumes; everything per class is held only for
 * a slab of z-planes (one window depth; plus one stride for volumes whose z-levels hold fewer
 * windows than a batch), because planes are emitted as soon as no
 * later window touches them. Per-class probabilities are streamed to a {@link ProbabilitySink} plane
 * by plane for the same reason. Beyond that, one batch of windows and one batch of predictions.
 *
 * <p>Deterministic: the same input, options and predictor give the same bytes; the slab size does not
 * change any result because every voxel's sum is accumulated in the same window order either way.
 * Not thread-safe in the sense that the predictor is used from the calling thread; create one per
 * task slot together with its predictor.
 */
public final class SlidingWindowInference {

    private final WindowPredictor predictor;
    private final InferenceOptions options;
    private final VolumeShape window;
    private final int classes;
    private final ImportanceMap importance;
    private final float[] importanceAlongXPerClass;
    private final List<Set<Axis>> mirrorCombinations;

    public SlidingWindowInference(WindowPredictor predictor, InferenceOptions options) {
        this.predictor = Objects.requireNonNull(predictor, "predictor");
        this.options = Objects.requireNonNull(options, "options");
        this.window = Objects.requireNonNull(predictor.windowShape(), "predictor window shape");
        this.classes = predictor.numClasses();
        if (classes < 2 || classes > 256) {
            throw new ModelConfigException("predictor classes", "2..256 (background plus organs, stored as uint8 labels)",
                    classes);
        }
        this.importance = ImportanceMap.create(window, options.weighting(), options.gaussianSigmaFraction());
        this.importanceAlongXPerClass = importance.alongXPerChannel(classes);
        this.mirrorCombinations = Mirroring.combinations(options.mirrorAxes());
    }

    /** Labels only: the cheapest call (no weight sums, no probabilities). */
    public Segmentation segment(float[] voxels, VolumeShape shape) {
        return run(voxels, shape, null, false);
    }

    /**
     * Labels, and per-class probabilities handed to {@code probabilities} plane by plane in z order
     * (use a {@link ProbabilityVolume} to keep them all for a small volume).
     */
    public Segmentation segment(float[] voxels, VolumeShape shape, ProbabilitySink probabilities) {
        return run(voxels, shape, Objects.requireNonNull(probabilities, "probabilities"), false);
    }

    /**
     * Segments a volume-io volume that is already normalised for the network (float values are used
     * as they are, other storage is converted); {@link Segmentation#toVolume} puts the labels back on
     * its geometry.
     */
    public Segmentation segment(Volume normalised) {
        return run(floats(normalised), VolumeShape.of(normalised.shape()), null, false);
    }

    /** As {@link #segment(Volume)}, with per-class probabilities streamed to {@code probabilities}. */
    public Segmentation segment(Volume normalised, ProbabilitySink probabilities) {
        return run(floats(normalised), VolumeShape.of(normalised.shape()), Objects.requireNonNull(probabilities, "probabilities"),
                false);
    }

    private static float[] floats(Volume volume) {
        return volume.voxels() instanceof VoxelArray.Floats f ? f.values() : volume.voxels().toFloats();
    }

    /**
     * @param wholeVolume accumulate all planes at once instead of a slab: the reference path the slab
     *                    path is tested against, never needed in production
     */
    Segmentation run(float[] voxels, VolumeShape shape, ProbabilitySink sink, boolean wholeVolume) {
        long started = System.nanoTime();
        Objects.requireNonNull(voxels, "voxels");
        Objects.requireNonNull(shape, "shape");
        shape.requireLength("input volume", voxels.length);

        WindowPlan plan = WindowPlan.of(shape, window, options.overlap(), options.batchSize());
        int planes = wholeVolume ? shape.depth() : plan.accumulatorPlanes();
        SlabAccumulator accumulator = new SlabAccumulator(shape, classes, planes, sink != null);
        byte[] labels = new byte[shape.voxelCount()];
        BatchPredictor batches = new BatchPredictor(Math.min(options.batchSize(), plan.windows().size()));

        for (WindowPlan.Batch batch : plan.batches()) {
            accumulator.emitUpTo(plan.firstPlane(batch), labels, sink);
            for (int i = 0; i < batch.size(); i++) {
                WindowExtractor.copy(voxels, shape, plan.windows().get(batch.from() + i), window, batches.input,
                        i * window.voxelCount());
            }
            float[] predictions = batches.predict(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                accumulator.add(plan.windows().get(batch.from() + i), window, predictions,
                        i * window.voxelCount() * classes, importance, importanceAlongXPerClass);
            }
        }
        accumulator.emitUpTo(shape.depth(), labels, sink);

        InferenceStats stats = new InferenceStats(plan.windows().size() * mirrorCombinations.size(), batches.calls,
                accumulator.planes(), accumulator.allocatedFloats(), batches.nanos, System.nanoTime() - started);
        return new Segmentation(shape, classes, labels, stats);
    }

    /** One batch's buffers, and the predictor calls for it with or without mirroring. */
    private final class BatchPredictor {
        final float[] input;
        private final float[] mirroredInput;
        private final float[] mirroredSum;
        int calls;
        long nanos;

        BatchPredictor(int capacity) {
            int windowVoxels = window.voxelCount();
            this.input = new float[Math.multiplyExact(capacity, windowVoxels)];
            boolean mirrored = mirrorCombinations.size() > 1;
            this.mirroredInput = mirrored ? new float[input.length] : null;
            this.mirroredSum = mirrored ? new float[Math.multiplyExact(input.length, classes)] : null;
        }

        float[] predict(int count) {
            if (mirroredSum == null) {
                return call(input, count);
            }
            int outputLength = count * window.voxelCount() * classes;
            Arrays.fill(mirroredSum, 0, outputLength, 0f);
            for (Set<Axis> flips : mirrorCombinations) {
                Mirroring.flip(input, mirroredInput, count, window, 1, flips, false);
                Mirroring.flip(call(mirroredInput, count), mirroredSum, count, window, classes, flips, true);
            }
            float scale = 1f / mirrorCombinations.size();
            for (int i = 0; i < outputLength; i++) {
                mirroredSum[i] *= scale;
            }
            return mirroredSum;
        }

        private float[] call(float[] windows, int count) {
            long start = System.nanoTime();
            float[] out = predictor.predict(windows, count);
            nanos += System.nanoTime() - start;
            calls++;
            long expected = (long) count * window.voxelCount() * classes;
            if (out == null || out.length < expected) {
                throw new IllegalStateException("predictor returned " + (out == null ? "nothing" : out.length + " values")
                        + " for " + count + " windows: expected " + expected + " = " + count + " x " + window
                        + " x " + classes + " classes (NDHWC, channel last)");
            }
            return out;
        }
    }
}
