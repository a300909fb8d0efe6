package org.promptseg.volume.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.promptseg.volume.Affine;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.Shape;
import org.promptseg.volume.Volume;
import org.promptseg.volume.dataset.LabelledCase;

@DisplayName("resampling, cropping and the case transform")
class ResamplingTest {
    static final Geometry LPS = new Geometry(Affine.ofRows(new double[] {-0.8, 0, 0, 100, 0, -0.8, 0, 50, 0, 0, 3, -20}));

    /** Values linear in world position: trilinear interpolation reproduces them exactly inside the grid. */
    static Volume worldRamp(Shape s, Geometry g) {
        float[] v = new float[s.voxelCount()];
        for (int z = 0; z < s.nz(); z++) {
            for (int y = 0; y < s.ny(); y++) {
                for (int x = 0; x < s.nx(); x++) {
                    double[] w = g.worldOfZyx(z, y, x);
                    v[s.index(z, y, x)] = (float) (2 * w[0] - w[1] + 0.5 * w[2]);
                }
            }
        }
        return Volume.ofFloats(s, g, v);
    }

    @Nested
    @DisplayName("resampler")
    class Resample {
        @Test
        @DisplayName("the new grid covers the same extent; interior values of a linear field are exact")
        void linear() {
            Shape s = new Shape(10, 20, 30);
            Volume v = worldRamp(s, LPS);
            double[] target = {1.5, 1.0, 1.2};
            Volume r = Resampler.resample(v, target, Resampler.Interpolation.LINEAR);
            assertThat(r.shape()).isEqualTo(new Shape(20, 16, 20));
            // extent: voxel edges of the first and last voxel along each axis coincide
            double[] sp = r.geometry().spacingZyx();
            assertThat(sp[0] * r.shape().nz()).isCloseTo(3.0 * s.nz(), within(1e-9));
            assertThat(sp[2] * r.shape().nx()).isCloseTo(0.8 * s.nx(), within(1e-9));
            // sampled values equal the field at the new voxel centres (away from the clamped border half-voxel)
            for (int z = 1; z < r.shape().nz() - 1; z++) {
                for (int y = 1; y < r.shape().ny() - 1; y++) {
                    for (int x = 1; x < r.shape().nx() - 1; x++) {
                        double[] w = r.geometry().worldOfZyx(z, y, x);
                        assertThat((double) r.value(z, y, x)).isCloseTo(2 * w[0] - w[1] + 0.5 * w[2], within(1e-3));
                    }
                }
            }
            assertThat(r.geometry().orientation().code()).isEqualTo("LPS");
        }

        @Test
        @DisplayName("nearest neighbour keeps the label set; resampling back restores the original geometry")
        void nearestAndBack() {
            Shape s = new Shape(8, 9, 10);
            byte[] lab = new byte[s.voxelCount()];
            for (int i = 0; i < lab.length; i++) {
                lab[i] = (byte) (i % 7 == 0 ? 3 : i % 5 == 0 ? 1 : 0);
            }
            Volume v = Volume.ofLabels(s, LPS, lab);
            Volume up = Resampler.resample(v, new double[] {1.0, 0.4, 0.4}, Resampler.Interpolation.NEAREST);
            Set<Integer> values = new HashSet<>();
            for (byte b : up.labels()) {
                values.add((int) b);
            }
            assertThat(values).containsExactlyInAnyOrder(0, 1, 3);
            Volume back = Resampler.toShape(up, s, Resampler.Interpolation.NEAREST);
            assertThat(back.geometry().voxelToWorld().maxAbsDifference(LPS.voxelToWorld())).isLessThan(1e-9);
            // 2x and 3x upsampling then back by nearest neighbour is the identity
            assertThat(back.labels()).containsExactly(lab);
        }

        @Test
        @DisplayName("rounding to int16 clamps and rounds half away from zero")
        void toShorts() {
            Volume f = Volume.ofFloats(new Shape(1, 1, 4), LPS, new float[] {1.5f, -1.5f, 40000f, Float.NaN});
            assertThat(Resampler.roundToShorts(f).shorts()).containsExactly((short) 2, (short) -1, Short.MAX_VALUE, (short) 0);
        }
    }

