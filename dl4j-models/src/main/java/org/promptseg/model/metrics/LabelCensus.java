package org.promptseg.model.metrics;

import java.util.Arrays;
import org.promptseg.model.ModelConfigException;
import org.promptseg.model.infer.VolumeShape;

/**
 * One pass over a reference and a prediction label map: voxels per class in each, their overlap,
 * and the bounding box of each foreground class over both maps. Rejects label values outside the
 * class list, naming the map and the voxel.
 */
final class LabelCensus {

    private final long[] reference;
    private final long[] prediction;
    private final long[] overlap;
    private final int[] lo;
    private final int[] hi;

    private LabelCensus(int classes) {
        reference = new long[classes];
        prediction = new long[classes];
        overlap = new long[classes];
        lo = new int[classes * 3];
        hi = new int[classes * 3];
        Arrays.fill(lo, Integer.MAX_VALUE);
        Arrays.fill(hi, -1);
    }

    static LabelCensus of(byte[] referenceLabels, byte[] predictionLabels, VolumeShape shape, int classes) {
        LabelCensus census = new LabelCensus(classes);
        int i = 0;
        for (int z = 0; z < shape.depth(); z++) {
            for (int y = 0; y < shape.height(); y++) {
                for (int x = 0; x < shape.width(); x++, i++) {
                    int r = Byte.toUnsignedInt(referenceLabels[i]);
                    int p = Byte.toUnsignedInt(predictionLabels[i]);
                    if (r >= classes || p >= classes) {
                        throw new ModelConfigException(r >= classes ? "reference labels" : "prediction labels",
                                "values 0.." + (classes - 1) + " (one per class)",
                                (r >= classes ? r : p) + " at voxel (z, y, x) = (" + z + ", " + y + ", " + x + ")");
                    }
                    census.reference[r]++;
                    census.prediction[p]++;
                    if (r == p) {
                        census.overlap[r]++;
                    }
                    if (r != 0) {
                        census.extend(r, z, y, x);
                    }
                    if (p != 0 && p != r) {
                        census.extend(p, z, y, x);
                    }
                }
            }
        }
        return census;
    }

    private void extend(int label, int z, int y, int x) {
        int b = label * 3;
        lo[b] = Math.min(lo[b], z);
        hi[b] = Math.max(hi[b], z);
        lo[b + 1] = Math.min(lo[b + 1], y);
        hi[b + 1] = Math.max(hi[b + 1], y);
        lo[b + 2] = Math.min(lo[b + 2], x);
        hi[b + 2] = Math.max(hi[b + 2], x);
    }

    long referenceVoxels(int label) {
        return reference[label];
    }

    long predictionVoxels(int label) {
        return prediction[label];
    }

    long overlapVoxels(int label) {
        return overlap[label];
    }

    /** Bounding box of {@code label} in either map; only for a label present in at least one. */
    Box box(int label) {
        int b = label * 3;
        if (hi[b] < 0) {
            throw new IllegalStateException("label " + label + " has no voxels, so no bounding box");
        }
        return new Box(lo[b], hi[b], lo[b + 1], hi[b + 1], lo[b + 2], hi[b + 2]);
    }
}
