package org.promptseg.volume.nifti;

import org.promptseg.volume.Affine;
import org.promptseg.volume.Matrices;

/**
 * The NIfTI {@code qform}: rotation as a unit quaternion (b, c, d with a = sqrt(1 - b² - c² - d²) >= 0), voxel sizes
 * {@code pixdim[1..3]}, handedness {@code qfac = pixdim[0]} (negative means the k axis is flipped) and an offset —
 * both directions of the conversion, following the formulas in the NIfTI-1 standard header (nifti1.h).
 */
public final class Quaternions {
    private Quaternions() {}

    /** The qform parameters of an affine: quaternion (b, c, d), offset (x, y, z), voxel sizes (x, y, z) and qfac. */
    public record QformParams(double b, double c, double d, double qx, double qy, double qz,
                              double dx, double dy, double dz, double qfac) {}

    /** Affine from qform parameters; voxel sizes must be positive (the caller validates). */
    public static Affine toAffine(double b, double c, double d, double qx, double qy, double qz,
                                  double dx, double dy, double dz, double qfac) {
        double a = 1.0 - (b * b + c * c + d * d);
        if (a < 1e-7) {
            // b, c, d are (numerically) a unit vector: a 180 degree rotation; renormalise as the standard does
            a = 1.0 / Math.sqrt(b * b + c * c + d * d);
            b *= a;
            c *= a;
            d *= a;
            a = 0;
        } else {
            a = Math.sqrt(a);
        }
        double zd = qfac < 0 ? -dz : dz;
        double[] r = {
            a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c),
            2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b),
            2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b
        };
        double[] lin = {
            r[0] * dx, r[1] * dy, r[2] * zd,
            r[3] * dx, r[4] * dy, r[5] * zd,
            r[6] * dx, r[7] * dy, r[8] * zd
        };
        return Affine.of(lin, new double[] {qx, qy, qz});
    }

    /**
     * The closest qform to an affine: voxel sizes are the column norms; the rotation is the orthogonal polar factor of
     * the normalised columns (shear, which a qform cannot hold, is dropped); a left-handed frame gives qfac = -1.
     */
    public static QformParams fromAffine(Affine affine) {
        double[] lin = affine.linear();
        double dx = affine.columnNorm(0);
        double dy = affine.columnNorm(1);
        double dz = affine.columnNorm(2);
        double[] r = Matrices.polarOrthogonal(Matrices.normalizeColumns(lin));
        double qfac = 1;
        if (Matrices.det3(r) < 0) {
            qfac = -1;
            r[2] = -r[2];
            r[5] = -r[5];
            r[8] = -r[8];
        }
        double r11 = r[0], r12 = r[1], r13 = r[2];
        double r21 = r[3], r22 = r[4], r23 = r[5];
        double r31 = r[6], r32 = r[7], r33 = r[8];
        double a = r11 + r22 + r33 + 1.0;
        double b;
        double c;
        double d;
        if (a > 0.5) {
            a = 0.5 * Math.sqrt(a);
            b = 0.25 * (r32 - r23) / a;
            c = 0.25 * (r13 - r31) / a;
            d = 0.25 * (r21 - r12) / a;
        } else {
            double xd = 1.0 + r11 - (r22 + r33);
            double yd = 1.0 + r22 - (r11 + r33);
            double zd = 1.0 + r33 - (r11 + r22);
            if (xd > 1.0) {
                b = 0.5 * Math.sqrt(xd);
                c = 0.25 * (r12 + r21) / b;
                d = 0.25 * (r13 + r31) / b;
                a = 0.25 * (r32 - r23) / b;
            } else if (yd > 1.0) {
                c = 0.5 * Math.sqrt(yd);
                b = 0.25 * (r12 + r21) / c;
                d = 0.25 * (r23 + r32) / c;
                a = 0.25 * (r13 - r31) / c;
            } else {
                d = 0.5 * Math.sqrt(zd);
                b = 0.25 * (r13 + r31) / d;
                c = 0.25 * (r23 + r32) / d;
                a = 0.25 * (r21 - r12) / d;
            }
            if (a < 0) {
                b = -b;
                c = -c;
                d = -d;
            }
        }
        double[] t = affine.translationPart();
        return new QformParams(b, c, d, t[0], t[1], t[2], dx, dy, dz, qfac);
    }
}
