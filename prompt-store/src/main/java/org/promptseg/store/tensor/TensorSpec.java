package org.promptseg.store.tensor;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.List;

/**
 * Type and shape of a tensor without its data: what manifests record and what size estimates need.
 * Serialises as {@code {"dtype":"F32","shape":[2,16]}}.
 */
public record TensorSpec(@JsonProperty("dtype") DType dtype, @JsonProperty("shape") List<Long> shape) {

    @JsonCreator
    public TensorSpec {
        if (dtype == null || shape == null) {
            throw new IllegalArgumentException("a tensor spec needs a dtype and a shape");
        }
        shape = List.copyOf(shape);
        Tensor.elementCount(shapeArray(shape)); // rejects negative dimensions and overflow
    }

    public static TensorSpec of(DType dtype, long... shape) {
        return new TensorSpec(dtype, Arrays.stream(shape).boxed().toList());
    }

    public static TensorSpec of(Tensor t) {
        return of(t.dtype(), t.shape());
    }

    public long[] shapeArray() {
        return shapeArray(shape);
    }

    public long elementCount() {
        return Tensor.elementCount(shapeArray());
    }

    public long byteSize() {
        return Tensor.byteSize(dtype, shapeArray());
    }

    @Override
    public String toString() {
        return dtype + shape.toString();
    }

    private static long[] shapeArray(List<Long> shape) {
        long[] a = new long[shape.size()];
        for (int i = 0; i < a.length; i++) {
            Long d = shape.get(i);
            if (d == null) {
                throw new IllegalArgumentException("null dimension in shape " + shape);
            }
            a[i] = d;
        }
        return a;
    }
}
