package org.promptseg.model.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.promptseg.model.infer.VolumeShape;

/**
 * Quadratic-time references, written as directly from the definitions as possible and used only to
 * check the fast implementations on small grids.
 */
final class BruteForce {

    private BruteForce() {}

    /** Squared distance (mm²) from every voxel to the nearest feature voxel, by trying them all. */
    static double[] squaredDistances(boolean[] feature, VolumeShape shape, Spacing s) {
        List<int[]> features = coordinates(feature, shape);
        double[] out = new double[shape.voxelCount()];
        int i = 0;
        for (int z = 0; z < shape.depth(); z++) {
            for (int y = 0; y < shape.height(); y++) {
                for (int x = 0; x < shape.width(); x++, i++) {
                    double best = Double.POSITIVE_INFINITY;
                    for (int[] f : features) {
                        best = Math.min(best, squared(z - f[0], y - f[1], x - f[2], s));
                    }
                    out[i] = best;
                }
            }
        }
        return out;
    }

    /** Surface by definition: in the mask, and some face neighbour is outside the grid or the mask. */
    static boolean[] surface(boolean[] mask, VolumeShape shape) {
        boolean[] surface = new boolean[mask.length];
        int[][] faces = {{-1, 0, 0}, {1, 0, 0}, {0, -1, 0}, {0, 1, 0}, {0, 0, -1}, {0, 0, 1}};
        int i = 0;
        for (int z = 0; z < shape.depth(); z++) {
            for (int y = 0; y < shape.height(); y++) {
                for (int x = 0; x < shape.width(); x++, i++) {
                    if (!mask[i]) {
                        continue;
                    }
                    for (int[] f : faces) {
                        int nz = z + f[0];
                        int ny = y + f[1];
                        int nx = x + f[2];
                        boolean inside = nz >= 0 && ny >= 0 && nx >= 0 && nz < shape.depth() && ny < shape.height() && nx < shape.width();
                        if (!inside || !mask[(nz * shape.height() + ny) * shape.width() + nx]) {
                            surface[i] = true;
                        }
                    }
                }
            }
        }
        return surface;
    }

    /** Distances (mm) from every surface voxel of {@code from} to the nearest surface voxel of {@code to}. */
    static double[] directed(boolean[] from, boolean[] to, VolumeShape shape, Spacing s) {
        List<int[]> a = coordinates(surface(from, shape), shape);
        List<int[]> b = coordinates(surface(to, shape), shape);
        double[] d = new double[a.size()];
        for (int i = 0; i < a.size(); i++) {
            double best = Double.POSITIVE_INFINITY;
            for (int[] q : b) {
                best = Math.min(best, squared(a.get(i)[0] - q[0], a.get(i)[1] - q[1], a.get(i)[2] - q[2], s));
            }
            d[i] = Math.sqrt(best);
        }
        return d;
    }

    /** numpy.percentile(values, q) with the default linear method. */
    static double percentile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double rank = q / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    static double hd95(boolean[] reference, boolean[] prediction, VolumeShape shape, Spacing s) {
        return Math.max(percentile(directed(reference, prediction, shape, s), 95),
                percentile(directed(prediction, reference, shape, s), 95));
    }

    private static double squared(int dz, int dy, int dx, Spacing s) {
        double z = dz * s.z();
        double y = dy * s.y();
        double x = dx * s.x();
        return z * z + y * y + x * x;
    }

    private static List<int[]> coordinates(boolean[] mask, VolumeShape shape) {
        List<int[]> list = new ArrayList<>();
        int i = 0;
        for (int z = 0; z < shape.depth(); z++) {
            for (int y = 0; y < shape.height(); y++) {
                for (int x = 0; x < shape.width(); x++, i++) {
                    if (mask[i]) {
                        list.add(new int[] {z, y, x});
                    }
                }
            }
        }
        return list;
    }
}
