package org.promptseg.jobs.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.promptseg.jobs.rounds.FloatTensor;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.store.tensor.Tensor;

/** The one conversion between the model's INDArrays and the plain tensors that travel and are stored. */
public final class TensorConversions {
    private TensorConversions() {}

    public static FloatTensor toTensor(INDArray a) {
        // dup: parameter tables hold views into one flat buffer, whose data() would be the whole buffer
        INDArray c = a.castTo(DataType.FLOAT).dup('c');
        return new FloatTensor(a.shape().clone(), c.data().asFloat());
    }

    public static INDArray toArray(FloatTensor t) {
        return Nd4j.create(t.data().clone(), t.shape(), 'c');
    }

    public static ParamSet toSet(Map<String, INDArray> arrays) {
        Map<String, FloatTensor> out = new TreeMap<>();
        arrays.forEach((k, v) -> out.put(k, toTensor(v)));
        return new ParamSet(out);
    }

    /** To the store's tensor container (float32, little endian). */
    public static org.promptseg.store.tensor.TensorSet toStore(ParamSet set) {
        org.promptseg.store.tensor.TensorSet.Builder b = org.promptseg.store.tensor.TensorSet.builder();
        set.tensors().forEach((k, v) -> b.put(k, Tensor.ofFloats(v.shape(), v.data())));
        return b.build();
    }

    /** From the store's tensor container; every tensor is read as float32 values. */
    public static ParamSet fromStore(org.promptseg.store.tensor.TensorSet set) {
        Map<String, FloatTensor> out = new TreeMap<>();
        set.asMap().forEach((k, v) -> out.put(k, new FloatTensor(v.shape(), v.toFloats())));
        return new ParamSet(out);
    }

    public static Map<String, INDArray> toArrays(ParamSet set) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        set.tensors().forEach((k, v) -> out.put(k, toArray(v)));
        return out;
    }
}
