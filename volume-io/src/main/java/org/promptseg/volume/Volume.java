package org.promptseg.volume;

import java.io.Serializable;
import java.util.Objects;

/**
 * One 3D image or label map in memory: its {@link Shape} in (z, y, x) order, its {@link Geometry} (voxel-to-world
 * affine) and its flat voxel values, x fastest — the same order as NIfTI data on disk, so voxel (z, y, x) is at
 * {@code shape.index(z, y, x) = (z * ny + y) * nx + x}. Values are real (scaled) values; see {@link VoxelArray}.
 *
 * <p>The arrays are shared, not copied: treat a volume handed to you as read-only unless you made it.
 */
public record Volume(Shape shape, Geometry geometry, VoxelArray voxels) implements Serializable {
    public Volume {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(geometry, "geometry");
        Objects.requireNonNull(voxels, "voxels");
        if (voxels.length() != shape.voxelCount()) {
            throw new IllegalArgumentException("volume of shape " + shape + " needs " + shape.voxelCount() + " voxels, got " + voxels.length());
        }
    }

    public static Volume ofFloats(Shape shape, Geometry geometry, float[] values) {
        return new Volume(shape, geometry, new VoxelArray.Floats(values));
    }

    public static Volume ofShorts(Shape shape, Geometry geometry, short[] values) {
        return new Volume(shape, geometry, new VoxelArray.Shorts(values));
    }

    /** A label map: {@code values} hold unsigned labels 0..255. */
    public static Volume ofLabels(Shape shape, Geometry geometry, byte[] values) {
        return new Volume(shape, geometry, new VoxelArray.UnsignedBytes(values));
    }

    public float value(int z, int y, int x) {
        return voxels.get(shape.index(z, y, x));
    }

    /** The values as int16 if stored so, else an {@link IllegalStateException} naming the actual storage. */
    public short[] shorts() {
        if (voxels instanceof VoxelArray.Shorts s) {
            return s.values();
        }
        throw new IllegalStateException("volume holds " + voxels.getClass().getSimpleName() + ", not int16 values");
    }

    public float[] floats() {
        if (voxels instanceof VoxelArray.Floats f) {
            return f.values();
        }
        throw new IllegalStateException("volume holds " + voxels.getClass().getSimpleName() + ", not float values");
    }

    /** The label values (unsigned bytes) if stored so. */
    public byte[] labels() {
        if (voxels instanceof VoxelArray.UnsignedBytes b) {
            return b.values();
        }
        throw new IllegalStateException("volume holds " + voxels.getClass().getSimpleName() + ", not uint8 labels");
    }

    public Volume withVoxels(VoxelArray newVoxels) {
        return new Volume(shape, geometry, newVoxels);
    }

    public Volume withGeometry(Geometry newGeometry) {
        return new Volume(shape, newGeometry, voxels);
    }
}
