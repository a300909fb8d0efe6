package org.promptseg.volume.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("PatchView")
class PatchViewTest {
    private static final int[] SIZE = {12, 16, 20};

    /** An image whose value is a linear function of the patch coordinates: trilinear resampling reproduces it exactly. */
    private static float[] ramp() {
        float[] a = new float[SIZE[0] * SIZE[1] * SIZE[2]];
        for (int z = 0; z < SIZE[0]; z++) {
            for (int y = 0; y < SIZE[1]; y++) {
                for (int x = 0; x < SIZE[2]; x++) {
                    a[(z * SIZE[1] + y) * SIZE[2] + x] = value(z, y, x);
                }
            }
        }
        return a;
    }

    private static float value(double z, double y, double x) {
        return (float) (0.5 * z + 0.25 * y - 0.125 * x);
    }

    @Nested
    @DisplayName("geometry")
    class Geometry {
        @Test
        @DisplayName("the identity view maps every voxel onto itself and copies the image")
        void identity() {
            PatchView v = PatchView.random(SIZE, PatchView.Augmentation.none(), new SplittableRandom(1));
            assertThat(v.toPatch(new double[] {3, 4, 5})).containsExactly(new double[] {3, 4, 5}, within(1e-12));
            float[] img = ramp();
            assertThat(v.image(img)).containsExactly(img);
        }

        @Test
        @DisplayName("toView inverts toPatch, with zoom and mirroring")
        void inverse() {
            SplittableRandom rnd = new SplittableRandom(7);
            for (int k = 0; k < 20; k++) {
                PatchView v = PatchView.random(SIZE, new PatchView.Augmentation(0.5, 0.9, 0.5, 0, 0, 0, 0), rnd);
                double[] p = {rnd.nextDouble() * 11, rnd.nextDouble() * 15, rnd.nextDouble() * 19};
                assertThat(v.toPatch(v.toView(p))).containsExactly(p, within(1e-9));
            }
        }

        @Test
        @DisplayName("a half-size crop at the far corner, mirrored in x, puts view voxels where the arithmetic says")
        void handMadeCrop() {
            PatchView v = PatchView.crop(SIZE, new double[] {6, 8, 10}, new double[] {6, 8, 10}, new boolean[] {false, false, true});
            // view voxel 0 along z covers patch [6, 6.5): centre 6.25 - 0.5 → 5.75 in index coordinates
            assertThat(v.toPatch(new double[] {0, 0, 0})[0]).isCloseTo(5.75, within(1e-12));
            // mirrored x: view voxel 0 sits at the crop's far end
            assertThat(v.toPatch(new double[] {0, 0, 0})[2]).isCloseTo(10 + 10 * (1 - 0.5 / 20) - 0.5, within(1e-12));
            assertThat(v.toPatch(new double[] {0, 0, 19})[2]).isCloseTo(10 + 10 * (0.5 / 20) - 0.5, within(1e-12));
        }
    }

