package org.promptseg.jobs.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import org.promptseg.common.Hashing;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VoxelArray;

/**
 * SHA-256 of a case's content: shape, affine and voxel values of image and label. Independent of the file
 * format (a .nii converted to .nii.gz keeps its hash), so re-tuning notices changed data, not re-encoded files.
 */
public final class ContentHash {
    private ContentHash() {}

    public static String of(Volume image, Volume label) {
        MessageDigest md = Hashing.sha256();
        update(md, image);
        if (label != null) {
            update(md, label);
        }
        return Hashing.hex(md.digest());
    }

    private static void update(MessageDigest md, Volume v) {
        ByteBuffer head = ByteBuffer.allocate(3 * 4 + 16 * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (int d : v.shape().zyx()) {
            head.putInt(d);
        }
        for (double a : v.geometry().voxelToWorld().toArray()) {
            head.putDouble(a);
        }
        md.update(head.array());
        VoxelArray voxels = v.voxels();
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < voxels.length(); i++) {
            if (buf.remaining() < 4) {
                md.update(buf.array(), 0, buf.position());
                buf.clear();
            }
            buf.putFloat(voxels.get(i));
        }
        md.update(buf.array(), 0, buf.position());
    }
}
