package org.promptseg.store.tensor;

import java.util.Locale;

/**
 * Element types of a tensor, named as in the safetensors header.
 *
 * <p>The declaration order is the reference implementation's own dtype order. Its writer lays tensors
 * out by that order, largest first, then by name; {@link Safetensors} does the same so that every
 * tensor starts at a multiple of its element size and our files are byte-identical to the reference
 * writer's for the same tensors.
 */
public enum DType {
    BOOL(1),
    U8(1),
    I8(1),
    I16(2),
    U16(2),
    F16(2),
    BF16(2),
    I32(4),
    U32(4),
    F32(4),
    F64(8),
    I64(8),
    U64(8);

    private final int size;

    DType(int size) {
        this.size = size;
    }

    /** Bytes per element. */
    public int size() {
        return size;
    }

    /** The name written in the safetensors header ("F32", ...). */
    public String headerName() {
        return name();
    }

    public boolean isFloatingPoint() {
        return this == F16 || this == BF16 || this == F32 || this == F64;
    }

    /** Parses a header dtype name; null if unknown (callers report the file and field). */
    public static DType fromHeaderName(String name) {
        if (name == null) {
            return null;
        }
        try {
            return valueOf(name.toUpperCase(Locale.ROOT).equals(name) ? name : "?");
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
