package org.promptseg.volume.preprocess;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One random view of a training patch for self-supervised pretraining (contrastive prototype assignment):
 * an axis-aligned crop of the patch, optionally mirrored per axis, resampled back to the patch size
 * (so a smaller crop is a zoom: the cheap part of an affine augmentation), then an intensity change,
 * Gaussian noise and cut-out holes.
 *
 * <p>The geometry is kept, not only the pixels: {@link #toPatch} maps a view voxel to continuous patch
 * coordinates and {@link #toView} back, so two views of the same patch know which of their voxels show
 * the same tissue (the correspondence the CPA loss needs). Coordinates are voxel indices (the centre of
 * voxel {@code i} is {@code i}), in (z, y, x) order like the patch arrays.
 *
 * <p>All randomness is drawn when the view is created, from the caller's generator: the same seed gives
 * the same view, pixels included.
 */
public final class PatchView {
    /**
     * How strong a view's augmentation is.
     *
     * @param cropMin       smallest crop edge as a fraction of the patch edge (per axis, drawn independently)
     * @param cropMax       largest crop edge fraction (1 = the whole patch)
     * @param flip          probability of mirroring each axis
     * @param intensity     largest relative intensity scale change and additive shift (normalised units): x·(1±a) ± a
     * @param noise         standard deviation of added Gaussian noise (normalised units)
     * @param holes         number of cut-out boxes set to 0 (the normalised mean)
     * @param holeSize      largest hole edge as a fraction of the patch edge
     */
    public record Augmentation(double cropMin, double cropMax, double flip, double intensity, double noise, int holes, double holeSize)
            implements Serializable {
        public Augmentation {
            if (!(cropMin > 0 && cropMin <= cropMax && cropMax <= 1)) {
                throw new IllegalArgumentException("crop fractions must satisfy 0 < min <= max <= 1, got [" + cropMin + ", " + cropMax + "]");
            }
            if (flip < 0 || flip > 1 || intensity < 0 || noise < 0 || holes < 0 || holeSize < 0 || holeSize > 1) {
                throw new IllegalArgumentException("augmentation out of range: flip " + flip + ", intensity " + intensity + ", noise " + noise
                        + ", holes " + holes + ", hole size " + holeSize);
            }
        }

        /** The identity view: the whole patch, unchanged. */
        public static Augmentation none() {
            return new Augmentation(1, 1, 0, 0, 0, 0, 0);
        }
    }

    private final int[] size;
    private final double[] start;
    private final double[] extent;
    private final boolean[] flip;
    private final double scale;
    private final double shift;
    private final double noise;
    private final long noiseSeed;
    private final int[][] holes; // {z0, y0, x0, z1, y1, x1} half-open, in view voxels

    private PatchView(int[] size, double[] start, double[] extent, boolean[] flip, double scale, double shift, double noise, long noiseSeed,
                      int[][] holes) {
        this.size = size.clone();
        this.start = start;
        this.extent = extent;
        this.flip = flip;
        this.scale = scale;
        this.shift = shift;
        this.noise = noise;
        this.noiseSeed = noiseSeed;
        this.holes = holes;
    }

    /** A view of a patch of {@code sizeZyx} voxels drawn with augmentation {@code a}. */
    public static PatchView random(int[] sizeZyx, Augmentation a, SplittableRandom rnd) {
        double[] start = new double[3];
        double[] extent = new double[3];
        boolean[] flip = new boolean[3];
        for (int d = 0; d < 3; d++) {
            double f = a.cropMin() == a.cropMax() ? a.cropMin() : a.cropMin() + rnd.nextDouble() * (a.cropMax() - a.cropMin());
            extent[d] = f * sizeZyx[d];
            start[d] = rnd.nextDouble() * (sizeZyx[d] - extent[d]);
            flip[d] = a.flip() > 0 && rnd.nextDouble() < a.flip();
        }
        double scale = 1 + (a.intensity() > 0 ? (2 * rnd.nextDouble() - 1) * a.intensity() : 0);
        double shift = a.intensity() > 0 ? (2 * rnd.nextDouble() - 1) * a.intensity() : 0;
        long noiseSeed = rnd.nextLong();
        int[][] holes = new int[a.holes()][];
        for (int h = 0; h < a.holes(); h++) {
            int[] box = new int[6];
            for (int d = 0; d < 3; d++) {
                int edge = Math.max(1, (int) Math.round(rnd.nextDouble() * a.holeSize() * sizeZyx[d]));
                box[d] = rnd.nextInt(Math.max(1, sizeZyx[d] - edge + 1));
                box[d + 3] = Math.min(sizeZyx[d], box[d] + edge);
            }
            holes[h] = box;
        }
        return new PatchView(sizeZyx, start, extent, flip, scale, shift, a.noise(), noiseSeed, holes);
    }

    /** A view with an explicit crop box (start and extent in patch voxels, edges of voxels) and no intensity change (tests). */
    public static PatchView crop(int[] sizeZyx, double[] start, double[] extent, boolean[] flip) {
        return new PatchView(sizeZyx, start.clone(), extent.clone(), flip.clone(), 1, 0, 0, 0, new int[0][]);
    }

    public int[] size() {
        return size.clone();
    }

    /** Continuous patch coordinates (z, y, x) of a view position given in view voxel coordinates. */
    public double[] toPatch(double[] viewZyx) {
        double[] p = new double[3];
        for (int d = 0; d < 3; d++) {
            double u = (viewZyx[d] + 0.5) / size[d];
            if (flip[d]) {
                u = 1 - u;
            }
            p[d] = start[d] + u * extent[d] - 0.5;
        }
        return p;
    }

    /** Inverse of {@link #toPatch}: view voxel coordinates of a patch position (may lie outside the view). */
    public double[] toView(double[] patchZyx) {
        double[] v = new double[3];
        for (int d = 0; d < 3; d++) {
            double u = (patchZyx[d] + 0.5 - start[d]) / extent[d];
            if (flip[d]) {
                u = 1 - u;
            }
            v[d] = u * size[d] - 0.5;
        }
        return v;
    }

    /** The view of a normalised patch image ({@code size} voxels, x fastest): trilinear resampling, intensity, noise, holes. */
    public float[] image(float[] patch) {
        requireLength(patch.length, "image");
        float[] out = new float[patch.length];
        int nz = size[0];
        int ny = size[1];
        int nx = size[2];
        // per-axis source coordinates: the mapping is separable, so compute each axis once
        double[][] src = new double[3][];
        for (int d = 0; d < 3; d++) {
            src[d] = new double[size[d]];
            for (int i = 0; i < size[d]; i++) {
                double[] v = new double[3];
                v[d] = i;
                src[d][i] = clamp(toPatch(v)[d], size[d]);
            }
        }
        SplittableRandom rnd = new SplittableRandom(noiseSeed);
        for (int z = 0; z < nz; z++) {
            double sz = src[0][z];
            int z0 = (int) Math.floor(sz);
            int z1 = Math.min(z0 + 1, nz - 1);
            double fz = sz - z0;
            for (int y = 0; y < ny; y++) {
                double sy = src[1][y];
                int y0 = (int) Math.floor(sy);
                int y1 = Math.min(y0 + 1, ny - 1);
                double fy = sy - y0;
                for (int x = 0; x < nx; x++) {
                    double sx = src[2][x];
                    int x0 = (int) Math.floor(sx);
                    int x1 = Math.min(x0 + 1, nx - 1);
                    double fx = sx - x0;
                    double c00 = lerp(patch[(z0 * ny + y0) * nx + x0], patch[(z0 * ny + y0) * nx + x1], fx);
                    double c01 = lerp(patch[(z0 * ny + y1) * nx + x0], patch[(z0 * ny + y1) * nx + x1], fx);
                    double c10 = lerp(patch[(z1 * ny + y0) * nx + x0], patch[(z1 * ny + y0) * nx + x1], fx);
                    double c11 = lerp(patch[(z1 * ny + y1) * nx + x0], patch[(z1 * ny + y1) * nx + x1], fx);
                    double value = lerp(lerp(c00, c01, fy), lerp(c10, c11, fy), fz);
                    value = value * scale + shift;
                    if (noise > 0) {
                        value += noise * gaussian(rnd);
                    }
                    out[(z * ny + y) * nx + x] = (float) value;
                }
            }
        }
        for (int[] h : holes) {
            for (int z = h[0]; z < h[3]; z++) {
                for (int y = h[1]; y < h[4]; y++) {
                    Arrays.fill(out, (z * ny + y) * nx + h[2], (z * ny + y) * nx + h[5], 0f);
                }
            }
        }
        return out;
    }

    /** The view of a label patch: nearest-neighbour resampling with the view's geometry (holes and intensity do not change labels). */
    public byte[] labels(byte[] patch) {
        requireLength(patch.length, "label");
        byte[] out = new byte[patch.length];
        int ny = size[1];
        int nx = size[2];
        int[][] src = new int[3][];
        for (int d = 0; d < 3; d++) {
            src[d] = new int[size[d]];
            for (int i = 0; i < size[d]; i++) {
                double[] v = new double[3];
                v[d] = i;
                src[d][i] = (int) Math.round(clamp(toPatch(v)[d], size[d]));
            }
        }
        for (int z = 0; z < size[0]; z++) {
            for (int y = 0; y < ny; y++) {
                for (int x = 0; x < nx; x++) {
                    out[(z * ny + y) * nx + x] = patch[(src[0][z] * ny + src[1][y]) * nx + src[2][x]];
                }
            }
        }
        return out;
    }

    private void requireLength(int n, String what) {
        if (n != size[0] * size[1] * size[2]) {
            throw new IllegalArgumentException(what + " patch has " + n + " voxels, the view is built for " + Arrays.toString(size));
        }
    }

    private static double clamp(double v, int n) {
        return Math.max(0, Math.min(n - 1, v));
    }

    private static double lerp(double a, double b, double f) {
        return a + (b - a) * f;
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller: SplittableRandom has no nextGaussian in Java 17
        double u = 1 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
