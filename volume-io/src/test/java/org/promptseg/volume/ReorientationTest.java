package org.promptseg.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("orientation codes and reorientation")
class ReorientationTest {
    /** All 48 axis-aligned orientations: 6 permutations x 8 sign combinations. */
    static Stream<String> allOrientations() {
        String[][] letters = {{"R", "L"}, {"A", "P"}, {"S", "I"}};
        int[][] perms = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
        List<String> codes = new ArrayList<>();
        for (int[] p : perms) {
            for (int s = 0; s < 8; s++) {
                codes.add(letters[p[0]][s & 1] + letters[p[1]][(s >> 1) & 1] + letters[p[2]][(s >> 2) & 1]);
            }
        }
        return codes.stream();
    }

    /** A geometry with the given orientation code, voxel sizes 0.5/0.8/2.0 along i/j/k and an arbitrary offset. */
    static Geometry geometryWith(String code) {
        Orientation o = Orientation.parse(code);
        double[] sizes = {0.5, 0.8, 2.0};
        double[] lin = new double[9];
        for (int v = 0; v < 3; v++) {
            lin[3 * o.worldAxis(v) + v] = o.sign(v) * sizes[v];
        }
        return new Geometry(Affine.of(lin, new double[] {-12.5, 30, 7.25}));
    }

    static Volume ramp(Shape s, Geometry g) {
        short[] v = new short[s.voxelCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (short) i;
        }
        return Volume.ofShorts(s, g, v);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allOrientations")
    @DisplayName("every axis-aligned orientation: RAS result, every voxel keeps its world position, exact inverse")
    void roundTrip(String code) {
        Geometry g = geometryWith(code);
        assertThat(g.orientation().code()).isEqualTo(code);
        Shape s = new Shape(3, 4, 5);
        Volume src = ramp(s, g);
        Reorientation r = Reorientation.toCanonical(src);
        Volume ras = r.apply(src);
        assertThat(ras.geometry().orientation()).isEqualTo(Orientation.RAS);
        assertThat(r.isIdentity()).isEqualTo(code.equals("RAS"));
        // the voxel holding value i is at the same world point before and after
        for (int z = 0; z < ras.shape().nz(); z++) {
            for (int y = 0; y < ras.shape().ny(); y++) {
                for (int x = 0; x < ras.shape().nx(); x++) {
                    int i = (int) ras.value(z, y, x);
                    int sx = i % s.nx();
                    int sy = (i / s.nx()) % s.ny();
                    int sz = i / (s.nx() * s.ny());
                    double[] before = g.worldOfZyx(sz, sy, sx);
                    double[] after = ras.geometry().worldOfZyx(z, y, x);
                    for (int a = 0; a < 3; a++) {
                        assertThat(after[a]).isCloseTo(before[a], within(1e-9));
                    }
                }
            }
        }
        // RAS spacing is the source spacing sorted by world axis
        Volume back = r.invert(ras);
        assertThat(back.geometry()).isSameAs(g);
        assertThat(back.shorts()).containsExactly(src.shorts());
    }

    @Test
    @DisplayName("labels and floats are moved the same way as int16 images")
    void allStorageTypes() {
        Geometry g = geometryWith("PIL");
        Shape s = new Shape(2, 3, 4);
        byte[] lab = new byte[s.voxelCount()];
        float[] f = new float[s.voxelCount()];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = (byte) (200 + i);
            f[i] = i;
        }
        Reorientation r = Reorientation.toCanonical(s, g);
        Volume l = r.apply(Volume.ofLabels(s, g, lab));
        Volume fl = r.apply(Volume.ofFloats(s, g, f));
        for (int i = 0; i < l.shape().voxelCount(); i++) {
            assertThat(l.voxels().get(i)).isEqualTo((200 + fl.voxels().get(i)) % 256);
        }
        assertThat(r.invert(l).labels()).containsExactly(lab);
    }

    @Nested
    @DisplayName("orientation of oblique affines")
    class Oblique {
        @Test
        @DisplayName("a 20-degree rotation keeps the closest axis-aligned code")
        void closest() {
            double c = Math.cos(Math.toRadians(20));
            double s = Math.sin(Math.toRadians(20));
            Affine a = Affine.of(new double[] {-c, s, 0, s, c, 0, 0, 0, 1}, new double[3]);
            assertThat(Orientation.of(a).code()).isEqualTo("LAS");
        }

        @Test
        @DisplayName("parsing rejects codes that repeat an axis")
        void parse() {
            assertThat(Orientation.parse("lps").code()).isEqualTo("LPS");
            assertThatThrownBy(() -> Orientation.parse("RRS")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Orientation.parse("RA")).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        @DisplayName("a singular affine has no orientation")
        void singular() {
            assertThatThrownBy(() -> Orientation.of(Affine.scaling(1, 0, 1))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    @DisplayName("corner distance measures geometry differences in mm")
    void cornerDistance() {
        Shape s = new Shape(10, 10, 10);
        Geometry a = Geometry.axisAligned(1, 1, 1, 0, 0, 0);
        Geometry b = Geometry.axisAligned(1, 1, 1.01, 0, 0, 0.5);
        assertThat(a.maxCornerDistanceMm(b, s)).isCloseTo(0.5 + 0.09, within(1e-9));
        assertThat(a.maxCornerDistanceMm(a, s)).isZero();
    }
}
