package org.promptseg.volume;

/** 3x3 matrix helpers (row-major double[9]) for affines, quaternions and orientation. Internal. */
public final class Matrices {
    private Matrices() {}

    public static double det3(double[] a) {
        return a[0] * (a[4] * a[8] - a[5] * a[7])
                - a[1] * (a[3] * a[8] - a[5] * a[6])
                + a[2] * (a[3] * a[7] - a[4] * a[6]);
    }

    public static double[] inverse3(double[] a) {
        double det = det3(a);
        if (det == 0 || !Double.isFinite(det)) {
            throw new IllegalArgumentException("matrix is singular (determinant " + det + ")");
        }
        double[] r = new double[9];
        r[0] = (a[4] * a[8] - a[5] * a[7]) / det;
        r[1] = (a[2] * a[7] - a[1] * a[8]) / det;
        r[2] = (a[1] * a[5] - a[2] * a[4]) / det;
        r[3] = (a[5] * a[6] - a[3] * a[8]) / det;
        r[4] = (a[0] * a[8] - a[2] * a[6]) / det;
        r[5] = (a[2] * a[3] - a[0] * a[5]) / det;
        r[6] = (a[3] * a[7] - a[4] * a[6]) / det;
        r[7] = (a[1] * a[6] - a[0] * a[7]) / det;
        r[8] = (a[0] * a[4] - a[1] * a[3]) / det;
        return r;
    }

    public static double[] transpose3(double[] a) {
        return new double[] {a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]};
    }

    /**
     * The orthogonal factor Q of the polar decomposition A = Q·P (the orthogonal matrix closest to A; equal to U·Vᵀ
     * of the SVD). Newton iteration Q ← (Q + Q⁻ᵀ)/2, which converges quadratically for any non-singular A.
     */
    public static double[] polarOrthogonal(double[] a) {
        double[] q = a.clone();
        for (int it = 0; it < 100; it++) {
            double[] invT = transpose3(inverse3(q));
            double diff = 0;
            double[] next = new double[9];
            for (int i = 0; i < 9; i++) {
                next[i] = 0.5 * (q[i] + invT[i]);
                diff = Math.max(diff, Math.abs(next[i] - q[i]));
            }
            q = next;
            if (diff < 1e-15) {
                break;
            }
        }
        return q;
    }

    /** The linear part with each column divided by its norm (columns of norm 0 left as they are). */
    public static double[] normalizeColumns(double[] a) {
        double[] r = a.clone();
        for (int c = 0; c < 3; c++) {
            double n = Math.sqrt(a[c] * a[c] + a[3 + c] * a[3 + c] + a[6 + c] * a[6 + c]);
            if (n > 0) {
                r[c] /= n;
                r[3 + c] /= n;
                r[6 + c] /= n;
            }
        }
        return r;
    }
}
