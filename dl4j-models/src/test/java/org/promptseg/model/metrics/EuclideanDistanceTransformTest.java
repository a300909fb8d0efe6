package org.promptseg.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.promptseg.model.infer.VolumeShape;

@DisplayName("Euclidean distance transform")
class EuclideanDistanceTransformTest {

    static boolean[] randomMask(VolumeShape shape, double density, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] mask = new boolean[shape.voxelCount()];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = random.nextDouble() < density;
        }
        return mask;
    }

    private static void assertMatchesBruteForce(boolean[] feature, VolumeShape shape, Spacing spacing) {
        float[] fast = new EuclideanDistanceTransform(shape, spacing).squaredDistances(feature);
        double[] reference = BruteForce.squaredDistances(feature, shape, spacing);
        for (int i = 0; i < fast.length; i++) {
            if (Double.isInfinite(reference[i])) {
                assertThat(fast[i]).as("voxel %d", i).isInfinite();
            } else {
                // computed in double, stored as float: relative error of float rounding only
                assertThat((double) fast[i]).as("voxel %d", i).isCloseTo(reference[i], within(1e-6 * Math.max(1, reference[i])));
            }
        }
    }

    @ParameterizedTest(name = "{0}x{1}x{2}, density {3}, spacing ({4}, {5}, {6}), seed {7}")
    @CsvSource({
            "7, 9, 11, 0.05, 1.0, 1.0, 1.0, 1",
            "7, 9, 11, 0.01, 2.5, 0.7, 0.7, 2",
            "12, 5, 8, 0.2, 0.5, 3.0, 1.25, 3",
            "1, 13, 17, 0.03, 1.0, 0.9, 1.1, 4",
            "16, 1, 1, 0.1, 1.3, 1.0, 1.0, 5",
            "10, 10, 10, 0.002, 5.0, 0.6, 0.8, 6",
            "9, 14, 6, 0.5, 1.0, 2.0, 4.0, 7"})
    @DisplayName("equals the brute-force distance on random masks with anisotropic spacing")
    void matchesBruteForce(int d, int h, int w, double density, double sz, double sy, double sx, long seed) {
        VolumeShape shape = new VolumeShape(d, h, w);
        assertMatchesBruteForce(randomMask(shape, density, seed), shape, new Spacing(sz, sy, sx));
    }

    @Test
    @DisplayName("from one feature voxel is the anisotropic Euclidean norm, hand-computed")
    void singleFeature() {
        VolumeShape shape = new VolumeShape(4, 5, 6);
        boolean[] feature = new boolean[shape.voxelCount()];
        feature[0] = true;
        float[] d = new EuclideanDistanceTransform(shape, new Spacing(2.0, 0.5, 1.5)).squaredDistances(feature);
        // voxel (2, 3, 4): (2*2)^2 + (3*0.5)^2 + (4*1.5)^2 = 16 + 2.25 + 36
        assertThat(d[(2 * 5 + 3) * 6 + 4]).isEqualTo(54.25f);
        assertThat(d[(3 * 5 + 4) * 6 + 5]).isEqualTo(36f + 4f + 56.25f);
    }

    @Test
    @DisplayName("is infinite everywhere without features and zero on them")
    void emptyAndFull() {
        VolumeShape shape = new VolumeShape(3, 4, 5);
        EuclideanDistanceTransform edt = new EuclideanDistanceTransform(shape, Spacing.isotropic(1));
        assertThat(edt.squaredDistances(new boolean[shape.voxelCount()])).containsOnly(Float.POSITIVE_INFINITY);
        boolean[] all = new boolean[shape.voxelCount()];
        java.util.Arrays.fill(all, true);
        assertThat(edt.squaredDistances(all)).containsOnly(0f);
    }
}
