package org.promptseg.model.infer;

import org.promptseg.volume.Geometry;
import org.promptseg.volume.Shape;
import org.promptseg.volume.Volume;

/**
 * Result of sliding-window inference: one class label per voxel (uint8, the argmax of the blended
 * probabilities, ties to the lower class) in the input's (z, y, x) order.
 *
 * <p>Equality of this record compares the label array by identity; compare {@link #labels()} with
 * {@code Arrays.equals} for content.
 */
public record Segmentation(VolumeShape shape, int numClasses, byte[] labels, InferenceStats stats) {

    /**
     * The labels as a volume-io label map on {@code geometry} — the grid inference ran on; a job that
     * resampled the image for the network resamples this map back to the source grid.
     */
    public Volume toVolume(Geometry geometry) {
        return Volume.ofLabels(new Shape(shape.depth(), shape.height(), shape.width()), geometry, labels);
    }

    /** Label of a voxel as an int in [0, numClasses). */
    public int label(int z, int y, int x) {
        return Byte.toUnsignedInt(labels[(z * shape.height() + y) * shape.width() + x]);
    }
}
