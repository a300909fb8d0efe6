package org.promptseg.volume.synth;

import java.util.SplittableRandom;
import org.promptseg.volume.Affine;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.Orientation;
import org.promptseg.volume.Shape;
import org.promptseg.volume.Volume;

/**
 * Renders an {@link Anatomy} as a center's scanner would: the anatomy is evaluated at each voxel's world position
 * (so spacing and orientation are real, not relabelled), then the scanner signature is applied in the order physics
 * does it — ideal HU, PSF and slice-profile blur, beam-hardening cupping, metal streaks, quantum noise, calibration,
 * reconstruction field of view, and the storage range.
 */
final class PhantomRenderer {
    private static final byte AIR = 0, SOFT = 1, FAT = 2, LUNG = 3, BONE = 4, ORGAN = 5, GAS = 6;

    /** The rendered case: int16 HU image, and labels as global class indices (0 background). */
    record Rendered(Volume image, Volume globalLabels) {}

    private PhantomRenderer() {}

    /** The grid of a center at a given in-plane size: axis-aligned, the center's orientation, centred on the origin. */
    static Geometry grid(ScannerSignature sig, int size, Shape[] shapeOut) {
        double sxy = sig.inPlaneSpacingMm() * 96.0 / size;
        double sz = sig.sliceSpacingMm() * 96.0 / size;
        int nz = (int) Math.round(Anatomy.Z_EXTENT_MM / sz);
        shapeOut[0] = new Shape(nz, size, size);
        Orientation o = Orientation.parse(sig.orientation());
        double[] sp = {sxy, sxy, sz};
        int[] n = {size, size, nz};
        double[] lin = new double[9];
        double[] off = new double[3];
        for (int v = 0; v < 3; v++) {
            if (o.worldAxis(v) != v) {
                throw new IllegalArgumentException("synthetic grids keep the axis order; got orientation " + sig.orientation());
            }
            double step = o.sign(v) * sp[v];
            lin[4 * v] = step;
            off[v] = -step * (n[v] - 1) / 2.0; // voxel centre of the grid at world 0
        }
        return new Geometry(Affine.of(lin, off));
    }

