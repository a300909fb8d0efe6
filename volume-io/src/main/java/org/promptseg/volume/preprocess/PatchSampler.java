package org.promptseg.volume.preprocess;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.promptseg.common.Hashing;
import org.promptseg.volume.Shape;
import org.promptseg.volume.Volume;

/**
 * Seeded patch sampling, nnU-Net style. Of {@code count} patches, {@code round(count · foreground-fraction)} — spread
 * evenly through the sequence — are centred on a random voxel of a random class present in the label (class first,
 * so small organs are not drowned by the liver); the others are placed uniformly so they lie inside the volume (or, for
 * a volume smaller than the patch, so the volume lies inside them). Voxels beyond a border are padding: image
 * {@code pad-hu} (air), label 0.
 *
 * <p>The random stream of a case is seeded by the sampler seed and a hash of (center, case id), so the same seed
 * gives bit-identical patches whatever order or partition the cases are processed in.
 */
public final class PatchSampler {
    private final SamplerOptions options;

    public PatchSampler(SamplerOptions options) {
        this.options = options;
    }

    public SamplerOptions options() {
        return options;
    }

    /**
     * Samples {@code count} patches from a prepared case.
     *
     * @param image int16 HU
     * @param label global class indices (unsigned bytes) on the image grid, or null
     */
    public List<Patch> sample(String center, String caseId, Volume image, Volume label, int count) {
        short[] img = image.shorts();
        byte[] lab = label == null ? null : label.labels();
        Shape s = image.shape();
        if (label != null && !label.shape().equals(s)) {
            throw new IllegalArgumentException(center + "/" + caseId + ": label shape " + label.shape() + " differs from image shape " + s);
        }
        SplittableRandom rnd = new SplittableRandom(caseSeed(options.seed(), center, caseId));
        int[][] classVoxels = lab == null ? new int[0][] : voxelsByClass(lab);
        int[] p = options.patchSizeZyx();
        int[] n = s.zyx();
        double[] spacing = image.geometry().spacingZyx();
        int forcedTotal = (int) Math.round(count * options.foregroundFraction());
        List<Patch> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean forced = Math.floorDiv((long) (i + 1) * forcedTotal, count) > Math.floorDiv((long) i * forcedTotal, count);
            int[] origin = new int[3];
            if (forced && classVoxels.length > 0) {
                int[] voxels = classVoxels[rnd.nextInt(classVoxels.length)];
                int v = voxels[rnd.nextInt(voxels.length)];
                int[] c = {v / (n[1] * n[2]), (v / n[2]) % n[1], v % n[2]};
                for (int a = 0; a < 3; a++) {
                    origin[a] = c[a] - p[a] / 2;
                }
            } else {
                for (int a = 0; a < 3; a++) {
                    int lo = Math.min(0, n[a] - p[a]);
                    int hi = Math.max(0, n[a] - p[a]);
                    origin[a] = lo + rnd.nextInt(hi - lo + 1);
                }
            }
            out.add(extract(center, caseId, i, img, lab, s, origin, p, spacing));
        }
        return out;
    }

    /** Per present class (label > 0), the flat indices of its voxels; classes in increasing label order. */
    static int[][] voxelsByClass(byte[] lab) {
        int[] counts = new int[256];
        for (byte b : lab) {
            counts[b & 0xff]++;
        }
        int[][] lists = new int[256][];
        int present = 0;
        for (int c = 1; c < 256; c++) {
            if (counts[c] > 0) {
                lists[c] = new int[counts[c]];
                present++;
            }
        }
        int[] fill = new int[256];
        for (int i = 0; i < lab.length; i++) {
            int c = lab[i] & 0xff;
            if (c > 0) {
                lists[c][fill[c]++] = i;
            }
        }
        int[][] out = new int[present][];
        int k = 0;
        for (int c = 1; c < 256; c++) {
            if (lists[c] != null) {
                out[k++] = lists[c];
            }
        }
        return out;
    }

    private Patch extract(String center, String caseId, int index, short[] img, byte[] lab, Shape s, int[] origin, int[] p, double[] spacing) {
        short[] pi = new short[p[0] * p[1] * p[2]];
        byte[] pl = lab == null ? null : new byte[pi.length];
        Arrays.fill(pi, options.padHu());
        boolean fg = false;
        int nz = s.nz(), ny = s.ny(), nx = s.nx();
        int xs = Math.max(0, origin[2]);
        int xe = Math.min(nx, origin[2] + p[2]);
        for (int z = 0; z < p[0]; z++) {
            int sz = origin[0] + z;
            if (sz < 0 || sz >= nz) {
                continue;
            }
            for (int y = 0; y < p[1]; y++) {
                int sy = origin[1] + y;
                if (sy < 0 || sy >= ny || xe <= xs) {
                    continue;
                }
                int src = (sz * ny + sy) * nx + xs;
                int dst = (z * p[1] + y) * p[2] + (xs - origin[2]);
                System.arraycopy(img, src, pi, dst, xe - xs);
                if (pl != null) {
                    System.arraycopy(lab, src, pl, dst, xe - xs);
                    for (int k = 0; k < xe - xs && !fg; k++) {
                        fg = pl[dst + k] != 0;
                    }
                }
            }
        }
        return new Patch(center, caseId, index, origin, p.clone(), spacing.clone(), pi, pl, fg);
    }

    /** Seed of one case's stream: the sampler seed mixed with the first 8 bytes of SHA-256("center/case"). */
    static long caseSeed(long seed, String center, String caseId) {
        byte[] h = Hashing.sha256().digest((center + "/" + caseId).getBytes(StandardCharsets.UTF_8));
        long hash = 0;
        for (int i = 0; i < 8; i++) {
            hash = (hash << 8) | (h[i] & 0xff);
        }
        return seed * 0x9E3779B97F4A7C15L + hash;
    }
}
