package org.promptseg.model.infer;

import java.util.Arrays;

/**
 * Copies a window out of the volume into the predictor's input layout ({@code [d, h, w, 1]}, x
 * fastest). Voxels outside the volume — only where the volume is smaller than the window — get the
 * padding value: 0, which after CT normalisation is the dataset's mean intensity (nnU-Net pads the
 * same way), so the network sees no artificial edge.
 */
final class WindowExtractor {

    static final float PADDING = 0f;

    private WindowExtractor() {}

    static void copy(float[] voxels, VolumeShape volume, WindowPlan.Window window, VolumeShape size, float[] dst,
                     int offset) {
        int x0 = Math.max(0, window.x());
        int x1 = Math.min(volume.width(), window.x() + size.width());
        int before = x0 - window.x();
        int run = x1 - x0;
        int row = offset;
        for (int wz = 0; wz < size.depth(); wz++) {
            int z = window.z() + wz;
            for (int wy = 0; wy < size.height(); wy++, row += size.width()) {
                int y = window.y() + wy;
                if (z < 0 || z >= volume.depth() || y < 0 || y >= volume.height()) {
                    Arrays.fill(dst, row, row + size.width(), PADDING);
                    continue;
                }
                if (before > 0) {
                    Arrays.fill(dst, row, row + before, PADDING);
                }
                System.arraycopy(voxels, (z * volume.height() + y) * volume.width() + x0, dst, row + before, run);
                if (before + run < size.width()) {
                    Arrays.fill(dst, row + before + run, row + size.width(), PADDING);
                }
            }
        }
    }
}
