package org.promptseg.volume;

import java.io.Serializable;

/**
 * Size of a 3D voxel grid, listed in array order (z, y, x). Voxels are stored flat with x varying fastest, then y,
 * then z, which is exactly the order of NIfTI's on-disk data (i = x fastest); {@link #index} is the one formula.
 */
public record Shape(int nz, int ny, int nx) implements Serializable {
    /** Largest flat array Java can allocate reliably. */
    public static final long MAX_VOXELS = Integer.MAX_VALUE - 8L;

    public Shape {
        if (nz < 1 || ny < 1 || nx < 1) {
            throw new IllegalArgumentException("shape (z,y,x)=(" + nz + "," + ny + "," + nx + "): every size must be >= 1");
        }
        if ((long) nz * ny * nx > MAX_VOXELS) {
            throw new IllegalArgumentException("shape (z,y,x)=(" + nz + "," + ny + "," + nx + "): more than " + MAX_VOXELS + " voxels");
        }
    }

    public static Shape ofZyx(int[] zyx) {
        if (zyx.length != 3) {
            throw new IllegalArgumentException("shape needs 3 sizes (z,y,x), got " + zyx.length);
        }
        return new Shape(zyx[0], zyx[1], zyx[2]);
    }

    /** Sizes along NIfTI's (i, j, k) = (x, y, z) voxel axes. */
    public static Shape ofXyz(int nx, int ny, int nz) {
        return new Shape(nz, ny, nx);
    }

    public int voxelCount() {
        return nz * ny * nx;
    }

    /** Flat index of voxel (z, y, x): x fastest. */
    public int index(int z, int y, int x) {
        return (z * ny + y) * nx + x;
    }

    public boolean contains(int z, int y, int x) {
        return z >= 0 && y >= 0 && x >= 0 && z < nz && y < ny && x < nx;
    }

    public int[] zyx() {
        return new int[] {nz, ny, nx};
    }

    /** Size along voxel axis {@code axis} in (x, y, z) numbering: 0 = x, 1 = y, 2 = z. */
    public int sizeXyz(int axis) {
        return switch (axis) {
            case 0 -> nx;
            case 1 -> ny;
            case 2 -> nz;
            default -> throw new IllegalArgumentException("axis " + axis + ": expected 0 (x), 1 (y) or 2 (z)");
        };
    }

    @Override
    public String toString() {
        return "(z,y,x)=(" + nz + "," + ny + "," + nx + ")";
    }
}
