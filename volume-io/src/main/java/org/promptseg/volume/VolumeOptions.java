package org.promptseg.volume;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.Serializable;

/**
 * Settings of volume reading and writing ({@code promptseg.volume.*} in reference.conf, where the defaults and their
 * documentation live).
 *
 * @param maxVolumeBytes largest volume the reader will allocate (voxels x bytes per voxel in memory), checked against
 *     the header before any allocation
 * @param readBufferBytes size of the read buffer between the (decompressed) stream and the voxel arrays
 * @param gzipLevel deflate level 1..9 for written {@code .nii.gz}
 * @param keepFreeText whether the writer keeps descrip/aux_file/intent_name when it is given them
 * @param geometryToleranceMm largest corner distance between an image and its label map still taken as the same grid
 */
public record VolumeOptions(long maxVolumeBytes, int readBufferBytes, int gzipLevel, boolean keepFreeText, double geometryToleranceMm)
        implements Serializable {
    public VolumeOptions {
        if (maxVolumeBytes < 1) {
            throw new IllegalArgumentException("promptseg.volume.max-volume-bytes must be positive, got " + maxVolumeBytes);
        }
        if (readBufferBytes < 4096 || readBufferBytes > (1 << 30)) {
            throw new IllegalArgumentException("promptseg.volume.read-buffer-size must be between 4k and 1g, got " + readBufferBytes);
        }
        if (gzipLevel < 1 || gzipLevel > 9) {
            throw new IllegalArgumentException("promptseg.volume.gzip-level must be 1..9, got " + gzipLevel);
        }
        if (!(geometryToleranceMm >= 0)) {
            throw new IllegalArgumentException("promptseg.volume.geometry-tolerance-mm must be >= 0, got " + geometryToleranceMm);
        }
    }

    public static VolumeOptions fromConfig(Config root) {
        Config c = root.getConfig("promptseg.volume");
        return new VolumeOptions(
                c.getBytes("max-volume-bytes"),
                Math.toIntExact(c.getBytes("read-buffer-size")),
                c.getInt("gzip-level"),
                c.getBoolean("keep-free-text"),
                c.getDouble("geometry-tolerance-mm"));
    }

    /** The reference.conf defaults. */
    public static VolumeOptions defaults() {
        return fromConfig(ConfigFactory.defaultReference());
    }

    public VolumeOptions withMaxVolumeBytes(long bytes) {
        return new VolumeOptions(bytes, readBufferBytes, gzipLevel, keepFreeText, geometryToleranceMm);
    }

    public VolumeOptions withGzipLevel(int level) {
        return new VolumeOptions(maxVolumeBytes, readBufferBytes, level, keepFreeText, geometryToleranceMm);
    }

    public VolumeOptions withKeepFreeText(boolean keep) {
        return new VolumeOptions(maxVolumeBytes, readBufferBytes, gzipLevel, keep, geometryToleranceMm);
    }
}
