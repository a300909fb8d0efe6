package org.promptseg.model.infer;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Mirror test-time augmentation: the batch is predicted once per combination of mirrored axes
 * (input flipped, prediction flipped back) and the predictions are averaged. A flip is its own
 * inverse, so one routine serves both directions.
 */
final class Mirroring {

    private Mirroring() {}

    /** Every subset of {@code axes}, the empty one (no flip) first; 2^k of them. */
    static List<Set<Axis>> combinations(Set<Axis> axes) {
        List<Set<Axis>> subsets = new ArrayList<>();
        subsets.add(EnumSet.noneOf(Axis.class));
        for (Axis axis : Axis.values()) {
            if (!axes.contains(axis)) {
                continue;
            }
            int existing = subsets.size();
            for (int i = 0; i < existing; i++) {
                Set<Axis> with = EnumSet.copyOf(subsets.get(i));
                with.add(axis);
                subsets.add(with);
            }
        }
        return subsets;
    }

    /**
     * Writes {@code count} windows of {@code src} (NDHWC with {@code channels} channels) into
     * {@code dst} mirrored along {@code flips}; with {@code accumulate} the mirrored values are added
     * to {@code dst} instead of replacing it.
     */
    static void flip(float[] src, float[] dst, int count, VolumeShape window, int channels, Set<Axis> flips,
                     boolean accumulate) {
        boolean fz = flips.contains(Axis.Z);
        boolean fy = flips.contains(Axis.Y);
        boolean fx = flips.contains(Axis.X);
        int d = window.depth();
        int h = window.height();
        int w = window.width();
        int row = w * channels;
        for (int n = 0; n < count; n++) {
            int windowBase = n * window.voxelCount() * channels;
            for (int z = 0; z < d; z++) {
                int sz = fz ? d - 1 - z : z;
                for (int y = 0; y < h; y++) {
                    int sy = fy ? h - 1 - y : y;
                    int dstRow = windowBase + (z * h + y) * row;
                    int srcRow = windowBase + (sz * h + sy) * row;
                    if (!fx) {
                        if (accumulate) {
                            for (int j = 0; j < row; j++) {
                                dst[dstRow + j] += src[srcRow + j];
                            }
                        } else {
                            System.arraycopy(src, srcRow, dst, dstRow, row);
                        }
                        continue;
                    }
                    for (int x = 0; x < w; x++) {
                        int s = srcRow + (fx ? w - 1 - x : x) * channels;
                        int t = dstRow + x * channels;
                        for (int c = 0; c < channels; c++) {
                            dst[t + c] = accumulate ? dst[t + c] + src[s + c] : src[s + c];
                        }
                    }
                }
            }
        }
    }
}
