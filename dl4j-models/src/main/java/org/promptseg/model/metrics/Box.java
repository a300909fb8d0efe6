package org.promptseg.model.metrics;

import org.promptseg.model.infer.VolumeShape;

/** An axis-aligned box of voxels, bounds inclusive: where a class has voxels in either label map. */
record Box(int z0, int z1, int y0, int y1, int x0, int x1) {

    VolumeShape shape() {
        return new VolumeShape(z1 - z0 + 1, y1 - y0 + 1, x1 - x0 + 1);
    }

    /** The box's part of a label map as a mask of {@code label}, in the box's own (z, y, x) order. */
    boolean[] crop(byte[] labels, VolumeShape of, byte label) {
        VolumeShape size = shape();
        boolean[] mask = new boolean[size.voxelCount()];
        int j = 0;
        for (int z = z0; z <= z1; z++) {
            for (int y = y0; y <= y1; y++) {
                int i = (z * of.height() + y) * of.width() + x0;
                for (int x = x0; x <= x1; x++, i++, j++) {
                    mask[j] = labels[i] == label;
                }
            }
        }
        return mask;
    }
}
