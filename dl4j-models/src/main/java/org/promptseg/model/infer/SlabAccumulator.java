package org.promptseg.model.infer;

import java.util.Arrays;

/**
 * Weighted sums of window predictions for a ring of z-planes. Windows arrive in z order; once no
 * later window can touch a plane, the plane is emitted (argmax into the label volume, probabilities to
 * an optional sink) and its slot cleared for reuse. Memory is {@code planes x height x width x classes}
 * floats, independent of the volume's depth.
 *
 * <p>Sums are kept channel-last like the predictor's output, so blending a window is a linear walk
 * over both arrays.
 */
final class SlabAccumulator {

    private final VolumeShape volume;
    private final int classes;
    private final int planes;
    private final float[] sums;
    /** Sum of weights per voxel, only needed to turn sums into probabilities (the argmax does not care). */
    private final float[] weightSums;
    private final float[][] probabilityPlanes;
    private int emittedPlanes;

    SlabAccumulator(VolumeShape volume, int classes, int planes, boolean withProbabilities) {
        if (planes < 1 || planes > volume.depth()) {
            throw new IllegalArgumentException("accumulator of " + planes + " planes: expected 1.." + volume.depth());
        }
        this.volume = volume;
        this.classes = classes;
        this.planes = planes;
        this.sums = new float[Math.multiplyExact(Math.multiplyExact(planes, volume.planeSize()), classes)];
        this.weightSums = withProbabilities ? new float[planes * volume.planeSize()] : null;
        this.probabilityPlanes = withProbabilities ? new float[classes][volume.planeSize()] : null;
    }

    int planes() {
        return planes;
    }

    long allocatedFloats() {
        return (long) sums.length + (weightSums == null ? 0 : weightSums.length);
    }

    /**
     * Adds {@code weights x predictions} of one window ({@code [d, h, w, classes]} starting at
     * {@code offset} in {@code predictions}) to the voxels it covers inside the volume.
     *
     * @param weightsAlongXPerClass {@link ImportanceMap#alongXPerChannel} for this accumulator's classes
     */
    void add(WindowPlan.Window window, VolumeShape size, float[] predictions, int offset, ImportanceMap weights,
             float[] weightsAlongXPerClass) {
        int z0 = Math.max(0, window.z());
        int z1 = Math.min(volume.depth(), window.z() + size.depth());
        if (z0 < emittedPlanes || z1 > emittedPlanes + planes) {
            // a plan error would otherwise silently blend into recycled planes
            throw new IllegalStateException("window planes [" + z0 + ", " + z1 + ") outside the live slab ["
                    + emittedPlanes + ", " + (emittedPlanes + planes) + ")");
        }
        int y0 = Math.max(0, window.y());
        int y1 = Math.min(volume.height(), window.y() + size.height());
        int x0 = Math.max(0, window.x());
        int x1 = Math.min(volume.width(), window.x() + size.width());
        int firstColumn = x0 - window.x();
        int runLength = x1 - x0;
        int runValues = runLength * classes;
        float[] alongX = weights.alongX();
        for (int z = z0; z < z1; z++) {
            int slotBase = (z % planes) * volume.planeSize();
            int wz = z - window.z();
            for (int y = y0; y < y1; y++) {
                int wy = y - window.y();
                float rowFactor = weights.rowFactor(wz, wy);
                int voxel = slotBase + y * volume.width() + x0;
                int sum = voxel * classes;
                int prediction = offset + ((wz * size.height() + wy) * size.width() + firstColumn) * classes;
                int weight = firstColumn * classes;
                // one flat loop over (x, class): channel-last on both sides, so the JIT can vectorise it
                for (int j = 0; j < runValues; j++) {
                    sums[sum + j] += (rowFactor * weightsAlongXPerClass[weight + j]) * predictions[prediction + j];
                }
                if (weightSums != null) {
                    for (int i = 0; i < runLength; i++) {
                        weightSums[voxel + i] += rowFactor * alongX[firstColumn + i];
                    }
                }
            }
        }
    }

    /** Emits every plane below {@code endPlane} not emitted yet, in z order, and frees their slots. */
    void emitUpTo(int endPlane, byte[] labels, ProbabilitySink sink) {
        for (int z = emittedPlanes; z < endPlane; z++) {
            emitPlane(z, labels, sink);
        }
        emittedPlanes = Math.max(emittedPlanes, endPlane);
    }

    private void emitPlane(int z, byte[] labels, ProbabilitySink sink) {
        int slotBase = (z % planes) * volume.planeSize();
        int labelBase = z * volume.planeSize();
        for (int i = 0; i < volume.planeSize(); i++) {
            int s = (slotBase + i) * classes;
            int best = 0;
            float bestSum = sums[s];
            for (int c = 1; c < classes; c++) {
                if (sums[s + c] > bestSum) {
                    bestSum = sums[s + c];
                    best = c;
                }
            }
            labels[labelBase + i] = (byte) best;
        }
        if (sink != null) {
            for (int i = 0; i < volume.planeSize(); i++) {
                float weight = weightSums[slotBase + i];
                int s = (slotBase + i) * classes;
                for (int c = 0; c < classes; c++) {
                    probabilityPlanes[c][i] = sums[s + c] / weight;
                }
            }
            sink.acceptPlane(z, probabilityPlanes);
            Arrays.fill(weightSums, slotBase, slotBase + volume.planeSize(), 0f);
        }
        Arrays.fill(sums, slotBase * classes, (slotBase + volume.planeSize()) * classes, 0f);
    }
}
