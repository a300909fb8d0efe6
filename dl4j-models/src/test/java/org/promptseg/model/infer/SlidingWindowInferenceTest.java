package org.promptseg.model.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.EnumSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.promptseg.model.ModelConfigException;
import org.promptseg.model.infer.AnalyticPredictors.IntensityClassifier;
import org.promptseg.model.infer.AnalyticPredictors.LookAhead;
import org.promptseg.model.infer.AnalyticPredictors.WindowRamp;
import org.promptseg.model.infer.AnalyticPredictors.WindowSignature;
import org.promptseg.model.infer.InferenceOptions.Weighting;

@DisplayName("Sliding-window inference")
class SlidingWindowInferenceTest {

    private static final int CLASSES = 4;

    /**
     * Intensities near the class centres 0..classes-1 (offsets up to 0.3, never near a 0.5 decision
     * boundary), so blending rounding can never flip a label and equality must be exact.
     */
    static float[] classCentredVolume(VolumeShape shape, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[shape.voxelCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextInt(classes) + 0.1f * (random.nextInt(7) - 3);
        }
        return v;
    }

    static float[] gaussianVolume(VolumeShape shape, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] v = new float[shape.voxelCount()];
        for (int i = 0; i < v.length; i++) {
            // Box-Muller keeps this independent of any library RNG
            v[i] = (float) (Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble()));
        }
        return v;
    }

    private static void assertVoxelwise(VolumeShape shape, VolumeShape window, InferenceOptions options) {
        float[] volume = classCentredVolume(shape, CLASSES, 7);
        ProbabilityVolume probabilities = new ProbabilityVolume(shape, CLASSES);
        Segmentation result = new SlidingWindowInference(new IntensityClassifier(window, CLASSES), options)
                .segment(volume, shape, probabilities);

        byte[] expectedLabels = new byte[volume.length];
        float[] expected = new float[CLASSES];
        for (int i = 0; i < volume.length; i++) {
            expectedLabels[i] = (byte) IntensityClassifier.label(volume[i], CLASSES);
        }
        assertThat(result.labels()).isEqualTo(expectedLabels);
        assertThat(probabilities.isComplete()).isTrue();
        for (int i = 0; i < volume.length; i += 7) {
            IntensityClassifier.probabilities(volume[i], CLASSES, expected, 0);
            for (int c = 0; c < CLASSES; c++) {
                assertThat(probabilities.classVolume(c)[i]).as("class %d at voxel %d", c, i).isCloseTo(expected[c], within(2e-6f));
            }
        }
    }

    @Nested
    @DisplayName("with a voxelwise predictor, gives exactly the voxelwise labels")
    class Voxelwise {

        @ParameterizedTest(name = "overlap {0}, batch {1}, {2} weighting")
        @CsvSource({"0.5, 1, GAUSSIAN", "0.5, 3, GAUSSIAN", "0.0, 2, GAUSSIAN", "0.25, 4, CONSTANT", "0.75, 5, GAUSSIAN",
                "0.5, 64, CONSTANT"})
        void whateverOverlapBatchAndWeighting(double overlap, int batch, Weighting weighting) {
            assertVoxelwise(new VolumeShape(37, 41, 29), new VolumeShape(16, 12, 10),
                    InferenceOptions.defaults().withOverlap(overlap).withBatchSize(batch).withWeighting(weighting));
        }

        @Test
        @DisplayName("when the volume is smaller than the window on every axis (padded)")
        void smallerThanWindow() {
            assertVoxelwise(new VolumeShape(5, 7, 3), VolumeShape.cube(8), InferenceOptions.defaults());
        }

        @Test
        @DisplayName("when the volume is smaller than the window on one axis only")
        void smallerOnOneAxis() {
            assertVoxelwise(new VolumeShape(3, 40, 33), new VolumeShape(8, 16, 16), InferenceOptions.defaults().withBatchSize(3));
        }

        @Test
        @DisplayName("when the volume is exactly one window")
        void exactlyOneWindow() {
            assertVoxelwise(new VolumeShape(9, 11, 13), new VolumeShape(9, 11, 13), InferenceOptions.defaults());
        }

        @Test
        @DisplayName("for a one-voxel volume")
        void oneVoxel() {
            assertVoxelwise(VolumeShape.cube(1), VolumeShape.cube(4), InferenceOptions.defaults());
        }
    }

    @Nested
    @DisplayName("blends overlapping windows")
    class Blending {
        // windows vary only along x: 50 voxels, window 16, target stride 8 -> 6 windows spread over 34 voxels
        private final VolumeShape shape = new VolumeShape(6, 5, 50);
        private final VolumeShape window = new VolumeShape(6, 5, 16);
        private final int[] handComputedStarts = {0, 7, 14, 20, 27, 34};

        /** Intensity = x, so a window's first voxel says where it starts. */
        private float[] xRamp() {
            float[] v = new float[shape.voxelCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = i % shape.width();
            }
            return v;
        }

        private float[] blendedClassOne(Weighting weighting) {
            ProbabilityVolume probabilities = new ProbabilityVolume(shape, 2);
            new SlidingWindowInference(new WindowSignature(window), InferenceOptions.defaults().withWeighting(weighting))
                    .segment(xRamp(), shape, probabilities);
            return probabilities.classVolume(1);
        }

        @Test
        @DisplayName("with gaussian weights, sigma = window / 8, centred in the window")
        void gaussianWeights() {
            float[] blended = blendedClassOne(Weighting.GAUSSIAN);
            double sigma = 16 / 8.0;
            for (int x = 0; x < shape.width(); x++) {
                double sum = 0;
                double weights = 0;
                for (int start : handComputedStarts) {
                    if (x >= start && x < start + 16) {
                        // the z and y factors are the same for every window here and cancel
                        double d = x - start - 7.5;
                        double g = Math.exp(-d * d / (2 * sigma * sigma));
                        sum += g * WindowSignature.signature(start);
                        weights += g;
                    }
                }
                float expected = (float) (sum / weights);
                for (int zy = 0; zy < shape.depth() * shape.height(); zy++) {
                    assertThat(blended[zy * shape.width() + x]).as("x = %d", x).isCloseTo(expected, within(2e-6f));
                }
            }
        }

        @Test
        @DisplayName("with constant weights, as the plain mean of the covering windows")
        void constantWeights() {
            float[] blended = blendedClassOne(Weighting.CONSTANT);
            for (int x = 0; x < shape.width(); x++) {
                double sum = 0;
                int covering = 0;
                for (int start : handComputedStarts) {
                    if (x >= start && x < start + 16) {
                        sum += WindowSignature.signature(start);
                        covering++;
                    }
                }
                assertThat(blended[x]).as("x = %d", x).isCloseTo((float) (sum / covering), within(2e-6f));
            }
        }
    }

    @Nested
    @DisplayName("accumulates in slabs along z")
    class Slabs {
        private final VolumeShape window = new VolumeShape(12, 10, 8);

        @ParameterizedTest(name = "batch {0}")
        @CsvSource({"1", "5", "40"})
        @DisplayName("with exactly the labels and probabilities of the whole-volume path")
        void sameAsWholeVolume(int batch) {
            VolumeShape shape = new VolumeShape(70, 23, 19);
            float[] volume = gaussianVolume(shape, 11);
            SlidingWindowInference inference = new SlidingWindowInference(new LookAhead(window, Axis.Z),
                    InferenceOptions.defaults().withBatchSize(batch));
            ProbabilityVolume slabProbabilities = new ProbabilityVolume(shape, 2);
            ProbabilityVolume wholeProbabilities = new ProbabilityVolume(shape, 2);

            Segmentation slab = inference.run(volume, shape, slabProbabilities, false);
            Segmentation whole = inference.run(volume, shape, wholeProbabilities, true);

            assertThat(slab.stats().accumulatorPlanes()).isLessThan(whole.stats().accumulatorPlanes());
            assertThat(slab.labels()).isEqualTo(whole.labels());
            assertThat(slab.labels()).contains((byte) 0, (byte) 1);
            assertThat(slabProbabilities.classVolume(1)).isEqualTo(wholeProbabilities.classVolume(1));
        }

        @ParameterizedTest(name = "depth {0}, batch {1}")
        @CsvSource({"60, 1", "60, 4", "200, 4", "600, 2"})
        @DisplayName("holding exactly one window depth of planes, whatever the depth of the volume")
        void boundedByWindowDepth(int depth, int batch) {
            // 20 x 20 planes with 16-voxel windows: 4 windows per z-level, never fewer than a batch here
            VolumeShape shape = new VolumeShape(depth, 20, 20);
            Segmentation result = new SlidingWindowInference(new IntensityClassifier(VolumeShape.cube(16), CLASSES),
                    InferenceOptions.defaults().withBatchSize(batch)).segment(new float[shape.voxelCount()], shape);

            assertThat(result.stats().accumulatorPlanes()).isEqualTo(16);
            assertThat(result.stats().accumulatorFloats()).isEqualTo(16L * 20 * 20 * CLASSES);
        }

        @ParameterizedTest(name = "depth {0}")
        @CsvSource({"60", "200"})
        @DisplayName("plus at most one stride when z-levels hold fewer windows than a batch")
        void boundedByWindowPlusStride(int depth) {
            VolumeShape shape = new VolumeShape(depth, 20, 20);
            Segmentation result = new SlidingWindowInference(new IntensityClassifier(VolumeShape.cube(16), CLASSES),
                    InferenceOptions.defaults().withBatchSize(64)).segment(new float[shape.voxelCount()], shape);

            int planes = result.stats().accumulatorPlanes();
            assertThat(planes).isGreaterThan(16).isLessThanOrEqualTo(16 + 8);
            assertThat(result.stats().accumulatorFloats()).isEqualTo((long) planes * 20 * 20 * CLASSES);
        }

        @Test
        @DisplayName("plus one weight per voxel of the slab when probabilities are requested")
        void weightSumsOnlyWithProbabilities() {
            VolumeShape shape = new VolumeShape(100, 20, 20);
            VolumeShape cube = VolumeShape.cube(16);
            Segmentation result = new SlidingWindowInference(new IntensityClassifier(cube, CLASSES), InferenceOptions.defaults())
                    .segment(new float[shape.voxelCount()], shape, new ProbabilityVolume(shape, CLASSES));

            assertThat(result.stats().accumulatorPlanes()).isEqualTo(16);
            assertThat(result.stats().accumulatorFloats()).isEqualTo(16L * 20 * 20 * (CLASSES + 1));
        }
    }

    @Nested
    @DisplayName("with mirror test-time augmentation")
    class MirrorAugmentation {
        private final VolumeShape window = new VolumeShape(6, 8, 10);

        @Test
        @DisplayName("leaves a mirror-equivariant predictor's labels unchanged, at 8 predictor calls per batch")
        void equivariantUnchanged() {
            VolumeShape shape = new VolumeShape(13, 17, 19);
            float[] volume = classCentredVolume(shape, CLASSES, 3);
            IntensityClassifier plain = new IntensityClassifier(window, CLASSES);
            IntensityClassifier mirrored = new IntensityClassifier(window, CLASSES);
            ProbabilityVolume plainProbabilities = new ProbabilityVolume(shape, CLASSES);
            ProbabilityVolume mirroredProbabilities = new ProbabilityVolume(shape, CLASSES);

            Segmentation expected = new SlidingWindowInference(plain, InferenceOptions.defaults())
                    .segment(volume, shape, plainProbabilities);
            Segmentation actual = new SlidingWindowInference(mirrored,
                    InferenceOptions.defaults().withMirrorAxes(EnumSet.allOf(Axis.class))).segment(volume, shape, mirroredProbabilities);

            assertThat(actual.labels()).isEqualTo(expected.labels());
            assertThat(mirrored.calls).isEqualTo(8 * plain.calls);
            for (int c = 0; c < CLASSES; c++) {
                float[] a = mirroredProbabilities.classVolume(c);
                float[] e = plainProbabilities.classVolume(c);
                for (int i = 0; i < a.length; i++) {
                    assertThat(a[i]).isCloseTo(e[i], within(1e-6f));
                }
            }
        }

        @ParameterizedTest
        @EnumSource(Axis.class)
        @DisplayName("averages a prediction with its mirror image along the mirrored axis")
        void averagesMirrorImages(Axis axis) {
            VolumeShape shape = new VolumeShape(11, 13, 15);
            float[] mirrored = classOne(new WindowRamp(window, axis), shape, Set.of(axis));
            float[] plain = classOne(new WindowRamp(window, axis), shape, Set.of());

            for (float p : mirrored) {
                assertThat(p).isCloseTo(0.5f, within(1e-6f));
            }
            float lowest = 1;
            for (float p : plain) {
                lowest = Math.min(lowest, p);
            }
            assertThat(lowest).as("without mirroring the ramp stays").isLessThan(0.2f);
        }

        @ParameterizedTest
        @EnumSource(Axis.class)
        @DisplayName("mirrors the input along the configured axis only")
        void mirrorsInputsAlongTheRightAxis(Axis axis) {
            VolumeShape shape = window; // one window, so the expected value is local
            float[] volume = gaussianVolume(shape, 5);
            float[] actual = classOne(new LookAhead(window, axis), shape, Set.of(axis));

            for (int z = 0; z < shape.depth(); z++) {
                for (int y = 0; y < shape.height(); y++) {
                    for (int x = 0; x < shape.width(); x++) {
                        int[] ahead = {z, y, x};
                        int[] behind = {z, y, x};
                        int a = axis.ordinal();
                        ahead[a] = Math.min(ahead[a] + 1, shape.size(axis) - 1);
                        behind[a] = Math.max(behind[a] - 1, 0);
                        float expected = (LookAhead.sigmoid(volume[index(shape, ahead)])
                                + LookAhead.sigmoid(volume[index(shape, behind)])) / 2;
                        assertThat(actual[(z * shape.height() + y) * shape.width() + x]).isCloseTo(expected, within(1e-6f));
                    }
                }
            }
        }

        private float[] classOne(WindowPredictor predictor, VolumeShape shape, Set<Axis> mirror) {
            float[] volume = predictor instanceof LookAhead ? gaussianVolume(shape, 5) : new float[shape.voxelCount()];
            ProbabilityVolume probabilities = new ProbabilityVolume(shape, 2);
            new SlidingWindowInference(predictor, InferenceOptions.defaults().withMirrorAxes(mirror))
                    .segment(volume, shape, probabilities);
            return probabilities.classVolume(1);
        }

        private int index(VolumeShape shape, int[] zyx) {
            return (zyx[0] * shape.height() + zyx[1]) * shape.width() + zyx[2];
        }
    }

    @Nested
    @DisplayName("rejects")
    class Rejects {
        private final VolumeShape window = VolumeShape.cube(4);

        @Test
        @DisplayName("an input whose length does not match its shape, naming the field")
        void wrongInputLength() {
            SlidingWindowInference inference = new SlidingWindowInference(new IntensityClassifier(window, 2), InferenceOptions.defaults());
            assertThatThrownBy(() -> inference.segment(new float[10], VolumeShape.cube(3)))
                    .isInstanceOf(ModelConfigException.class)
                    .hasMessageContaining("input volume")
                    .hasMessageContaining("27 voxels");
        }

        @Test
        @DisplayName("a predictor with fewer than two classes")
        void tooFewClasses() {
            assertThatThrownBy(() -> new SlidingWindowInference(new IntensityClassifier(window, 1), InferenceOptions.defaults()))
                    .isInstanceOf(ModelConfigException.class)
                    .hasMessageContaining("predictor classes");
        }

        @Test
        @DisplayName("a predictor output shorter than windows x classes")
        void shortPredictorOutput() {
            WindowPredictor truncating = new WindowPredictor() {
                @Override
                public VolumeShape windowShape() {
                    return window;
                }

                @Override
                public int numClasses() {
                    return 3;
                }

                @Override
                public float[] predict(float[] windows, int count) {
                    return new float[count * window.voxelCount() * 2]; // forgot one class
                }
            };
            assertThatThrownBy(() -> new SlidingWindowInference(truncating, InferenceOptions.defaults())
                    .segment(new float[64], window))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("expected 192");
        }
    }
}
