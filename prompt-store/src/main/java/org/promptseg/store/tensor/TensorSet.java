package org.promptseg.store.tensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Named tensors, sorted by name: the content of one safetensors file (prompts of one center, generic
 * prompts, a round checkpoint).
 *
 * <p>Names are 1-256 printable ASCII characters without spaces and must not start with {@code __}
 * (the format reserves {@code __metadata__}); model parameter keys such as {@code prompt/deep/3_tokens}
 * fit, and so names can never smuggle control characters into headers, logs or error messages.
 */
public final class TensorSet {
    private static final TensorSet EMPTY = new TensorSet(new TreeMap<>());

    private final NavigableMap<String, Tensor> tensors;

    private TensorSet(NavigableMap<String, Tensor> tensors) {
        this.tensors = Collections.unmodifiableNavigableMap(tensors);
    }

    public static TensorSet empty() {
        return EMPTY;
    }

    public static TensorSet of(Map<String, Tensor> tensors) {
        TreeMap<String, Tensor> copy = new TreeMap<>();
        tensors.forEach((name, t) -> {
            requireValidName(name);
            if (t == null) {
                throw new IllegalArgumentException("tensor '" + name + "' is null");
            }
            copy.put(name, t);
        });
        return new TensorSet(copy);
    }

    public static TensorSet of(String name, Tensor tensor) {
        return of(Map.of(name, tensor));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Throws {@link IllegalArgumentException} unless {@code name} is a valid tensor name. */
    public static String requireValidName(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("invalid tensor name " + (name == null ? "(none)" : "'" + printable(name) + "'")
                    + ": expected 1-256 printable ASCII characters without spaces, not starting with '__'");
        }
        return name;
    }

    public static boolean isValidName(String name) {
        if (name == null || name.isEmpty() || name.length() > 256 || name.startsWith("__")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** The tensor called {@code name}; the exception lists the names that exist. */
    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor named '" + printable(name) + "'; present: " + tensors.keySet());
        }
        return t;
    }

    public Optional<Tensor> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    public NavigableMap<String, Tensor> asMap() {
        return tensors;
    }

    /** Type and shape of every tensor, by name. */
    public SortedMap<String, TensorSpec> specs() {
        TreeMap<String, TensorSpec> out = new TreeMap<>();
        tensors.forEach((n, t) -> out.put(n, TensorSpec.of(t)));
        return out;
    }

    public int size() {
        return tensors.size();
    }

    public boolean isEmpty() {
        return tensors.isEmpty();
    }

    public long totalBytes() {
        return tensors.values().stream().mapToLong(Tensor::byteSize).sum();
    }

    public long totalElements() {
        return tensors.values().stream().mapToLong(Tensor::elementCount).sum();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSet s && s.tensors.equals(tensors);
    }

    @Override
    public int hashCode() {
        return tensors.hashCode();
    }

    @Override
    public String toString() {
        return tensors.toString();
    }

    static String printable(String s) {
        return org.promptseg.common.Ids.printable(s == null ? "" : s);
    }

    /** Collects tensors; rejects a name given twice. */
    public static final class Builder {
        private final LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();

        public Builder put(String name, Tensor tensor) {
            requireValidName(name);
            if (tensors.putIfAbsent(name, tensor) != null) {
                throw new IllegalArgumentException("tensor '" + name + "' given twice");
            }
            return this;
        }

        public TensorSet build() {
            return of(tensors);
        }
    }
}
