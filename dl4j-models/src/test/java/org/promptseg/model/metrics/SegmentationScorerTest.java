package org.promptseg.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.promptseg.model.ModelConfigException;
import org.promptseg.model.infer.VolumeShape;

@DisplayName("Segmentation scorer")
class SegmentationScorerTest {

    private final SegmentationScorer scorer = new SegmentationScorer(List.of("background", "liver", "spleen"));

    static byte[] labels(boolean[] mask, int label) {
        byte[] labels = new byte[mask.length];
        for (int i = 0; i < mask.length; i++) {
            labels[i] = mask[i] ? (byte) label : 0;
        }
        return labels;
    }

    static byte[] box(VolumeShape shape, int z0, int z1, int y0, int y1, int x0, int x1) {
        return labels(SurfaceTest.box(shape, z0, z1, y0, y1, x0, x1), 1);
    }

    private ClassMetrics liver(byte[] reference, byte[] prediction, VolumeShape shape, Spacing spacing) {
        return scorer.score("case", reference, prediction, shape, spacing).forClass("liver");
    }

    @Nested
    @DisplayName("measures HD95 in mm, hand-computed")
    class HandComputed {

        @Test
        @DisplayName("zero and Dice 1 for identical masks")
        void identical() {
            VolumeShape shape = new VolumeShape(6, 7, 8);
            byte[] mask = box(shape, 1, 4, 2, 6, 0, 8);
            ClassMetrics m = liver(mask, mask, shape, new Spacing(3, 1, 1));
            assertThat(m.hd95Mm()).isZero();
            assertThat(m.dice()).isEqualTo(1.0);
            assertThat(m.presence()).isEqualTo(MaskPresence.BOTH);
        }

        @Test
        @DisplayName("the anisotropic distance between two single voxels")
        void twoVoxels() {
            VolumeShape shape = new VolumeShape(5, 6, 7);
            byte[] reference = box(shape, 0, 1, 0, 1, 0, 1);
            byte[] prediction = box(shape, 2, 3, 3, 4, 4, 5);
            ClassMetrics m = liver(reference, prediction, shape, new Spacing(2.0, 0.5, 1.5));
            // sqrt((2*2)^2 + (3*0.5)^2 + (4*1.5)^2)
            assertThat(m.hd95Mm()).isCloseTo(Math.sqrt(54.25), within(1e-6));
            assertThat(m.dice()).isZero();
            assertThat(m.overlapVoxels()).isZero();
        }

        @ParameterizedTest(name = "shifted {0} planes along {1}")
        @CsvSource({"1, z, 2.5", "3, z, 7.5", "2, y, 1.4", "4, x, 1.2"})
        @DisplayName("k x spacing between two parallel plates k planes apart")
        void plates(int k, String axis, double expected) {
            VolumeShape shape = VolumeShape.cube(8);
            Spacing spacing = new Spacing(2.5, 0.7, 0.3);
            byte[] reference;
            byte[] prediction;
            switch (axis) {
                case "z" -> {
                    reference = box(shape, 1, 2, 0, 8, 0, 8);
                    prediction = box(shape, 1 + k, 2 + k, 0, 8, 0, 8);
                }
                case "y" -> {
                    reference = box(shape, 0, 8, 1, 2, 0, 8);
                    prediction = box(shape, 0, 8, 1 + k, 2 + k, 0, 8);
                }
                default -> {
                    reference = box(shape, 0, 8, 0, 8, 1, 2);
                    prediction = box(shape, 0, 8, 0, 8, 1 + k, 2 + k);
                }
            }
            assertThat(liver(reference, prediction, shape, spacing).hd95Mm()).isCloseTo(expected, within(1e-6));
        }

