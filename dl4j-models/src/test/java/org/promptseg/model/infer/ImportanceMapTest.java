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
        float[] map = ImportanceMap.gaussian(window, 0.125);
        double[] gz = ImportanceMap.profile(8, 0.125);
        double[] gy = ImportanceMap.profile(16, 0.125);
        double[] gx = ImportanceMap.profile(24, 0.125);
        // sigma along x is 3: two voxels from the middle pair, the weight is exp(-((2.5)^2 - 0.25) / 18)
        assertThat(gx[9] / gx[11]).isCloseTo(Math.exp(-(2.5 * 2.5 - 0.25) / 18), within(1e-12));
        for (int z = 0; z < 8; z++) {
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 24; x++) {
                    assertThat(map[(z * 16 + y) * 24 + x]).isCloseTo((float) (gz[z] * gy[y] * gx[x]), within(1e-7f));
                }
            }
        }
    }

    @Test
    @DisplayName("is mirror-symmetric along every axis, also for odd sizes")
    void symmetric() {
        VolumeShape window = new VolumeShape(7, 10, 5);
        float[] map = ImportanceMap.gaussian(window, 0.125);
        float[] mirrored = new float[map.length];
        Mirroring.flip(map, mirrored, 1, window, 1, java.util.EnumSet.allOf(Axis.class), false);
        assertThat(mirrored).isEqualTo(map);
        assertThat(map[(3 * 10 + 4) * 5 + 2]).isEqualTo(1f);
    }

    @Test
    @DisplayName("keeps every weight positive even where the gaussian underflows")
    void positiveEverywhere() {
        float[] map = ImportanceMap.gaussian(VolumeShape.cube(64), 0.01);
        for (float w : map) {
            assertThat(w).isGreaterThanOrEqualTo(Float.MIN_NORMAL);
        }
    }

    @Test
    @DisplayName("is all ones with constant weighting")
    void constant() {
        assertThat(ImportanceMap.create(VolumeShape.cube(3), InferenceOptions.Weighting.CONSTANT, 0.125)).containsOnly(1f);
    }
}
