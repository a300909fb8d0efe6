package org.promptseg.model.train;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.promptseg.model.ModelConfigException;

/**
 * One training batch in the network's layout.
 *
 * @param images    [N, D, H, W, 1] normalised intensities
 * @param target    one-hot [N, D, H, W, C] over the global classes
 * @param classMask [N, C], 1 where the sample's center labels the class (background always 1)
 */
public record DataBatch(INDArray images, INDArray target, INDArray classMask) {

    public DataBatch {
        if (images.rank() != 5 || images.size(4) != 1) {
            throw new ModelConfigException("images", "[N, D, H, W, 1]", Arrays.toString(images.shape()));
        }
        if (target.rank() != 5 || target.size(0) != images.size(0) || target.size(1) != images.size(1)
                || target.size(2) != images.size(2) || target.size(3) != images.size(3)) {
            throw new ModelConfigException("target", "one-hot [N, D, H, W, C] matching images " + Arrays.toString(images.shape()),
                    Arrays.toString(target.shape()));
        }
        if (classMask.rank() != 2 || classMask.size(0) != images.size(0) || classMask.size(1) != target.size(4)) {
            throw new ModelConfigException("classMask", "[" + images.size(0) + ", " + target.size(4) + "]",
                    Arrays.toString(classMask.shape()));
        }
    }

    public long size() {
        return images.size(0);
    }

    /** A batch whose samples label every class. */
    public static DataBatch ofOneHot(INDArray images, INDArray oneHot) {
        return new DataBatch(images, oneHot, allLabelled(images.size(0), (int) oneHot.size(4)));
    }

    /**
     * @param classIndices [N, D, H, W] or [N, D, H, W, 1] integer class per voxel, in [0, numClasses)
     * @param classMask    [N, C] or null for "every class labelled"
     */
    public static DataBatch ofClassIndices(INDArray images, INDArray classIndices, int numClasses, INDArray classMask) {
        INDArray idx = classIndices.rank() == 5 ? classIndices.reshape(classIndices.shape()[0], classIndices.shape()[1],
                classIndices.shape()[2], classIndices.shape()[3]) : classIndices;
        if (idx.rank() != 4) {
            throw new ModelConfigException("classIndices", "[N, D, H, W] or [N, D, H, W, 1]", Arrays.toString(classIndices.shape()));
        }
        double min = idx.minNumber().doubleValue();
        double max = idx.maxNumber().doubleValue();
        if (min < 0 || max >= numClasses) {
            throw new ModelConfigException("classIndices", "class indices in [0, " + numClasses + ")", "values in [" + min + ", " + max + "]");
        }
        return new DataBatch(images, oneHot(idx, numClasses, images.dataType()),
                classMask == null ? allLabelled(idx.size(0), numClasses) : classMask);
    }

    /** [N, D, H, W] indices to one-hot [N, D, H, W, C]. */
    public static INDArray oneHot(INDArray indices, int numClasses, DataType type) {
        long[] s = indices.shape();
        INDArray out = Nd4j.create(type, s[0], s[1], s[2], s[3], numClasses);
        for (int c = 0; c < numClasses; c++) {
            out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(c))
                    .assign(indices.eq(c).castTo(type));
        }
        return out;
    }

    public static INDArray allLabelled(long n, int numClasses) {
        return Nd4j.ones(DataType.FLOAT, n, numClasses);
    }
}
