package org.promptseg.model.infer;

/**
 * The network as sliding-window inference sees it: a function from a batch of fixed-size windows
 * to per-voxel class probabilities. Implementations wrap the backbone (with its prompts) for one
 * task slot; they need not be thread-safe because one inference run calls them from one thread.
 *
 * <p>Layout is NDHWC, channel last (DESIGN §10): the input is {@code [count, d, h, w, 1]} and the
 * output {@code [count, d, h, w, numClasses]}, both row-major with the last index fastest, where
 * {@code (d, h, w)} is {@link #windowShape()} and d runs along z, h along y, w along x.
 */
public interface WindowPredictor {

    /** The window the network was built for, in voxels (z, y, x). Every call uses exactly this size. */
    VolumeShape windowShape();

    /** Number of output channels, background included: at least 2 and at most 256 (labels are uint8). */
    int numClasses();

    /**
     * Predicts class probabilities (each voxel's channels sum to 1) for {@code count} windows.
     *
     * @param windows {@code count * d * h * w} normalised intensities; owned by the caller, who reuses
     *                it for the next call, so do not keep it
     * @param count   number of windows in this call, at least 1
     * @return at least {@code count * d * h * w * numClasses()} values, of which that many leading ones are
     *         read: probabilities; the caller reads them before the next call and never modifies the
     *         array, so an implementation may return the same buffer every time
     */
    float[] predict(float[] windows, int count);
}
