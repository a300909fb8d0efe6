package org.promptseg.model.infer;

/**
 * Result of sliding-window inference: one class label per voxel (uint8, the argmax of the blended
 * probabilities, ties to the lower class) in the input's (z, y, x) order.
 *
 * <p>Equality of this record compares the label array by identity; compare {@link #labels()} with
 * {@code Arrays.equals} for content.
 */
public record Segmentation(VolumeShape shape, int numClasses, byte[] labels, InferenceStats stats) {

    /** Label of a voxel as an int in [0, numClasses). */
    public int label(int z, int y, int x) {
        return Byte.toUnsignedInt(labels[(z * shape.height() + y) * shape.width() + x]);
    }
}
