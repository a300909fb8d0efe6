package org.promptseg.model.infer;

import org.promptseg.model.ModelConfigException;
import org.promptseg.volume.Shape;

/**
 * Extent of a (z, y, x) voxel grid, x fastest in memory: voxel (z, y, x) lives at
 * {@code (z * height + y) * width + x}.
 */
public record VolumeShape(int depth, int height, int width) {

    public VolumeShape {
        requirePositive("depth", depth);
        requirePositive("height", height);
        requirePositive("width", width);
        if ((long) depth * height * width > Integer.MAX_VALUE) {
            throw new ModelConfigException("volume shape", "at most " + Integer.MAX_VALUE + " voxels (one Java array)",
                    depth + "x" + height + "x" + width);
        }
    }

    /** The same extent as volume-io's {@link Shape}. */
    public static VolumeShape of(Shape shape) {
        return new VolumeShape(shape.nz(), shape.ny(), shape.nx());
    }

    public static VolumeShape cube(int edge) {
        return new VolumeShape(edge, edge, edge);
    }

    public int voxelCount() {
        return depth * height * width;
    }

    public int planeSize() {
        return height * width;
    }

    /** Size along an axis, so that per-axis code can loop over {@link Axis#values()}. */
    public int size(Axis axis) {
        return switch (axis) {
            case Z -> depth;
            case Y -> height;
            case X -> width;
        };
    }

    /** Checks that a flat array holds exactly this many voxels; {@code field} names it in the error. */
    public void requireLength(String field, int length) {
        if (length != voxelCount()) {
            throw new ModelConfigException(field, voxelCount() + " voxels for shape " + this, length + " voxels");
        }
    }

    @Override
    public String toString() {
        return depth + "x" + height + "x" + width + " (z, y, x)";
    }

    private static void requirePositive(String field, int value) {
        if (value < 1) {
            throw new ModelConfigException("volume " + field, "at least 1 voxel", value);
        }
    }
}
