package org.promptseg.model.infer;

import java.util.Arrays;

/**
 * Per-voxel weight of a window's prediction when overlapping windows are blended. Voxels near a
 * window's border saw less context, so the gaussian map trusts the centre most.
 *
 * <p>Gaussian: {@code w(z, y, x) = g_z(z) * g_y(y) * g_x(x)} with {@code g(i) = exp(-(i - c)^2 / (2 sigma^2))},
 * {@code c = (n - 1) / 2} and {@code sigma = fraction * n} for an axis of {@code n} voxels, scaled so
 * the largest weight is 1. The centre is the exact middle (nnU-Net takes {@code n / 2}), which keeps
 * the map mirror-symmetric for even sizes. Weights that would underflow to 0 are raised to the smallest
 * normal float so that every voxel a window covers keeps a positive weight (otherwise a voxel seen only
 * by window corners would have no prediction at all).
 */
final class ImportanceMap {

    private ImportanceMap() {}

    static float[] create(VolumeShape window, InferenceOptions.Weighting weighting, double sigmaFraction) {
        return switch (weighting) {
            case CONSTANT -> constant(window);
            case GAUSSIAN -> gaussian(window, sigmaFraction);
        };
    }

    static float[] constant(VolumeShape window) {
        float[] weights = new float[window.voxelCount()];
        Arrays.fill(weights, 1f);
        return weights;
    }

    static float[] gaussian(VolumeShape window, double sigmaFraction) {
        double[] gz = profile(window.depth(), sigmaFraction);
        double[] gy = profile(window.height(), sigmaFraction);
        double[] gx = profile(window.width(), sigmaFraction);
        float[] weights = new float[window.voxelCount()];
        int i = 0;
        for (double wz : gz) {
            for (double wy : gy) {
                double wzy = wz * wy;
                for (double wx : gx) {
                    weights[i++] = Math.max(Float.MIN_NORMAL, (float) (wzy * wx));
                }
            }
        }
        return weights;
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
}
