package org.promptseg.volume.preprocess;

import org.promptseg.volume.Geometry;
import org.promptseg.volume.Shape;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VoxelArray;

/**
 * Resampling to a target spacing: trilinear for images (separable, one axis at a time), nearest neighbour for labels.
 *
 * <p>Grids are edge-aligned: the new grid covers exactly the same physical extent as the old one, so an axis of n
 * voxels becomes m = round(n · spacing / target) voxels of size n · spacing / m (within half a voxel of the target), and
 * new voxel i samples old continuous index (i + 0.5) · n/m − 0.5 (border values repeat beyond the edge). The returned
 * geometry says where the new voxels really are, so resampling back to the old shape restores the old geometry.
 */
public final class Resampler {
    public enum Interpolation { LINEAR, NEAREST }

    private Resampler() {}

    /** Shape after resampling from {@code spacingZyx} to {@code targetZyx} (at least one voxel per axis). */
    public static Shape shapeFor(Shape s, double[] spacingZyx, double[] targetZyx) {
        int[] n = s.zyx();
        int[] m = new int[3];
        for (int a = 0; a < 3; a++) {
            m[a] = (int) Math.max(1, Math.round(n[a] * spacingZyx[a] / targetZyx[a]));
        }
        return Shape.ofZyx(m);
    }

    public static Volume resample(Volume v, double[] targetSpacingZyx, Interpolation mode) {
        return toShape(v, shapeFor(v.shape(), v.geometry().spacingZyx(), targetSpacingZyx), mode);
    }

    /** Resamples {@code v} onto a grid of {@code target} shape covering the same extent. */
    public static Volume toShape(Volume v, Shape target, Interpolation mode) {
        Shape s = v.shape();
        double sz = (double) s.nz() / target.nz();
        double sy = (double) s.ny() / target.ny();
        double sx = (double) s.nx() / target.nx();
        Geometry g = s.equals(target) ? v.geometry() : v.geometry().subGrid(0.5 * sz - 0.5, 0.5 * sy - 0.5, 0.5 * sx - 0.5, sz, sy, sx);
        if (s.equals(target)) {
            return v;
        }
        return mode == Interpolation.LINEAR
                ? Volume.ofFloats(target, g, linear(v.voxels().toFloats(), s, target))
                : new Volume(target, g, nearest(v.voxels(), s, target));
    }

    private static float[] linear(float[] in, Shape s, Shape t) {
        int nz = s.nz(), ny = s.ny(), nx = s.nx();
        float[] cur = in;
        if (t.nx() != nx) {
            Axis ax = new Axis(nx, t.nx());
            int mx = t.nx();
            float[] out = new float[nz * ny * mx];
            for (int row = 0; row < nz * ny; row++) {
                int ib = row * nx;
                int ob = row * mx;
                for (int i = 0; i < mx; i++) {
                    float w = ax.w[i];
                    out[ob + i] = cur[ib + ax.i0[i]] * (1 - w) + cur[ib + ax.i1[i]] * w;
                }
            }
            cur = out;
            nx = mx;
        }
        if (t.ny() != ny) {
            Axis ax = new Axis(ny, t.ny());
            int my = t.ny();
            float[] out = new float[nz * my * nx];
            for (int z = 0; z < nz; z++) {
                for (int j = 0; j < my; j++) {
                    int r0 = (z * ny + ax.i0[j]) * nx;
                    int r1 = (z * ny + ax.i1[j]) * nx;
                    int ob = (z * my + j) * nx;
                    float w = ax.w[j];
                    for (int x = 0; x < nx; x++) {
                        out[ob + x] = cur[r0 + x] * (1 - w) + cur[r1 + x] * w;
                    }
                }
            }
            cur = out;
            ny = my;
        }
        if (t.nz() != nz) {
            Axis ax = new Axis(nz, t.nz());
            int mz = t.nz();
            int plane = ny * nx;
            float[] out = new float[mz * plane];
            for (int k = 0; k < mz; k++) {
                int p0 = ax.i0[k] * plane;
                int p1 = ax.i1[k] * plane;
                int ob = k * plane;
                float w = ax.w[k];
                for (int i = 0; i < plane; i++) {
                    out[ob + i] = cur[p0 + i] * (1 - w) + cur[p1 + i] * w;
                }
            }
            cur = out;
        }
        return cur == in ? in.clone() : cur;
    }

    private static VoxelArray nearest(VoxelArray in, Shape s, Shape t) {
        int[] iz = nearestIndex(s.nz(), t.nz());
        int[] iy = nearestIndex(s.ny(), t.ny());
        int[] ix = nearestIndex(s.nx(), t.nx());
        VoxelArray out = in.newOfSameType(t.voxelCount());
        int o = 0;
        for (int z = 0; z < t.nz(); z++) {
            for (int y = 0; y < t.ny(); y++) {
                int base = (iz[z] * s.ny() + iy[y]) * s.nx();
                for (int x = 0; x < t.nx(); x++) {
                    in.copyTo(base + ix[x], out, o++);
                }
            }
        }
        return out;
    }

    private static int[] nearestIndex(int n, int m) {
        int[] idx = new int[m];
        double step = (double) n / m;
        for (int i = 0; i < m; i++) {
            double src = (i + 0.5) * step - 0.5;
            idx[i] = (int) Math.min(n - 1, Math.max(0, Math.floor(src + 0.5)));
        }
        return idx;
    }

    /** Per output index along one axis: the two input neighbours and the weight of the second. */
    private static final class Axis {
        final int[] i0;
        final int[] i1;
        final float[] w;

        Axis(int n, int m) {
            i0 = new int[m];
            i1 = new int[m];
            w = new float[m];
            double step = (double) n / m;
            for (int i = 0; i < m; i++) {
                double src = Math.min(n - 1, Math.max(0, (i + 0.5) * step - 0.5));
                int a = (int) Math.floor(src);
                i0[i] = a;
                i1[i] = Math.min(a + 1, n - 1);
                w[i] = (float) (src - a);
            }
        }
    }

    /** Image values rounded to whole HU and clamped to int16: the stored form of patches. */
    public static Volume roundToShorts(Volume v) {
        if (v.voxels() instanceof VoxelArray.Shorts) {
            return v;
        }
        VoxelArray a = v.voxels();
        short[] out = new short[a.length()];
        for (int i = 0; i < out.length; i++) {
            float f = a.get(i);
            out[i] = Float.isNaN(f) ? 0 : (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(f)));
        }
        return Volume.ofShorts(v.shape(), v.geometry(), out);
    }
}
