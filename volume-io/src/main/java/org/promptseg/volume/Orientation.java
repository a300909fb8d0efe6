package org.promptseg.volume;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Which world direction each voxel axis (i, j, k) = (x, y, z) points to, as a three-letter code in the nibabel
 * convention: the letter names the direction voxel indices increase <em>towards</em>. {@code RAS} means i grows to
 * the patient's Right, j to Anterior, k to Superior; DICOM's LPS world, seen through a NIfTI affine, often gives
 * {@code LPS} voxel axes.
 *
 * <p>For oblique affines the code is the closest axis-aligned one: the linear part is reduced to its nearest
 * orthogonal matrix (polar decomposition), then voxel axes i, j, k in turn take the world axis they are most
 * aligned with among those still free — the same rule as nibabel's {@code io_orientation}.
 */
public final class Orientation implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final char[][] LETTERS = {{'L', 'R'}, {'P', 'A'}, {'I', 'S'}};

    /** The canonical orientation promptseg trains in. */
    public static final Orientation RAS = new Orientation(new int[] {0, 1, 2}, new int[] {1, 1, 1});

    private final int[] worldAxis;
    private final int[] sign;

    private Orientation(int[] worldAxis, int[] sign) {
        this.worldAxis = worldAxis;
        this.sign = sign;
    }

    /** The orientation of the voxel axes of {@code affine}; fails for a singular or non-finite affine. */
    public static Orientation of(Affine affine) {
        if (!affine.isFinite() || affine.determinant() == 0) {
            throw new IllegalArgumentException("affine is singular or not finite: no orientation");
        }
        double[] q = Matrices.polarOrthogonal(Matrices.normalizeColumns(affine.linear()));
        boolean[] taken = new boolean[3];
        int[] axis = new int[3];
        int[] sgn = new int[3];
        for (int v = 0; v < 3; v++) {
            int best = -1;
            double bestAbs = -1;
            for (int w = 0; w < 3; w++) {
                double a = Math.abs(q[3 * w + v]);
                if (!taken[w] && a > bestAbs) {
                    best = w;
                    bestAbs = a;
                }
            }
            taken[best] = true;
            axis[v] = best;
            sgn[v] = q[3 * best + v] >= 0 ? 1 : -1;
        }
        return new Orientation(axis, sgn);
    }

    /** Parses a code such as {@code RAS}, {@code LPS}, {@code PIR}: three letters, one of each pair L/R, P/A, I/S. */
    public static Orientation parse(String code) {
        if (code == null || code.length() != 3) {
            throw new IllegalArgumentException("orientation code '" + code + "': expected three letters, one from each of L/R, P/A, I/S, e.g. RAS");
        }
        int[] axis = new int[3];
        int[] sgn = new int[3];
        boolean[] seen = new boolean[3];
        for (int v = 0; v < 3; v++) {
            char ch = Character.toUpperCase(code.charAt(v));
            int found = -1;
            for (int w = 0; w < 3; w++) {
                if (LETTERS[w][0] == ch || LETTERS[w][1] == ch) {
                    found = w;
                    sgn[v] = LETTERS[w][1] == ch ? 1 : -1;
                }
            }
            if (found < 0 || seen[found]) {
                throw new IllegalArgumentException("orientation code '" + code + "': expected three letters, one from each of L/R, P/A, I/S, e.g. RAS");
            }
            seen[found] = true;
            axis[v] = found;
        }
        return new Orientation(axis, sgn);
    }

    /** World axis (0 = R-L, 1 = A-P, 2 = S-I) that voxel axis {@code voxelAxis} (0 = i/x, 1 = j/y, 2 = k/z) follows. */
    public int worldAxis(int voxelAxis) {
        return worldAxis[voxelAxis];
    }

    /** +1 if indices along {@code voxelAxis} grow towards R/A/S, -1 towards L/P/I. */
    public int sign(int voxelAxis) {
        return sign[voxelAxis];
    }

    public String code() {
        char[] c = new char[3];
        for (int v = 0; v < 3; v++) {
            c[v] = LETTERS[worldAxis[v]][sign[v] > 0 ? 1 : 0];
        }
        return new String(c);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Orientation other && Arrays.equals(worldAxis, other.worldAxis) && Arrays.equals(sign, other.sign);
    }

    @Override
    public int hashCode() {
        return code().hashCode();
    }

    @Override
    public String toString() {
        return code();
    }
}
