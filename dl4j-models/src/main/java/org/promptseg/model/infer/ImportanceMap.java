package org.promptseg.model.infer;

import java.util.Arrays;

/**
 * Per-voxel weight of a window's prediction when overlapping windows are blended. Voxels near a
 * window's border saw less context, so the gaussian map trusts the centre most.
 *
 * <p>Gaussian: {@code w(z, y, x) = g_z(z) * g_y(y) * g_x(x)} with {@code g(i) = exp(-(i - c)^2 / (2 sigma^2))},
 * {@code c = (n - 1) / 2} and {@code sigma = fraction * n} for an axis of {@code n} voxels, scaled so
 * the largest weight is 1. The centre is the exact middle (nnU-Net takes {@code n / 2}), which keeps
 * the map mirror-symmetric for even sizes.
 *
 * <p>The map is kept separable, as {@code rowFactor(z, y) * alongX(x)}: blending then runs along x in
 * one flat multiply-add over the channel-last prediction, which the JIT vectorises. Each factor is
 * at least 2^-63, so every weight is at least the smallest normal float and every voxel a window
 * covers keeps a positive weight (otherwise a voxel seen only by window corners, with a small sigma,
 * would get no prediction at all).
 */
final class ImportanceMap {

    private static final float MIN_FACTOR = Math.scalb(1f, -63);

    private final VolumeShape window;
    private final float[] rowFactors;
    private final float[] alongX;

    private ImportanceMap(VolumeShape window, float[] rowFactors, float[] alongX) {
        this.window = window;
        this.rowFactors = rowFactors;
        this.alongX = alongX;
    }

    static ImportanceMap create(VolumeShape window, InferenceOptions.Weighting weighting, double sigmaFraction) {
        return switch (weighting) {
            case CONSTANT -> constant(window);
            case GAUSSIAN -> gaussian(window, sigmaFraction);
        };
    }

    static ImportanceMap constant(VolumeShape window) {
        float[] rows = new float[window.depth() * window.height()];
        float[] x = new float[window.width()];
        Arrays.fill(rows, 1f);
        Arrays.fill(x, 1f);
        return new ImportanceMap(window, rows, x);
    }

    static ImportanceMap gaussian(VolumeShape window, double sigmaFraction) {
        double[] gz = profile(window.depth(), sigmaFraction);
        double[] gy = profile(window.height(), sigmaFraction);
        double[] gx = profile(window.width(), sigmaFraction);
        float[] rows = new float[window.depth() * window.height()];
        for (int z = 0; z < gz.length; z++) {
            for (int y = 0; y < gy.length; y++) {
                rows[z * gy.length + y] = Math.max(MIN_FACTOR, (float) (gz[z] * gy[y]));
            }
        }
        float[] x = new float[gx.length];
        for (int i = 0; i < gx.length; i++) {
            x[i] = Math.max(MIN_FACTOR, (float) gx[i]);
        }
        return new ImportanceMap(window, rows, x);
    }

    /** One axis of the gaussian, divided by its maximum (the one or two middle voxels). */
    static double[] profile(int size, double sigmaFraction) {
        double sigma = sigmaFraction * size;
        double centre = (size - 1) / 2.0;
        double[] g = new double[size];
        double max = 0;
        for (int i = 0; i < size; i++) {
            double d = i - centre;
            g[i] = Math.exp(-d * d / (2 * sigma * sigma));
            max = Math.max(max, g[i]);
        }
        for (int i = 0; i < size; i++) {
            g[i] /= max;
        }
        return g;
    }

    /** The weight of window voxel (z, y, x): exactly the product blending uses. */
    float weight(int z, int y, int x) {
        return rowFactor(z, y) * alongX[x];
    }

    float rowFactor(int z, int y) {
        return rowFactors[z * window.height() + y];
    }

    /** The x factor of every window column; shared, do not modify. */
    float[] alongX() {
        return alongX;
    }

    /** The x factors repeated for each of {@code channels} channels, matching a channel-last row. */
    float[] alongXPerChannel(int channels) {
        float[] expanded = new float[alongX.length * channels];
        for (int x = 0; x < alongX.length; x++) {
            Arrays.fill(expanded, x * channels, (x + 1) * channels, alongX[x]);
        }
        return expanded;
    }
}
