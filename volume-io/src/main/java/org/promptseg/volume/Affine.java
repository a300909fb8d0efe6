package org.promptseg.volume;

import java.io.Serializable;
import java.util.Arrays;

/**
 * An immutable 4x4 homogeneous transform (last row 0 0 0 1), stored row-major in doubles.
 *
 * <p>In promptseg an affine always maps NIfTI voxel indices (i, j, k) = (x, y, z) — note: x first, the reverse of
 * our (z, y, x) array order — to world millimetres in RAS+ (x to the Right, y to the Anterior, z to the Superior of
 * the patient), as NIfTI and nibabel define it.
 */
public final class Affine implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Affine IDENTITY = new Affine(new double[] {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1});

    private final double[] m;

    private Affine(double[] rowMajor16) {
        this.m = rowMajor16;
    }

    public static Affine identity() {
        return IDENTITY;
    }

    /** From the first three rows (12 values, row-major), as NIfTI's {@code srow_x, srow_y, srow_z}. */
    public static Affine ofRows(double[] rows12) {
        if (rows12.length != 12) {
            throw new IllegalArgumentException("affine needs 12 values (3 rows of 4), got " + rows12.length);
        }
        double[] m = new double[16];
        System.arraycopy(rows12, 0, m, 0, 12);
        m[15] = 1;
        return new Affine(m);
    }

    /** From a 4x4 or 3x4 array of rows; a 4th row, if given, must be 0 0 0 1. */
    public static Affine of(double[][] rows) {
        if ((rows.length != 3 && rows.length != 4) || Arrays.stream(rows).anyMatch(r -> r.length != 4)) {
            throw new IllegalArgumentException("affine needs 3 or 4 rows of 4 values");
        }
        if (rows.length == 4 && (rows[3][0] != 0 || rows[3][1] != 0 || rows[3][2] != 0 || rows[3][3] != 1)) {
            throw new IllegalArgumentException("affine last row must be 0 0 0 1, got " + Arrays.toString(rows[3]));
        }
        double[] m = new double[16];
        for (int r = 0; r < 3; r++) {
            System.arraycopy(rows[r], 0, m, 4 * r, 4);
        }
        m[15] = 1;
        return new Affine(m);
    }

    /** Linear part {@code linear3x3} (row-major 9 values) and translation. */
    public static Affine of(double[] linear3x3, double[] translation) {
        double[] m = new double[16];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                m[4 * r + c] = linear3x3[3 * r + c];
            }
            m[4 * r + 3] = translation[r];
        }
        m[15] = 1;
        return new Affine(m);
    }

    public static Affine scaling(double sx, double sy, double sz) {
        return of(new double[] {sx, 0, 0, 0, sy, 0, 0, 0, sz}, new double[3]);
    }

    public static Affine translation(double tx, double ty, double tz) {
        return of(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, new double[] {tx, ty, tz});
    }

    public double get(int row, int col) {
        return m[4 * row + col];
    }

    /** The 16 entries row-major (a copy). */
    public double[] toArray() {
        return m.clone();
    }

    /** The 4 rows as arrays (a copy), convenient for JSON. */
    public double[][] toRows() {
        double[][] rows = new double[4][4];
        for (int r = 0; r < 4; r++) {
            System.arraycopy(m, 4 * r, rows[r], 0, 4);
        }
        return rows;
    }

    /** The 3x3 linear part row-major (a copy). */
    public double[] linear() {
        return new double[] {m[0], m[1], m[2], m[4], m[5], m[6], m[8], m[9], m[10]};
    }

    public double[] translationPart() {
        return new double[] {m[3], m[7], m[11]};
    }

    /** this ∘ other: first {@code other}, then this. */
    public Affine multiply(Affine other) {
        double[] o = other.m;
        double[] r = new double[16];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                double s = 0;
                for (int k = 0; k < 4; k++) {
                    s += m[4 * i + k] * o[4 * k + j];
                }
                r[4 * i + j] = s;
            }
        }
        r[12] = 0;
        r[13] = 0;
        r[14] = 0;
        r[15] = 1;
        return new Affine(r);
    }

    /** Maps the point (x, y, z). */
    public double[] apply(double x, double y, double z) {
        return new double[] {
            m[0] * x + m[1] * y + m[2] * z + m[3],
            m[4] * x + m[5] * y + m[6] * z + m[7],
            m[8] * x + m[9] * y + m[10] * z + m[11]
        };
    }

    /** Determinant of the 3x3 linear part. */
    public double determinant() {
        return Matrices.det3(linear());
    }

    public boolean isFinite() {
        for (double v : m) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** The inverse transform; fails for a singular linear part. */
    public Affine inverse() {
        double[] inv = Matrices.inverse3(linear());
        double[] t = translationPart();
        double[] it = new double[3];
        for (int r = 0; r < 3; r++) {
            it[r] = -(inv[3 * r] * t[0] + inv[3 * r + 1] * t[1] + inv[3 * r + 2] * t[2]);
        }
        return of(inv, it);
    }

    /** Euclidean norm of column {@code c} (0..2) of the linear part: the voxel size along voxel axis c. */
    public double columnNorm(int c) {
        return Math.sqrt(m[c] * m[c] + m[4 + c] * m[4 + c] + m[8 + c] * m[8 + c]);
    }

    /** Largest absolute difference of any entry. */
    public double maxAbsDifference(Affine other) {
        double d = 0;
        for (int i = 0; i < 16; i++) {
            d = Math.max(d, Math.abs(m[i] - other.m[i]));
        }
        return d;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Affine a && Arrays.equals(m, a.m);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(m);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int r = 0; r < 4; r++) {
            b.append(r == 0 ? "[" : " [");
            for (int c = 0; c < 4; c++) {
                b.append(c == 0 ? "" : ", ").append(m[4 * r + c]);
            }
            b.append(']');
        }
        return b.append(']').toString();
    }
}
