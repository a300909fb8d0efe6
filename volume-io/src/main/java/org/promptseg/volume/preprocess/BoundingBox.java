package org.promptseg.volume.preprocess;

import java.io.Serializable;
import org.promptseg.volume.Shape;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VoxelArray;

/** A box of voxels [z0, z1) x [y0, y1) x [x0, x1) inside a grid (array order). */
public record BoundingBox(int z0, int y0, int x0, int z1, int y1, int x1) implements Serializable {
    public BoundingBox {
        if (z1 <= z0 || y1 <= y0 || x1 <= x0 || z0 < 0 || y0 < 0 || x0 < 0) {
            throw new IllegalArgumentException("empty or negative bounding box " + z0 + ".." + z1 + ", " + y0 + ".." + y1 + ", " + x0 + ".." + x1);
        }
    }

    public static BoundingBox whole(Shape s) {
        return new BoundingBox(0, 0, 0, s.nz(), s.ny(), s.nx());
    }

    public Shape shape() {
        return new Shape(z1 - z0, y1 - y0, x1 - x0);
    }

    /**
     * Bounding box of the voxels above {@code thresholdHu} (the body, for CT), grown by {@code margin} voxels and
     * clipped to the grid; the whole grid if no voxel is above the threshold.
     */
    public static BoundingBox ofBody(Volume image, double thresholdHu, int margin) {
        Shape s = image.shape();
        int z0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x0 = Integer.MAX_VALUE;
        int z1 = -1, y1 = -1, x1 = -1;
        VoxelArray v = image.voxels();
        int i = 0;
        for (int z = 0; z < s.nz(); z++) {
            for (int y = 0; y < s.ny(); y++) {
                for (int x = 0; x < s.nx(); x++, i++) {
                    if (v.get(i) > thresholdHu) {
                        z0 = Math.min(z0, z);
                        z1 = Math.max(z1, z);
                        y0 = Math.min(y0, y);
                        y1 = Math.max(y1, y);
                        x0 = Math.min(x0, x);
                        x1 = Math.max(x1, x);
                    }
                }
            }
        }
        if (z1 < 0) {
            return whole(s);
        }
        return new BoundingBox(Math.max(0, z0 - margin), Math.max(0, y0 - margin), Math.max(0, x0 - margin),
                Math.min(s.nz(), z1 + 1 + margin), Math.min(s.ny(), y1 + 1 + margin), Math.min(s.nx(), x1 + 1 + margin));
    }

    /** The part of {@code v} inside this box, with its geometry shifted so every voxel keeps its world position. */
    public Volume crop(Volume v) {
        Shape s = v.shape();
        if (z1 > s.nz() || y1 > s.ny() || x1 > s.nx()) {
            throw new IllegalArgumentException("bounding box " + this + " exceeds the volume " + s);
        }
        Shape out = shape();
        VoxelArray src = v.voxels();
        VoxelArray dst = src.newOfSameType(out.voxelCount());
        int o = 0;
        for (int z = z0; z < z1; z++) {
            for (int y = y0; y < y1; y++) {
                int base = s.index(z, y, x0);
                copyRow(src, base, dst, o, x1 - x0);
                o += x1 - x0;
            }
        }
        return new Volume(out, v.geometry().subGrid(z0, y0, x0, 1, 1, 1), dst);
    }

    /** Puts {@code cropped} (this box's shape) back into a grid of {@code full} shape, everything else {@code fill}. */
    public Volume uncrop(Volume cropped, Shape full, org.promptseg.volume.Geometry fullGeometry, float fill) {
        if (!cropped.shape().equals(shape())) {
            throw new IllegalArgumentException("volume " + cropped.shape() + " does not have the bounding box's shape " + shape());
        }
        VoxelArray src = cropped.voxels();
        VoxelArray dst = src.newOfSameType(full.voxelCount());
        if (fill != 0) {
            fill(dst, fill);
        }
        int o = 0;
        for (int z = z0; z < z1; z++) {
            for (int y = y0; y < y1; y++) {
                copyRow(src, o, dst, full.index(z, y, x0), x1 - x0);
                o += x1 - x0;
            }
        }
        return new Volume(full, fullGeometry, dst);
    }

    static void copyRow(VoxelArray src, int from, VoxelArray dst, int to, int n) {
        if (src instanceof VoxelArray.Shorts s) {
            System.arraycopy(s.values(), from, ((VoxelArray.Shorts) dst).values(), to, n);
        } else if (src instanceof VoxelArray.Floats f) {
            System.arraycopy(f.values(), from, ((VoxelArray.Floats) dst).values(), to, n);
        } else {
            System.arraycopy(((VoxelArray.UnsignedBytes) src).values(), from, ((VoxelArray.UnsignedBytes) dst).values(), to, n);
        }
    }

    private static void fill(VoxelArray a, float value) {
        if (a instanceof VoxelArray.Shorts s) {
            java.util.Arrays.fill(s.values(), (short) value);
        } else if (a instanceof VoxelArray.Floats f) {
            java.util.Arrays.fill(f.values(), value);
        } else {
            java.util.Arrays.fill(((VoxelArray.UnsignedBytes) a).values(), (byte) value);
        }
    }
}
