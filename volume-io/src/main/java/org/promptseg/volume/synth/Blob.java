package org.promptseg.volume.synth;

import java.util.SplittableRandom;

/**
 * A randomly deformed ellipsoid in world mm: centre, semi-axes, a rotation about the z axis, and a smooth radial
 * deformation r(direction) = 1 + Σ a_k f_k(direction) built from low-order polynomials of the direction (so shapes
 * stay organ-like: no holes, no spikes).
 */
final class Blob {
    final double cx, cy, cz;
    final double ax, ay, az;
    private final double cos, sin;
    private final double[] a;
    private final double bound2;

    Blob(double cx, double cy, double cz, double ax, double ay, double az, double angle, double[] deform) {
        this.cx = cx;
        this.cy = cy;
        this.cz = cz;
        this.ax = ax;
        this.ay = ay;
        this.az = az;
        this.cos = Math.cos(angle);
        this.sin = Math.sin(angle);
        this.a = deform;
        double m = maxRadius();
        this.bound2 = m * m;
    }

    /** A blob around (cx, cy, cz) with semi-axes jittered by ±{@code jitter} and deformation amplitude {@code amp}. */
    static Blob random(SplittableRandom r, double cx, double cy, double cz, double ax, double ay, double az, double jitterMm, double sizeJitter, double amp) {
        double[] d = new double[6];
        for (int i = 0; i < d.length; i++) {
            d[i] = (r.nextDouble() * 2 - 1) * amp;
        }
        return new Blob(cx + (r.nextDouble() * 2 - 1) * jitterMm, cy + (r.nextDouble() * 2 - 1) * jitterMm, cz + (r.nextDouble() * 2 - 1) * jitterMm,
                ax * (1 + (r.nextDouble() * 2 - 1) * sizeJitter), ay * (1 + (r.nextDouble() * 2 - 1) * sizeJitter),
                az * (1 + (r.nextDouble() * 2 - 1) * sizeJitter), (r.nextDouble() * 2 - 1) * 0.35, d);
    }

    Blob grown(double mm) {
        return new Blob(cx, cy, cz, ax + mm, ay + mm, az + mm, Math.atan2(sin, cos), a);
    }

    /** Largest relative radius any deformation reaches (each deformation term is at most 1 in magnitude). */
    private double maxRadius() {
        double amp = 0;
        for (double v : a) {
            amp += Math.abs(v);
        }
        return 1 + amp;
    }

    /** Half extents (mm) of an axis-aligned box around the centre that holds the whole blob: x, y, z. */
    double[] halfExtents() {
        double m = maxRadius();
        return new double[] {
            Math.sqrt(ax * ax * cos * cos + ay * ay * sin * sin) * m,
            Math.sqrt(ax * ax * sin * sin + ay * ay * cos * cos) * m,
            az * m
        };
    }

    boolean contains(double x, double y, double z) {
        double dx = x - cx;
        double dy = y - cy;
        double ux = (cos * dx + sin * dy) / ax;
        double uy = (-sin * dx + cos * dy) / ay;
        double uz = (z - cz) / az;
        double q2 = ux * ux + uy * uy + uz * uz;
        if (q2 > bound2) {
            return false;
        }
        if (q2 < 0.49) {
            return true; // the deformation never moves the surface inside 0.7
        }
        double q = Math.sqrt(q2);
        double nx = ux / q, ny = uy / q, nz = uz / q;
        double r = 1 + a[0] * nx * ny + a[1] * ny * nz + a[2] * nx * nz + a[3] * (nx * nx - ny * ny) + a[4] * nz * nz * nx + a[5] * ny * ny * ny;
        return q < r;
    }
}
