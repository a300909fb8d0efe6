package org.promptseg.volume.preprocess;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One training patch, the row of the shard job's Parquet output (DESIGN §4): int16 HU image and uint8 label (global
 * class indices) in (z, y, x) order, x fastest; its origin in the prepared case's grid (may be negative or reach past
 * the far border: those voxels are padding), its shape and spacing, and whether any voxel is foreground.
 *
 * @param index position of the patch in its case's sample (0-based)
 * @param label null when the case has no label
 * @param foreground true if some label voxel is > 0
 */
public record Patch(String center, String caseId, int index, int[] originZyx, int[] shapeZyx, double[] spacingZyx,
                    short[] image, byte[] label, boolean foreground) implements Serializable {

    /** The image as little-endian int16 bytes, the Parquet column format. */
    public byte[] imageBytesLE() {
        ByteBuffer bb = ByteBuffer.allocate(image.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        bb.asShortBuffer().put(image);
        return bb.array();
    }

    /** Inverse of {@link #imageBytesLE()}. */
    public static short[] imageFromBytesLE(byte[] bytes) {
        if (bytes.length % 2 != 0) {
            throw new IllegalArgumentException("int16 image column has an odd number of bytes: " + bytes.length);
        }
        short[] s = new short[bytes.length / 2];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(s);
        return s;
    }

    public int voxelCount() {
        return shapeZyx[0] * shapeZyx[1] * shapeZyx[2];
    }
}
