package org.promptseg.jobs.train;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.promptseg.model.train.DataBatch;
import org.promptseg.volume.preprocess.Normalization;
import org.promptseg.volume.preprocess.Patch;

/**
 * Patches → the network's batch layout: normalised on the fly (the stored patches are int16 HU), NDHWC
 * with one channel, labels as global class indices, and the center's class mask (partial labels).
 * A patch's (z, y, x) voxel order with x fastest is exactly [D, H, W, 1] with W fastest.
 */
public final class PatchBatches {
    private PatchBatches() {}

    public static INDArray images(List<Patch> patches, Normalization norm) {
        int[] s = patches.get(0).shapeZyx();
        int vox = s[0] * s[1] * s[2];
        float[] all = new float[patches.size() * vox];
        float[] one = new float[vox];
        for (int i = 0; i < patches.size(); i++) {
            Patch p = patches.get(i);
            if (p.voxelCount() != vox) {
                throw new IllegalArgumentException("patch " + p.center() + "/" + p.caseId() + "#" + p.index() + " has shape "
                        + java.util.Arrays.toString(p.shapeZyx()) + ", the batch has " + java.util.Arrays.toString(s));
            }
            norm.apply(p.image(), one);
            System.arraycopy(one, 0, all, i * vox, vox);
        }
        return Nd4j.create(all, new long[] {patches.size(), s[0], s[1], s[2], 1}, 'c');
    }

    public static INDArray classIndices(List<Patch> patches) {
        int[] s = patches.get(0).shapeZyx();
        int vox = s[0] * s[1] * s[2];
        float[] all = new float[patches.size() * vox];
        for (int i = 0; i < patches.size(); i++) {
            byte[] l = patches.get(i).label();
            for (int v = 0; v < vox; v++) {
                all[i * vox + v] = l[v] & 0xff;
            }
        }
        return Nd4j.create(all, new long[] {patches.size(), s[0], s[1], s[2]}, 'c');
    }

    /** Already normalised images of one shape (e.g. augmented views) → [N, D, H, W, 1]. */
    public static INDArray images(List<float[]> images, int[] shapeZyx) {
        int vox = shapeZyx[0] * shapeZyx[1] * shapeZyx[2];
        float[] all = new float[images.size() * vox];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(images.get(i), 0, all, i * vox, vox);
        }
        return Nd4j.create(all, new long[] {images.size(), shapeZyx[0], shapeZyx[1], shapeZyx[2], 1}, 'c');
    }

    /** Label arrays of one shape → [N, D, H, W] class indices; a null entry (no label) becomes all background. */
    public static INDArray classIndices(List<byte[]> labels, int[] shapeZyx) {
        int vox = shapeZyx[0] * shapeZyx[1] * shapeZyx[2];
        float[] all = new float[labels.size() * vox];
        for (int i = 0; i < labels.size(); i++) {
            byte[] l = labels.get(i);
            if (l != null) {
                for (int v = 0; v < vox; v++) {
                    all[i * vox + v] = l[v] & 0xff;
                }
            }
        }
        return Nd4j.create(all, new long[] {labels.size(), shapeZyx[0], shapeZyx[1], shapeZyx[2]}, 'c');
    }

    /** [N, C] mask: 1 where the center labels the class (background always labelled). */
    public static INDArray classMask(int n, boolean[] labelled) {
        INDArray m = Nd4j.zeros(DataType.FLOAT, n, labelled.length);
        for (int c = 0; c < labelled.length; c++) {
            if (labelled[c] || c == 0) {
                m.getColumn(c).assign(1);
            }
        }
        return m;
    }

    public static DataBatch batch(List<Patch> patches, Normalization norm, boolean[] labelled) {
        return DataBatch.ofClassIndices(images(patches, norm), classIndices(patches), labelled.length, classMask(patches.size(), labelled));
    }
}
