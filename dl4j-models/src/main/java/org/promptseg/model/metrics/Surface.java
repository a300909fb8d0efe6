package org.promptseg.model.metrics;

import java.util.Arrays;
import org.promptseg.model.infer.VolumeShape;

/**
 * Surface voxels of a binary mask: mask voxels with at least one of their 6 face neighbours outside
 * the mask or outside the grid. (Face connectivity: a voxel touching the background only along an
 * edge or a corner is interior. This is what eroding with the 6-connected cross removes.)
 */
final class Surface {

    private Surface() {}

    /** Flat indices of the surface voxels, ascending. */
    static int[] voxels(boolean[] mask, VolumeShape shape) {
        int d = shape.depth();
        int h = shape.height();
        int w = shape.width();
        int plane = shape.planeSize();
        int[] found = new int[64];
        int count = 0;
        for (int z = 0; z < d; z++) {
            for (int y = 0; y < h; y++) {
                int row = (z * h + y) * w;
                for (int x = 0; x < w; x++) {
                    int i = row + x;
                    if (!mask[i]) {
                        continue;
                    }
                    boolean interior = x > 0 && mask[i - 1] && x < w - 1 && mask[i + 1]
                            && y > 0 && mask[i - w] && y < h - 1 && mask[i + w]
                            && z > 0 && mask[i - plane] && z < d - 1 && mask[i + plane];
                    if (!interior) {
                        if (count == found.length) {
                            found = Arrays.copyOf(found, count * 2);
                        }
                        found[count++] = i;
                    }
                }
            }
        }
        return Arrays.copyOf(found, count);
    }

    /** The same voxels as a mask, the feature set of a distance transform. */
    static boolean[] asMask(int[] voxels, int size) {
        boolean[] mask = new boolean[size];
        for (int i : voxels) {
            mask[i] = true;
        }
        return mask;
    }
}
