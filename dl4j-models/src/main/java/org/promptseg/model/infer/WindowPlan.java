package org.promptseg.model.infer;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the windows go and in which order they are predicted: start positions per axis, the
 * windows in (z, y, x) order, their grouping into predictor batches, and the number of z-planes the
 * accumulator must hold for that order.
 *
 * <p>Positions follow nnU-Net: along an axis of {@code size} voxels a window of {@code window} voxels
 * steps by at most {@code window * (1 - overlap)} (never less than one voxel), the first window starts
 * at 0, the last ends at the border, and the ones between are spread evenly (rounded). An axis shorter
 * than the window gets one window, centred, that hangs over both borders; the overhang is padding.
 */
final class WindowPlan {

    /** One window, by the (z, y, x) voxel where it starts; negative where it hangs over the border. */
    record Window(int z, int y, int x) {}

    /** Windows {@code [from, to)} of {@link #windows()}, predicted in one call. */
    record Batch(int from, int to) {
        int size() {
            return to - from;
        }
    }

    private final VolumeShape volume;
    private final VolumeShape window;
    private final List<Window> windows;
    private final List<Batch> batches;

    private WindowPlan(VolumeShape volume, VolumeShape window, List<Window> windows, List<Batch> batches) {
        this.volume = volume;
        this.window = window;
        this.windows = windows;
        this.batches = batches;
    }

    static WindowPlan of(VolumeShape volume, VolumeShape window, double overlap, int batchSize) {
        int[] zs = starts(volume.depth(), window.depth(), overlap);
        int[] ys = starts(volume.height(), window.height(), overlap);
        int[] xs = starts(volume.width(), window.width(), overlap);
        List<Window> windows = new ArrayList<>(zs.length * ys.length * xs.length);
        for (int z : zs) {
            for (int y : ys) {
                for (int x : xs) {
                    windows.add(new Window(z, y, x));
                }
            }
        }
        return new WindowPlan(volume, window, List.copyOf(windows), batch(windows, zs, batchSize));
    }

    /** Start positions of the windows along one axis, ascending. */
    static int[] starts(int size, int window, double overlap) {
        if (size <= window) {
            return new int[] {-((window - size) / 2)};
        }
        double targetStride = Math.max(1.0, window * (1.0 - overlap));
        int steps = (int) Math.ceil((size - window) / targetStride) + 1;
        double stride = (size - window) / (double) (steps - 1);
        int[] starts = new int[steps];
        for (int i = 0; i < steps; i++) {
            starts[i] = (int) Math.round(i * stride);
        }
        return starts;
    }

    /**
     * Fills batches in window order. The planes the accumulator must hold grow with the z-extent of
     * a batch, so a batch stays within one z-level — then the accumulator holds exactly one window
     * depth — unless a level has fewer windows than a batch (small volumes), where it may reach into
     * the next level (one window depth plus one stride) rather than call the network half empty.
     */
    private static List<Batch> batch(List<Window> windows, int[] zLevels, int batchSize) {
        int perLevel = windows.size() / zLevels.length;
        int reach = perLevel < batchSize ? 1 : 0;
        List<Batch> batches = new ArrayList<>();
        int from = 0;
        while (from < windows.size()) {
            int lastLevel = level(zLevels, windows.get(from).z()) + reach;
            int to = from + 1;
            while (to < windows.size() && to - from < batchSize && level(zLevels, windows.get(to).z()) <= lastLevel) {
                to++;
            }
            batches.add(new Batch(from, to));
            from = to;
        }
        return List.copyOf(batches);
    }

    private static int level(int[] zLevels, int z) {
        for (int i = 0; i < zLevels.length; i++) {
            if (zLevels[i] == z) {
                return i;
            }
        }
        throw new IllegalStateException("window z " + z + " is not one of the planned levels");
    }

    List<Window> windows() {
        return windows;
    }

    List<Batch> batches() {
        return batches;
    }

    VolumeShape window() {
        return window;
    }

    /** First z-plane a batch writes to (clipped to the volume): every plane below it is final once the batch starts. */
    int firstPlane(Batch batch) {
        return Math.max(0, windows.get(batch.from()).z());
    }

    /**
     * Planes the accumulator needs so that no plane is overwritten before it is final: for each batch,
     * from its first plane up to the end of its last window. Planes below the first are emitted before
     * the batch runs; windows already predicted start no later than the batch's first, so they end
     * no later than its last.
     */
    int accumulatorPlanes() {
        int planes = 0;
        for (Batch batch : batches) {
            int end = Math.min(volume.depth(), windows.get(batch.to() - 1).z() + window.depth());
            planes = Math.max(planes, end - firstPlane(batch));
        }
        return planes;
    }
}
