package org.promptseg.jobs.rounds;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The trainable parameters of one group by stable name, sorted, as plain floats: the unit the parameter server
 * broadcasts, averages and checkpoints. Immutable; arithmetic returns new sets and fails loudly on
 * mismatched names or shapes.
 */
public final class ParamSet implements Serializable {
    private static final long serialVersionUID = 1L;
    private final TreeMap<String, FloatTensor> tensors;

    public ParamSet(Map<String, FloatTensor> tensors) {
        this.tensors = new TreeMap<>(tensors);
    }

    public static ParamSet empty() {
        return new ParamSet(Map.of());
    }

    public NavigableMap<String, FloatTensor> tensors() {
        return Collections.unmodifiableNavigableMap(tensors);
    }

    public Set<String> names() {
        return tensors().keySet();
    }

    public FloatTensor get(String name) {
        FloatTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor '" + name + "' in this set (has " + tensors.keySet() + ")");
        }
        return t;
    }

    public boolean isEmpty() {
        return tensors.isEmpty();
    }

    /** Number of float values. */
    public long size() {
        long n = 0;
        for (FloatTensor t : tensors.values()) {
            n += t.size();
        }
        return n;
    }

    /** Raw payload size in bytes (4 per value). */
    public long bytes() {
        return 4 * size();
    }

    /** {@code this - other}, name by name. */
    public ParamSet minus(ParamSet other) {
        requireSameLayout(other, "subtract");
        TreeMap<String, FloatTensor> out = new TreeMap<>();
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
            float[] a = e.getValue().data();
            float[] b = other.tensors.get(e.getKey()).data();
            float[] r = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                r[i] = a[i] - b[i];
            }
            out.put(e.getKey(), new FloatTensor(e.getValue().shape(), r));
        }
        return new ParamSet(out);
    }

    /** {@code this + scale * other}, accumulated in double then rounded once. */
    public ParamSet plusScaled(ParamSet other, double scale) {
        return combine(1, other, scale, "add");
    }

    /** {@code alpha * this + beta * other} per element, computed in double and rounded once. */
    private ParamSet combine(double alpha, ParamSet other, double beta, String what) {
        requireSameLayout(other, what);
        TreeMap<String, FloatTensor> out = new TreeMap<>();
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
            float[] a = e.getValue().data();
            float[] b = other.tensors.get(e.getKey()).data();
            float[] r = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                r[i] = (float) (alpha * a[i] + beta * b[i]);
            }
            out.put(e.getKey(), new FloatTensor(e.getValue().shape(), r));
        }
        return new ParamSet(out);
    }

    public ParamSet scaled(double scale) {
        TreeMap<String, FloatTensor> out = new TreeMap<>();
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
            float[] a = e.getValue().data();
            float[] r = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                r[i] = (float) (scale * a[i]);
            }
            out.put(e.getKey(), new FloatTensor(e.getValue().shape(), r));
        }
        return new ParamSet(out);
    }

    /**
     * The exponential moving average step {@code momentum · this + (1 − momentum) · other}, computed in double and
     * rounded once (the EMA teacher of self-supervised pretraining follows its student this way).
     */
    public ParamSet ema(ParamSet other, double momentum) {
        return combine(momentum, other, 1 - momentum, "average");
    }

    /** A set of zeros with this set's names and shapes. */
    public ParamSet zerosLike() {
        TreeMap<String, FloatTensor> out = new TreeMap<>();
        tensors.forEach((k, v) -> out.put(k, new FloatTensor(v.shape(), new float[v.size()])));
        return new ParamSet(out);
    }

    /** Only the named tensors (all must exist). */
    public ParamSet select(Set<String> names) {
        TreeMap<String, FloatTensor> out = new TreeMap<>();
        for (String n : names) {
            out.put(n, get(n));
        }
        return new ParamSet(out);
    }

    /** Largest absolute difference to another set of the same layout. */
    public double maxAbsDifference(ParamSet other) {
        requireSameLayout(other, "compare");
        double max = 0;
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
            float[] a = e.getValue().data();
            float[] b = other.tensors.get(e.getKey()).data();
            for (int i = 0; i < a.length; i++) {
                max = Math.max(max, Math.abs((double) a[i] - b[i]));
            }
        }
        return max;
    }

    void requireSameLayout(ParamSet other, String op) {
        if (!tensors.keySet().equals(other.tensors.keySet())) {
            throw new IllegalArgumentException("cannot " + op + " tensor sets with different names: " + tensors.keySet() + " vs " + other.tensors.keySet());
        }
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
            if (!e.getValue().sameShape(other.tensors.get(e.getKey()))) {
                throw new IllegalArgumentException("cannot " + op + " tensor '" + e.getKey() + "': shapes " + java.util.Arrays.toString(e.getValue().shape())
                        + " and " + java.util.Arrays.toString(other.tensors.get(e.getKey()).shape()));
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSet s && tensors.equals(s.tensors);
    }

    @Override
    public int hashCode() {
        return tensors.hashCode();
    }

    @Override
    public String toString() {
        return "ParamSet" + tensors.keySet() + " (" + size() + " values)";
    }
}