    @Nested
    @DisplayName("correspondence between two views")
    class Correspondence {
        @Test
        @DisplayName("voxels that map to the same patch position show the same intensity in both views")
        void sameTissue() {
            SplittableRandom rnd = new SplittableRandom(3);
            float[] img = ramp();
            PatchView.Augmentation a = new PatchView.Augmentation(0.6, 0.9, 0.5, 0, 0, 0, 0);
            int matched = 0;
            for (int k = 0; k < 10; k++) {
                PatchView t = PatchView.random(SIZE, a, rnd);
                PatchView s = PatchView.random(SIZE, a, rnd);
                float[] ti = t.image(img);
                float[] si = s.image(img);
                for (int z = 1; z < SIZE[0] - 1; z += 3) {
                    for (int y = 1; y < SIZE[1] - 1; y += 3) {
                        for (int x = 1; x < SIZE[2] - 1; x += 3) {
                            double[] p = s.toPatch(new double[] {z, y, x});
                            double[] tv = t.toView(p);
                            long[] r = {Math.round(tv[0]), Math.round(tv[1]), Math.round(tv[2])};
                            if (r[0] < 0 || r[1] < 0 || r[2] < 0 || r[0] >= SIZE[0] || r[1] >= SIZE[1] || r[2] >= SIZE[2]
                                    || !inside(p)) {
                                continue;
                            }
                            double[] tp = t.toPatch(new double[] {r[0], r[1], r[2]});
                            if (!inside(tp)) {
                                continue;
                            }
                            matched++;
                            // exact: the ramp is linear, so each view value is the ramp at its patch position
                            assertThat((double) si[(z * SIZE[1] + y) * SIZE[2] + x]).isCloseTo(value(p[0], p[1], p[2]), within(1e-4));
                            assertThat((double) ti[(int) ((r[0] * SIZE[1] + r[1]) * SIZE[2] + r[2])]).isCloseTo(value(tp[0], tp[1], tp[2]),
                                    within(1e-4));
                            // and the nearest teacher voxel is within half a (zoomed) voxel per axis of the student's position
                            for (int d = 0; d < 3; d++) {
                                assertThat(Math.abs(tp[d] - p[d])).isLessThanOrEqualTo(0.5 + 1e-9);
                            }
                        }
                    }
                }
            }
            assertThat(matched).isGreaterThan(100);
        }

        private boolean inside(double[] p) {
            for (int d = 0; d < 3; d++) {
                if (p[d] < 0 || p[d] > SIZE[d] - 1) {
                    return false;
                }
            }
            return true;
        }
    }

    @Nested
    @DisplayName("augmentation")
    class Augment {
        @Test
        @DisplayName("labels follow the geometry (nearest neighbour) and ignore holes and intensity")
        void labels() {
            byte[] lab = new byte[SIZE[0] * SIZE[1] * SIZE[2]];
            for (int i = 0; i < lab.length; i++) {
                lab[i] = (byte) ((i % SIZE[2]) < SIZE[2] / 2 ? 1 : 2);
            }
            PatchView v = PatchView.crop(SIZE, new double[] {0, 0, 0}, new double[] {12, 16, 20}, new boolean[] {false, false, true});
            byte[] out = v.labels(lab);
            assertThat(out[0]).isEqualTo((byte) 2); // mirrored in x
            assertThat(out[SIZE[2] - 1]).isEqualTo((byte) 1);
        }

        @Test
        @DisplayName("holes are zero, the same seed gives the same view, another seed another")
        void holesAndSeeds() {
            PatchView.Augmentation a = new PatchView.Augmentation(0.7, 0.9, 0.5, 0.2, 0.1, 3, 0.3);
            float[] img = ramp();
            for (int i = 0; i < img.length; i++) {
                img[i] += 5; // no voxel is zero before the holes
            }
            float[] v1 = PatchView.random(SIZE, a, new SplittableRandom(9)).image(img);
            float[] v2 = PatchView.random(SIZE, a, new SplittableRandom(9)).image(img);
            float[] v3 = PatchView.random(SIZE, a, new SplittableRandom(10)).image(img);
            assertThat(v1).containsExactly(v2);
            assertThat(v1).isNotEqualTo(v3);
            long zeros = 0;
            for (float f : v1) {
                zeros += f == 0f ? 1 : 0;
            }
            assertThat(zeros).isPositive();
        }

        @Test
        @DisplayName("bad settings and sizes are refused")
        void refused() {
            assertThatThrownBy(() -> new PatchView.Augmentation(0, 1, 0, 0, 0, 0, 0)).hasMessageContaining("crop fractions");
            PatchView v = PatchView.random(SIZE, PatchView.Augmentation.none(), new SplittableRandom(1));
            assertThatThrownBy(() -> v.image(new float[10])).hasMessageContaining("voxels");
        }
    }
}