    @Nested
    @DisplayName("body crop")
    class Crop {
        @Test
        @DisplayName("the box holds every voxel above the threshold plus the margin; crop keeps world positions; uncrop inverts")
        void box() {
            Shape s = new Shape(6, 7, 8);
            short[] hu = new short[s.voxelCount()];
            java.util.Arrays.fill(hu, (short) -1000);
            hu[s.index(2, 3, 4)] = 40;
            hu[s.index(3, 5, 5)] = 40;
            Volume v = Volume.ofShorts(s, LPS, hu);
            BoundingBox b = BoundingBox.ofBody(v, -500, 1);
            assertThat(b).isEqualTo(new BoundingBox(1, 2, 3, 5, 7, 7));
            Volume c = b.crop(v);
            assertThat(c.shape()).isEqualTo(new Shape(4, 5, 4));
            assertThat(c.value(1, 1, 1)).isEqualTo(40f);
            double[] before = v.geometry().worldOfZyx(2, 3, 4);
            double[] after = c.geometry().worldOfZyx(1, 1, 1);
            assertThat(after).containsExactly(before, within(1e-9));
            Volume u = b.uncrop(c, s, v.geometry(), -1000);
            assertThat(u.shorts()).containsExactly(hu);
            assertThat(BoundingBox.ofBody(Volume.ofShorts(s, LPS, new short[s.voxelCount()]), 100, 0)).isEqualTo(BoundingBox.whole(s));
        }
    }

    @Nested
    @DisplayName("case preprocessing")
    class Prepare {
        @Test
        @DisplayName("RAS, cropped, resampled, int16; a prediction on the prepared grid goes back to the source grid")
        void roundTrip() {
            Shape s = new Shape(20, 24, 28);
            short[] hu = new short[s.voxelCount()];
            byte[] lab = new byte[s.voxelCount()];
            for (int z = 0; z < s.nz(); z++) {
                for (int y = 0; y < s.ny(); y++) {
                    for (int x = 0; x < s.nx(); x++) {
                        double dx = (x - 14) / 10.0, dy = (y - 12) / 9.0, dz = (z - 10) / 8.0;
                        double r = dx * dx + dy * dy;
                        boolean body = r < 1;
                        boolean organ = r + dz * dz < 0.3;
                        hu[s.index(z, y, x)] = (short) (organ ? 120 : body ? 40 : -1000);
                        lab[s.index(z, y, x)] = (byte) (organ ? 2 : 0);
                    }
                }
            }
            LabelledCase c = new LabelledCase("k", Volume.ofShorts(s, LPS, hu), Volume.ofLabels(s, LPS, lab));
            PreprocessOptions o = PreprocessOptions.defaults();
            PreparedCase p = new CasePreprocessor(o, new double[] {2.0, 1.2, 1.2}).prepare(c);
            assertThat(p.image().geometry().orientation().code()).isEqualTo("RAS");
            assertThat(p.image().geometry().spacingZyx()[0]).isCloseTo(2.0, within(0.2));
            assertThat(p.label().shape()).isEqualTo(p.image().shape());
            assertThat(p.image().voxels()).isInstanceOf(org.promptseg.volume.VoxelArray.Shorts.class);
            assertThat(p.transform().crop().shape().nx()).isLessThan(s.nx());

            Volume back = p.transform().labelsToSource(p.label());
            assertThat(back.shape()).isEqualTo(s);
            assertThat(back.geometry()).isSameAs(c.image().geometry());
            long inter = 0, a = 0, b = 0;
            for (int i = 0; i < lab.length; i++) {
                boolean x = lab[i] == 2, y = back.labels()[i] == 2;
                inter += x && y ? 1 : 0;
                a += x ? 1 : 0;
                b += y ? 1 : 0;
            }
            assertThat(2.0 * inter / (a + b)).as("Dice of the round trip through a coarser grid").isGreaterThan(0.85);

            // without resampling or cropping the round trip is exact
            PreparedCase exact = new CasePreprocessor(o.withCropToBody(false), LPS.spacingZyx()).prepare(c);
            assertThat(exact.transform().labelsToSource(exact.label()).labels()).containsExactly(lab);
        }
    }
}
