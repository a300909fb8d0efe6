package org.promptseg.model.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Importance map")
class ImportanceMapTest {

    @Test
    @DisplayName("is a gaussian with sigma = 1/8 of the axis, 1 at the middle: hand-computed for 8 voxels")
    void handComputedProfile() {
        // n = 8: sigma = 1, centre 3.5; g(i) / g(3) = exp(-((i - 3.5)^2 - 0.25) / 2)
        double[] g = ImportanceMap.profile(8, 0.125);
        assertThat(g[3]).isEqualTo(1.0);
        assertThat(g[4]).isEqualTo(1.0);
        assertThat(g[2]).isCloseTo(Math.exp(-1.0), within(1e-15));
        assertThat(g[1]).isCloseTo(Math.exp(-3.0), within(1e-15));
        assertThat(g[0]).isCloseTo(Math.exp(-6.0), within(1e-15));
        assertThat(g[7]).isEqualTo(g[0]);
    }

    @Test
    @DisplayName("is the product of the three axis profiles, each with its own sigma")
    void separableAnisotropic() {
        VolumeShape window = new VolumeShape(8, 16, 24);
        ImportanceMap map = ImportanceMap.gaussian(window, 0.125);
        double[] gz = ImportanceMap.profile(8, 0.125);
        double[] gy = ImportanceMap.profile(16, 0.125);
        double[] gx = ImportanceMap.profile(24, 0.125);
        // sigma along x is 3: two voxels from the middle pair, the weight is exp(-((2.5)^2 - 0.25) / 18)
        assertThat(gx[9] / gx[11]).isCloseTo(Math.exp(-(2.5 * 2.5 - 0.25) / 18), within(1e-12));
        for (int z = 0; z < 8; z++) {
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 24; x++) {
                    double expected = gz[z] * gy[y] * gx[x];
                    assertThat((double) map.weight(z, y, x)).isCloseTo(expected, within(1e-6 * expected));
                }
            }
        }
    }

    private static float[] dense(ImportanceMap map, VolumeShape window) {
        float[] dense = new float[window.voxelCount()];
        int i = 0;
        for (int z = 0; z < window.depth(); z++) {
            for (int y = 0; y < window.height(); y++) {
                for (int x = 0; x < window.width(); x++) {
                    dense[i++] = map.weight(z, y, x);
                }
            }
        }
        return dense;
    }

    @Test
    @DisplayName("is mirror-symmetric along every axis, also for odd sizes, and 1 in the middle")
    void symmetric() {
        VolumeShape window = new VolumeShape(7, 10, 5);
        float[] map = dense(ImportanceMap.gaussian(window, 0.125), window);
        float[] mirrored = new float[map.length];
        Mirroring.flip(map, mirrored, 1, window, 1, java.util.EnumSet.allOf(Axis.class), false);
        assertThat(mirrored).isEqualTo(map);
        assertThat(map[(3 * 10 + 4) * 5 + 2]).isEqualTo(1f);
    }

    @Test
    @DisplayName("keeps every weight at least the smallest normal float even where the gaussian underflows")
    void positiveEverywhere() {
        VolumeShape window = VolumeShape.cube(64);
        float lowest = Float.MAX_VALUE;
        for (float w : dense(ImportanceMap.gaussian(window, 0.01), window)) {
            lowest = Math.min(lowest, w);
        }
        assertThat(lowest).isGreaterThanOrEqualTo(Float.MIN_NORMAL);
    }

    @Test
    @DisplayName("repeats the x factors per channel to match a channel-last row")
    void perChannel() {
        ImportanceMap map = ImportanceMap.gaussian(new VolumeShape(2, 2, 3), 0.125);
        float[] x = map.alongX();
        assertThat(map.alongXPerChannel(2)).containsExactly(x[0], x[0], x[1], x[1], x[2], x[2]);
    }

    @Test
    @DisplayName("is all ones with constant weighting")
    void constant() {
        VolumeShape window = VolumeShape.cube(3);
        assertThat(dense(ImportanceMap.create(window, InferenceOptions.Weighting.CONSTANT, 0.125), window)).containsOnly(1f);
    }
}
