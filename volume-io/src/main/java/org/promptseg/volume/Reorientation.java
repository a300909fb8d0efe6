package org.promptseg.volume;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A lossless re-ordering of voxel axes (permutation and flips) that brings a volume into a target orientation —
 * by default {@link Orientation#RAS}, the closest canonical orientation, like nibabel's
 * {@code as_closest_canonical} — together with its exact inverse, used to write predictions back in the source
 * geometry. No interpolation happens: voxels are only moved, and the affine is updated so every voxel keeps its
 * world position. {@link #invert} returns the source geometry object itself, so a round trip is bit-exact.
 */
public final class Reorientation implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Shape sourceShape;
    private final Geometry sourceGeometry;
    /** For each target voxel axis (x, y, z numbering): the source axis it takes, and whether it runs backwards. */
    private final int[] sourceAxis;
    private final boolean[] flip;
    private final Shape targetShape;
    private final Geometry targetGeometry;

    private Reorientation(Shape sourceShape, Geometry sourceGeometry, int[] sourceAxis, boolean[] flip) {
        this.sourceShape = sourceShape;
        this.sourceGeometry = sourceGeometry;
        this.sourceAxis = sourceAxis;
        this.flip = flip;
        int[] tn = new int[3];
        for (int a = 0; a < 3; a++) {
            tn[a] = sourceShape.sizeXyz(sourceAxis[a]);
        }
        this.targetShape = Shape.ofXyz(tn[0], tn[1], tn[2]);
        // target index t -> source index s: s[sourceAxis[a]] = flip[a] ? n - 1 - t[a] : t[a]
        double[] lin = new double[9];
        double[] off = new double[3];
        for (int a = 0; a < 3; a++) {
            int v = sourceAxis[a];
            lin[3 * v + a] = flip[a] ? -1 : 1;
            off[v] = flip[a] ? sourceShape.sizeXyz(v) - 1 : 0;
        }
        this.targetGeometry = new Geometry(sourceGeometry.voxelToWorld().multiply(Affine.of(lin, off)));
    }

    /** Reorientation of a volume of {@code shape} and {@code geometry} to RAS. */
    public static Reorientation toCanonical(Shape shape, Geometry geometry) {
        return to(Orientation.RAS, shape, geometry);
    }

    public static Reorientation toCanonical(Volume v) {
        return toCanonical(v.shape(), v.geometry());
    }

    /** Reorientation to any orientation (e.g. {@code Orientation.parse("LPS")}). */
    public static Reorientation to(Orientation target, Shape shape, Geometry geometry) {
        Orientation source = geometry.orientation();
        int[] sourceAxis = new int[3];
        boolean[] flip = new boolean[3];
        for (int v = 0; v < 3; v++) {
            int w = source.worldAxis(v);
            int a = -1;
            for (int t = 0; t < 3; t++) {
                if (target.worldAxis(t) == w) {
                    a = t;
                }
            }
            sourceAxis[a] = v;
            flip[a] = source.sign(v) != target.sign(a);
        }
        return new Reorientation(shape, geometry, sourceAxis, flip);
    }

    public boolean isIdentity() {
        return sourceAxis[0] == 0 && sourceAxis[1] == 1 && sourceAxis[2] == 2 && !flip[0] && !flip[1] && !flip[2];
    }

    public Shape sourceShape() {
        return sourceShape;
    }

    public Geometry sourceGeometry() {
        return sourceGeometry;
    }

    public Shape targetShape() {
        return targetShape;
    }

    public Geometry targetGeometry() {
        return targetGeometry;
    }

    /** Moves the voxels of {@code source} (which must have the source shape) into the target orientation. */
    public Volume apply(Volume source) {
        requireShape(source.shape(), sourceShape, "source");
        if (isIdentity()) {
            return new Volume(targetShape, targetGeometry, source.voxels());
        }
        int[] sStride = {1, sourceShape.nx(), sourceShape.nx() * sourceShape.ny()};
        int[] step = new int[3];
        int base = 0;
        for (int a = 0; a < 3; a++) {
            int v = sourceAxis[a];
            step[a] = flip[a] ? -sStride[v] : sStride[v];
            if (flip[a]) {
                base += (sourceShape.sizeXyz(v) - 1) * sStride[v];
            }
        }
        return new Volume(targetShape, targetGeometry, gather(source.voxels(), targetShape, base, step));
    }

    /**
     * Moves the voxels of a volume in the target orientation (e.g. a prediction) back into the source orientation,
     * returning a volume with exactly the source geometry.
     */
    public Volume invert(Volume target) {
        requireShape(target.shape(), targetShape, "target");
        if (isIdentity()) {
            return new Volume(sourceShape, sourceGeometry, target.voxels());
        }
        int[] tStride = {1, targetShape.nx(), targetShape.nx() * targetShape.ny()};
        int[] step = new int[3];
        int base = 0;
        for (int a = 0; a < 3; a++) {
            int v = sourceAxis[a];
            // source index s[v] = flip ? n-1-t[a] : t[a]  <=>  t[a] = flip ? n-1-s[v] : s[v]
            step[v] = flip[a] ? -tStride[a] : tStride[a];
            if (flip[a]) {
                base += (targetShape.sizeXyz(a) - 1) * tStride[a];
            }
        }
        return new Volume(sourceShape, sourceGeometry, gather(target.voxels(), sourceShape, base, step));
    }

    /** out[index(z,y,x)] = in[base + x*step[0] + y*step[1] + z*step[2]] */
    private static VoxelArray gather(VoxelArray in, Shape outShape, int base, int[] step) {
        VoxelArray out = in.newOfSameType(outShape.voxelCount());
        int o = 0;
        for (int z = 0; z < outShape.nz(); z++) {
            for (int y = 0; y < outShape.ny(); y++) {
                int s = base + y * step[1] + z * step[2];
                int sx = step[0];
                int nx = outShape.nx();
                if (in instanceof VoxelArray.Shorts src) {
                    short[] d = ((VoxelArray.Shorts) out).values();
                    short[] v = src.values();
                    for (int x = 0; x < nx; x++, s += sx) {
                        d[o++] = v[s];
                    }
                } else if (in instanceof VoxelArray.Floats src) {
                    float[] d = ((VoxelArray.Floats) out).values();
                    float[] v = src.values();
                    for (int x = 0; x < nx; x++, s += sx) {
                        d[o++] = v[s];
                    }
                } else {
                    byte[] d = ((VoxelArray.UnsignedBytes) out).values();
                    byte[] v = ((VoxelArray.UnsignedBytes) in).values();
                    for (int x = 0; x < nx; x++, s += sx) {
                        d[o++] = v[s];
                    }
                }
            }
        }
        return out;
    }

    private static void requireShape(Shape actual, Shape expected, String which) {
        if (!actual.equals(expected)) {
            throw new IllegalArgumentException("reorientation expects a " + which + " volume of shape " + expected + ", got " + actual);
        }
    }

    @Override
    public String toString() {
        return sourceGeometry.orientation().code() + "->" + targetGeometry.orientation().code()
                + " axes " + Arrays.toString(sourceAxis) + " flips " + Arrays.toString(flip);
    }
}