    static Rendered render(Anatomy a, ScannerSignature sig, int size, SplittableRandom noise) {
        Shape[] sh = new Shape[1];
        Geometry g = grid(sig, size, sh);
        Shape s = sh[0];
        int nx = s.nx(), ny = s.ny(), nz = s.nz();
        double[] wx = new double[nx];
        double[] wy = new double[ny];
        double[] wz = new double[nz];
        Affine m = g.voxelToWorld();
        for (int i = 0; i < nx; i++) {
            wx[i] = m.get(0, 0) * i + m.get(0, 3);
        }
        for (int j = 0; j < ny; j++) {
            wy[j] = m.get(1, 1) * j + m.get(1, 3);
        }
        for (int k = 0; k < nz; k++) {
            wz[k] = m.get(2, 2) * k + m.get(2, 3);
        }
        int n = s.voxelCount();
        float[] hu = new float[n];
        byte[] tissue = new byte[n];
        byte[] label = new byte[n];
        paintBody(a, wx, wy, wz, s, hu, tissue);
        paintOrgans(a, sig, wx, wy, wz, s, hu, tissue, label);
        addTexture(a, wx, wy, wz, s, hu, tissue);
        double[] spacing = g.spacingXyz();
        blur(hu, s, sig.inPlaneBlurMm() / spacing[0], sig.inPlaneBlurMm() / spacing[1], sig.sliceThicknessMm() / 2.355 / spacing[2]);
        if (sig.cuppingHu() > 0) {
            cupping(a, sig, wx, wy, s, hu);
        }
        if (sig.metalStreaks()) {
            streaks(a, wx, wy, wz, s, hu, noise);
        }
        short[] out = new short[n];
        double fov2 = sig.fovRadiusMm() * sig.fovRadiusMm();
        int i = 0;
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int x = 0; x < nx; x++, i++) {
                    double v = hu[i] + sig.noiseHu() * noise.nextGaussian();
                    v = sig.calibrationScale() * v + sig.calibrationOffsetHu();
                    if (wx[x] * wx[x] + wy[j] * wy[j] > fov2) {
                        v = sig.padHu();
                    }
                    v = Math.max(sig.storage().minHu(), Math.min(Short.MAX_VALUE, v));
                    out[i] = (short) Math.round(v);
                }
            }
        }
        return new Rendered(Volume.ofShorts(s, g, out), Volume.ofLabels(s, g, label));
    }

    private static void paintBody(Anatomy a, double[] wx, double[] wy, double[] wz, Shape s, float[] hu, byte[] tissue) {
        int nx = s.nx(), ny = s.ny();
        int plane = nx * ny;
        double inner = 1 - a.fatFraction;
        // everything but lungs, ribs and discs is the same in every slice: compute one plane, then copy it
        float[] baseHu = new float[plane];
        byte[] baseTissue = new byte[plane];
        boolean[] ribRing = new boolean[plane];
        boolean[] spineCore = new boolean[plane];
        for (int j = 0; j < ny; j++) {
            double ey = (wy[j] - a.bodyCy) / a.bodyB;
            for (int i = 0; i < nx; i++) {
                int p = j * nx + i;
                double ex = wx[i] / a.bodyA;
                double r2 = ex * ex + ey * ey;
                if (r2 >= 1) {
                    baseHu[p] = -1000;
                    baseTissue[p] = AIR;
                    continue;
                }
                double r = Math.sqrt(r2);
                baseHu[p] = r > inner ? -105 : 42;
                baseTissue[p] = r > inner ? FAT : SOFT;
                ribRing[p] = r > inner - 0.07 && r < inner - 0.02 && wy[j] < a.bodyCy + 0.35 * a.bodyB;
                double sx = (wx[i] - a.spineX) / a.spineA;
                double sy = (wy[j] - a.spineY) / a.spineB;
                double sr = sx * sx + sy * sy;
                if (sr < 1) {
                    baseHu[p] = sr > 0.72 ? 720 : 260;
                    baseTissue[p] = BONE;
                    spineCore[p] = sr <= 0.72;
                }
            }
        }
        for (int k = 0; k < s.nz(); k++) {
            double z = wz[k];
            int base = k * plane;
            System.arraycopy(baseHu, 0, hu, base, plane);
            System.arraycopy(baseTissue, 0, tissue, base, plane);
            boolean ribLevel = z > -70 && ((z + a.ribPhase) % 28 + 28) % 28 < 9;
            boolean disc = ((z + 7) % 30 + 30) % 30 < 7;
            if (ribLevel || disc) {
                for (int p = 0; p < plane; p++) {
                    if (ribLevel && ribRing[p] && baseTissue[p] != BONE) {
                        hu[base + p] = 700;
                        tissue[base + p] = BONE;
                    } else if (disc && spineCore[p]) {
                        hu[base + p] = 95;
                    }
                }
            }
        }
        for (Blob lung : a.lungs) {
            paintBlob(lung, wx, wy, wz, s, idx -> {
                if (tissue[idx] == SOFT) {
                    hu[idx] = -830;
                    tissue[idx] = LUNG;
                }
            });
        }
    }

    private static void paintOrgans(Anatomy a, ScannerSignature sig, double[] wx, double[] wy, double[] wz, Shape s, float[] hu, byte[] tissue, byte[] label) {
        for (Blob fat : a.perirenalFat) {
            paintBlob(fat, wx, wy, wz, s, (idx) -> {
                if (tissue[idx] == SOFT) {
                    hu[idx] = -95;
                    tissue[idx] = FAT;
                }
            });
        }
        // the aorta: a tube along z, in front of the spine
        int nx = s.nx(), ny = s.ny();
        double aortaHu = sig.organHu(Organ.AORTA) + a.enhancementJitter.get(Organ.AORTA);
        for (int k = 0; k < s.nz(); k++) {
            double z = wz[k];
            if (z > 150) {
                continue;
            }
            double cx = a.aortaXAt(z);
            for (int j = 0; j < ny; j++) {
                double dy = wy[j] - a.aortaY;
                if (Math.abs(dy) > a.aortaR) {
                    continue;
                }
                for (int i = 0; i < nx; i++) {
                    double dx = wx[i] - cx;
                    int idx = (k * ny + j) * nx + i;
                    if (dx * dx + dy * dy < a.aortaR * a.aortaR && (tissue[idx] == SOFT || tissue[idx] == FAT)) {
                        hu[idx] = (float) aortaHu;
                        tissue[idx] = ORGAN;
                        label[idx] = (byte) Organ.AORTA.globalIndex();
                    }
                }
            }
        }
        for (Organ o : new Organ[] {Organ.KIDNEY_LEFT, Organ.KIDNEY_RIGHT, Organ.SPLEEN, Organ.LIVER}) {
            double organHu = sig.organHu(o) + a.enhancementJitter.get(o);
            byte cls = (byte) o.globalIndex();
            paintBlob(a.organs.get(o), wx, wy, wz, s, (idx) -> {
                if (tissue[idx] == SOFT || tissue[idx] == FAT) {
                    hu[idx] = (float) organHu;
                    tissue[idx] = ORGAN;
                    label[idx] = cls;
                }
            });
        }
        for (Blob g : a.gas) {
            paintBlob(g, wx, wy, wz, s, (idx) -> {
                if (tissue[idx] == SOFT) {
                    hu[idx] = -950;
                    tissue[idx] = GAS;
                }
            });
        }
    }

    private interface VoxelAction {
        void at(int idx);
    }

    /** Calls {@code action} for every voxel inside the blob, scanning only its bounding box. */
    private static void paintBlob(Blob b, double[] wx, double[] wy, double[] wz, Shape s, VoxelAction action) {
        double[] h = b.halfExtents();
        int[] xr = range(wx, b.cx - h[0], b.cx + h[0]);
        int[] yr = range(wy, b.cy - h[1], b.cy + h[1]);
        int[] zr = range(wz, b.cz - h[2], b.cz + h[2]);
        for (int k = zr[0]; k <= zr[1]; k++) {
            for (int j = yr[0]; j <= yr[1]; j++) {
                for (int i = xr[0]; i <= xr[1]; i++) {
                    if (b.contains(wx[i], wy[j], wz[k])) {
                        action.at((k * s.ny() + j) * s.nx() + i);
                    }
                }
            }
        }
    }

    /** Index range [lo, hi] of the world coordinates (monotonic, either direction) inside [min, max]; empty as lo > hi. */
    private static int[] range(double[] w, double min, double max) {
        int lo = Integer.MAX_VALUE, hi = -1;
        for (int i = 0; i < w.length; i++) {
            if (w[i] >= min && w[i] <= max) {
                lo = Math.min(lo, i);
                hi = Math.max(hi, i);
            }
        }
        return lo > hi ? new int[] {0, -1} : new int[] {lo, hi};
    }

    /** Smooth parenchymal texture (a few HU) in soft tissue and organs: a sum of separable cosine products. */
    private static void addTexture(Anatomy a, double[] wx, double[] wy, double[] wz, Shape s, float[] hu, byte[] tissue) {
        int nx = s.nx(), ny = s.ny(), nz = s.nz();
        int waves = a.texture.length;
        float[][] cx = new float[waves][nx];
        float[][] cy = new float[waves][ny];
        float[][] cz = new float[waves][nz];
        for (int w = 0; w < waves; w++) {
            double[] t = a.texture[w];
            for (int i = 0; i < nx; i++) {
                cx[w][i] = (float) Math.cos(t[0] * wx[i] + t[3]);
            }
            for (int j = 0; j < ny; j++) {
                cy[w][j] = (float) Math.cos(t[1] * wy[j] + t[4]);
            }
            for (int k = 0; k < nz; k++) {
                cz[w][k] = (float) (t[6] * Math.cos(t[2] * wz[k] + t[5]));
            }
        }
        float[] yz = new float[waves];
        int idx = 0;
        for (int k = 0; k < nz; k++) {
            for (int j = 0; j < ny; j++) {
                for (int w = 0; w < waves; w++) {
                    yz[w] = cy[w][j] * cz[w][k];
                }
                for (int i = 0; i < nx; i++, idx++) {
                    if (tissue[idx] == SOFT || tissue[idx] == ORGAN) {
                        float add = 0;
                        for (int w = 0; w < waves; w++) {
                            add += cx[w][i] * yz[w];
                        }
                        hu[idx] += add;
                    }
                }
            }
        }
    }

    /**
     * Separable Gaussian blur with sigmas in voxels (edges repeat); axes with sigma below 0.3 voxel are left sharp.
     * The y and z passes combine whole rows and planes, so the inner loops run over contiguous memory.
     */
    static void blur(float[] v, Shape s, double sx, double sy, double sz) {
        int nx = s.nx(), ny = s.ny(), nz = s.nz();
        if (sx >= 0.3) {
            float[] k = kernel(sx);
            float[] line = new float[nx];
            for (int row = 0; row < nz * ny; row++) {
                System.arraycopy(v, row * nx, line, 0, nx);
                convolveLine(line, v, row * nx, k);
            }
        }
        if (sy >= 0.3) {
            float[] k = kernel(sy);
            float[] slice = new float[ny * nx];
            for (int z = 0; z < nz; z++) {
                System.arraycopy(v, z * ny * nx, slice, 0, ny * nx);
                convolveBlocks(slice, v, z * ny * nx, ny, nx, k);
            }
        }
        if (sz >= 0.3) {
            float[] k = kernel(sz);
            float[] copy = v.clone();
            convolveBlocks(copy, v, 0, nz, nx * ny, k);
        }
    }

    private static void convolveLine(float[] in, float[] out, int offset, float[] k) {
        int r = k.length / 2;
        int n = in.length;
        for (int i = 0; i < n; i++) {
            float acc = 0;
            for (int t = -r; t <= r; t++) {
                acc += k[t + r] * in[Math.min(n - 1, Math.max(0, i + t))];
            }
            out[offset + i] = acc;
        }
    }

    /** Blurs along the block axis: {@code blocks} consecutive blocks of {@code len} values each. */
    private static void convolveBlocks(float[] in, float[] out, int offset, int blocks, int len, float[] k) {
        int r = k.length / 2;
        for (int b = 0; b < blocks; b++) {
            int o = offset + b * len;
            java.util.Arrays.fill(out, o, o + len, 0f);
            for (int t = -r; t <= r; t++) {
                int src = Math.min(blocks - 1, Math.max(0, b + t)) * len;
                float w = k[t + r];
                for (int i = 0; i < len; i++) {
                    out[o + i] += w * in[src + i];
                }
            }
        }
    }

    private static float[] kernel(double sigma) {
        int r = (int) Math.ceil(3 * sigma);
        float[] k = new float[2 * r + 1];
        double sum = 0;
        for (int i = -r; i <= r; i++) {
            sum += k[i + r] = (float) Math.exp(-0.5 * i * i / (sigma * sigma));
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= (float) sum;
        }
        return k;
    }

    /** Beam hardening: the body centre reads darker, by {@code cuppingHu} at the centre falling to 0 at the skin. */
    private static void cupping(Anatomy a, ScannerSignature sig, double[] wx, double[] wy, Shape s, float[] hu) {
        int nx = s.nx(), ny = s.ny();
        float[] plane = new float[nx * ny];
        for (int j = 0; j < ny; j++) {
            double ey = (wy[j] - a.bodyCy) / a.bodyB;
            for (int i = 0; i < nx; i++) {
                double ex = wx[i] / a.bodyA;
                double r2 = ex * ex + ey * ey;
                plane[j * nx + i] = r2 < 1 ? (float) (sig.cuppingHu() * (1 - r2)) : 0;
            }
        }
        for (int k = 0; k < s.nz(); k++) {
            int base = k * nx * ny;
            for (int p = 0; p < plane.length; p++) {
                hu[base + p] -= plane[p];
            }
        }
    }

    /**
     * Metal streaks: a small dense object (a surgical clip near the spine) over part of the z range, and in those
     * slices alternating bright and dark streaks radiating from it, fading with distance. The streak pattern is the
     * same in every affected slice up to a fade factor, so it is computed once.
     */
    private static void streaks(Anatomy a, double[] wx, double[] wy, double[] wz, Shape s, float[] hu, SplittableRandom r) {
        double mx = a.spineX + (r.nextDouble() - 0.5) * 60;
        double my = a.spineY + a.spineB + 8;
        double mz = (r.nextDouble() - 0.5) * 120;
        double halfZ = 20 + r.nextDouble() * 25;
        int lines = 6;
        double[] angle = new double[lines];
        double[] amp = new double[lines];
        for (int l = 0; l < lines; l++) {
            angle[l] = Math.PI * (l + r.nextDouble() * 0.5) / lines;
            amp[l] = (l % 2 == 0 ? 1 : -1) * (120 + 120 * r.nextDouble());
        }
        int nx = s.nx(), ny = s.ny();
        float[] pattern = new float[nx * ny];
        boolean[] metal = new boolean[nx * ny];
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                double dx = wx[i] - mx;
                double dy = wy[j] - my;
                double d2 = dx * dx + dy * dy;
                metal[j * nx + i] = d2 < 16;
                double add = 0;
                for (int l = 0; l < lines; l++) {
                    double perp = Math.abs(-Math.sin(angle[l]) * dx + Math.cos(angle[l]) * dy);
                    add += amp[l] * Math.exp(-perp * perp / 18);
                }
                pattern[j * nx + i] = (float) (add * Math.exp(-Math.sqrt(d2) / 90));
            }
        }
        for (int k = 0; k < s.nz(); k++) {
            double dz = wz[k] - mz;
            if (Math.abs(dz) > halfZ) {
                continue;
            }
            float fade = (float) (1 - Math.abs(dz) / halfZ);
            boolean inMetal = Math.abs(dz) < 6;
            int base = k * nx * ny;
            for (int p = 0; p < pattern.length; p++) {
                hu[base + p] = inMetal && metal[p] ? 3000 : hu[base + p] + pattern[p] * fade;
            }
        }
    }
}
