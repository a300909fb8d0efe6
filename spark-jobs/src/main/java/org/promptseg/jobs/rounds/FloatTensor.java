package org.promptseg.jobs.rounds;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One named parameter as it travels between driver and executors: a shape and plain floats
 * (row-major, C order). Plain arrays on purpose: nothing here can drag a model or an INDArray
 * workspace into a Spark closure (DESIGN §11).
 */
public record FloatTensor(long[] shape, float[] data) implements Serializable {
    public FloatTensor {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values, data has " + data.length);
        }
    }

    public int size() {
        return data.length;
    }

    public long bytes() {
        return 4L * data.length;
    }

    public boolean sameShape(FloatTensor other) {
        return Arrays.equals(shape, other.shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