        @Test
        @DisplayName("two 5-voxel cubes shifted by 2 along z, with every directed distance accounted for")
        void shiftedCubes() {
            // Spacing (z, y, x) = (0.8, 1.7, 2.3) mm. Reference surface = 98 voxels, and by symmetry the
            // prediction's distances are the same multiset:
            //   bottom face (25)            -> prediction's bottom face 2 planes up: 1.6
            //   ring of the next plane (16) -> 1 plane up: 0.8
            //   rings of the 3 shared planes (48) coincide: 0
            //   top face inside the ring (9) -> prediction's bottom face 2 planes down (1.6), nearer than
            //                                  the ring in-plane (>= 1.7) or its own top (2 planes up, 1.6)
            // sorted: 48 x 0, 16 x 0.8, 34 x 1.6; the 95th percentile is at rank 0.95 * 97 = 92.15 -> 1.6
            VolumeShape shape = new VolumeShape(10, 9, 8);
            Spacing spacing = new Spacing(0.8, 1.7, 2.3);
            boolean[] reference = SurfaceTest.box(shape, 1, 6, 2, 7, 1, 6);
            boolean[] prediction = SurfaceTest.box(shape, 3, 8, 2, 7, 1, 6);

            SurfaceDistances distances = SurfaceDistances.between(reference, prediction, shape, spacing,
                    new float[shape.voxelCount()]);
            double[] expected = new double[98];
            Arrays.fill(expected, 48, 64, 0.8);
            Arrays.fill(expected, 64, 98, 1.6);
            double[] actual = distances.referenceToPrediction();
            Arrays.sort(actual);
            assertThat(actual).containsExactly(expected, within(1e-6));
            double[] back = distances.predictionToReference();
            Arrays.sort(back);
            assertThat(back).containsExactly(expected, within(1e-6));

            ClassMetrics m = liver(labels(reference, 1), labels(prediction, 1), shape, spacing);
            assertThat(m.hd95Mm()).isCloseTo(1.6, within(1e-6));
            assertThat(m.dice()).isCloseTo(2.0 * 75 / 250, within(1e-12));
        }

        @Test
        @DisplayName("as the larger directed percentile, interpolated — not the percentile of both pooled")
        void maxOfDirectedPercentiles() {
            // lines of 19 and 20 voxels along x: the prediction's last voxel is 1 voxel (0.7 mm) away, the
            // other 19 distances each way are 0. prediction -> reference: rank 0.95 * 19 = 18.05, so
            // 0 + 0.05 * 0.7 = 0.035 mm. Pooled (39 values, rank 36.1) it would be 0.
            VolumeShape shape = new VolumeShape(3, 3, 24);
            byte[] reference = box(shape, 1, 2, 1, 2, 2, 21);
            byte[] prediction = box(shape, 1, 2, 1, 2, 2, 22);
            // (squared distances are stored as float: 0.49 mm² carries a relative error of ~1e-8)
            assertThat(liver(reference, prediction, shape, new Spacing(1, 1, 0.7)).hd95Mm()).isCloseTo(0.035, within(1e-9));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"1, 0.15", "2, 0.4", "3, 0.03", "4, 0.7"})
    @DisplayName("gives the brute-force HD95 on random masks, however they are cropped")
    void matchesBruteForce(long seed, double density) {
        VolumeShape shape = new VolumeShape(9, 11, 13);
        Spacing spacing = new Spacing(2.0, 0.8, 0.6);
        boolean[] reference = EuclideanDistanceTransformTest.randomMask(shape, density, seed);
        boolean[] prediction = EuclideanDistanceTransformTest.randomMask(shape, density, seed + 100);
        // keep the masks away from part of the grid so that the bounding-box crop matters
        for (int i = 0; i < reference.length; i++) {
            int z = i / (11 * 13);
            int x = i % 13;
            reference[i] &= z >= 2 && x < 10;
            prediction[i] &= z < 7 && x >= 1;
        }
        ClassMetrics m = liver(labels(reference, 1), labels(prediction, 1), shape, spacing);
        assertThat(m.hd95Mm()).isCloseTo(BruteForce.hd95(reference, prediction, shape, spacing), within(1e-5));
    }

    @Nested
    @DisplayName("applies the empty-mask policy")
    class EmptyMasks {
        private final VolumeShape shape = VolumeShape.cube(6);
        private final byte[] empty = new byte[shape.voxelCount()];
        private final byte[] cube = box(shape, 1, 4, 1, 4, 1, 4);

        @Test
        @DisplayName("both empty: Dice 1, HD95 0")
        void bothEmpty() {
            ClassMetrics m = liver(empty, empty, shape, Spacing.isotropic(1));
            assertThat(m.presence()).isEqualTo(MaskPresence.NEITHER);
            assertThat(m.dice()).isEqualTo(1.0);
            assertThat(m.hd95Mm()).isZero();
            assertThat(m.hasHd95()).isTrue();
        }

