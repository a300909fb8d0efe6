package org.promptseg.volume;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where a voxel grid sits in the patient: the voxel-to-world affine (voxel (i, j, k) = (x, y, z) to RAS+ mm, see
 * {@link Affine}), and what follows from it. Spacing and orientation are derived from the affine, never stored
 * separately, so they cannot disagree with it.
 */
public record Geometry(Affine voxelToWorld) implements Serializable {
    public Geometry {
        Objects.requireNonNull(voxelToWorld, "voxelToWorld");
    }

    /** Axis-aligned RAS grid with the given spacing (mm, x/y/z order) and world position of voxel (0,0,0). */
    public static Geometry axisAligned(double sx, double sy, double sz, double ox, double oy, double oz) {
        return new Geometry(Affine.of(new double[] {sx, 0, 0, 0, sy, 0, 0, 0, sz}, new double[] {ox, oy, oz}));
    }

    /** Voxel size in mm along voxel axes x, y, z (norms of the affine's columns). */
    public double[] spacingXyz() {
        return new double[] {voxelToWorld.columnNorm(0), voxelToWorld.columnNorm(1), voxelToWorld.columnNorm(2)};
    }

    /** Voxel size in mm in array order (z, y, x). */
    public double[] spacingZyx() {
        return new double[] {voxelToWorld.columnNorm(2), voxelToWorld.columnNorm(1), voxelToWorld.columnNorm(0)};
    }

    public Orientation orientation() {
        return Orientation.of(voxelToWorld);
    }

    /** World position (mm) of voxel (z, y, x) — array order in, RAS x/y/z out. */
    public double[] worldOfZyx(double z, double y, double x) {
        return voxelToWorld.apply(x, y, z);
    }

    /**
     * The geometry of a sub-grid whose voxel (0,0,0) is voxel {@code (z0, y0, x0)} of this grid and whose voxels are
     * {@code (sz, sy, sx)} of ours apart (fractional steps allowed, e.g. for resampling).
     */
    public Geometry subGrid(double z0, double y0, double x0, double sz, double sy, double sx) {
        Affine map = Affine.of(new double[] {sx, 0, 0, 0, sy, 0, 0, 0, sz}, new double[] {x0, y0, z0});
        return new Geometry(voxelToWorld.multiply(map));
    }

    /**
     * Largest distance (mm) between where the two geometries put the same corner voxel of a grid of {@code shape}:
     * one number that captures translation, rotation and spacing differences at the scale of the image, which is what
     * an image/label mismatch tolerance should bound.
     */
    public double maxCornerDistanceMm(Geometry other, Shape shape) {
        double max = 0;
        for (int corner = 0; corner < 8; corner++) {
            double x = (corner & 1) == 0 ? 0 : shape.nx() - 1;
            double y = (corner & 2) == 0 ? 0 : shape.ny() - 1;
            double z = (corner & 4) == 0 ? 0 : shape.nz() - 1;
            double[] a = voxelToWorld.apply(x, y, z);
            double[] b = other.voxelToWorld.apply(x, y, z);
            double d = Math.sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
            max = Math.max(max, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
        }
        return max;
    }
}