        @Test
        @DisplayName("empty reference, something predicted: Dice 0, HD95 undefined (NaN)")
        void falseDetection() {
            ClassMetrics m = liver(empty, cube, shape, Spacing.isotropic(1));
            assertThat(m.presence()).isEqualTo(MaskPresence.PREDICTION_ONLY);
            assertThat(m.dice()).isZero();
            assertThat(m.hd95Mm()).isNaN();
            assertThat(m.hasHd95()).isFalse();
            assertThat(m.predictionVoxels()).isEqualTo(27);
        }

        @Test
        @DisplayName("reference present, nothing predicted: Dice 0, HD95 undefined (NaN)")
        void missed() {
            ClassMetrics m = liver(cube, empty, shape, Spacing.isotropic(1));
            assertThat(m.presence()).isEqualTo(MaskPresence.REFERENCE_ONLY);
            assertThat(m.dice()).isZero();
            assertThat(m.hd95Mm()).isNaN();
            assertThat(m.referenceVoxels()).isEqualTo(27);
        }
    }

    @Nested
    @DisplayName("with several classes")
    class MultiClass {

        @Test
        @DisplayName("scores each foreground class separately, in label order")
        void perClass() {
            VolumeShape shape = new VolumeShape(4, 10, 10);
            byte[] reference = new byte[shape.voxelCount()];
            byte[] prediction = new byte[shape.voxelCount()];
            for (int z = 0; z < 4; z++) {
                for (int y = 0; y < 10; y++) {
                    for (int x = 0; x < 10; x++) {
                        int i = (z * 10 + y) * 10 + x;
                        reference[i] = (byte) (x < 4 ? 1 : x >= 6 ? 2 : 0);
                        prediction[i] = (byte) (x < 5 ? 1 : x >= 6 ? 2 : 0);
                    }
                }
            }
            CaseMetrics result = scorer.score("c1", reference, prediction, shape, Spacing.isotropic(1));
            assertThat(result.classes()).extracting(ClassMetrics::name).containsExactly("liver", "spleen");
            assertThat(result.forClass("spleen").dice()).isEqualTo(1.0);
            assertThat(result.forClass("liver").dice()).isCloseTo(2.0 * 160 / (160 + 200), within(1e-12));
        }

        @Test
        @DisplayName("scores only the labels asked for (partial annotations)")
        void onlyRequestedLabels() {
            VolumeShape shape = VolumeShape.cube(3);
            CaseMetrics result = scorer.score("c", new byte[27], new byte[27], shape, Spacing.isotropic(1), List.of(2));
            assertThat(result.classes()).extracting(ClassMetrics::label).containsExactly(2);
        }

        @Test
        @DisplayName("rejects a label value outside the class list, naming the map and the voxel")
        void rejectsUnknownLabel() {
            VolumeShape shape = VolumeShape.cube(3);
            byte[] prediction = new byte[27];
            prediction[(1 * 3 + 2) * 3 + 0] = 5;
            assertThatThrownBy(() -> scorer.score("c", new byte[27], prediction, shape, Spacing.isotropic(1)))
                    .isInstanceOf(ModelConfigException.class)
                    .hasMessageContaining("prediction labels")
                    .hasMessageContaining("values 0..2")
                    .hasMessageContaining("(1, 2, 0)");
        }

        @Test
        @DisplayName("rejects maps whose size does not match the shape, and bad spacing")
        void rejectsBadInput() {
            VolumeShape shape = VolumeShape.cube(3);
            assertThatThrownBy(() -> scorer.score("c", new byte[26], new byte[27], shape, Spacing.isotropic(1)))
                    .isInstanceOf(ModelConfigException.class).hasMessageContaining("reference labels");
            assertThatThrownBy(() -> new Spacing(1, 0, 1))
                    .isInstanceOf(ModelConfigException.class).hasMessageContaining("spacing y");
            assertThatThrownBy(() -> new SegmentationScorer(List.of("background", "liver", "liver")))
                    .isInstanceOf(ModelConfigException.class).hasMessageContaining("class names");
        }
    }
}
