package org.promptseg.store.tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A dense tensor as it crosses module boundaries: element type, shape (row-major, C order) and the
 * raw little-endian bytes. No arithmetic lives here; the model module converts to and from its own
 * arrays, Python reads the same bytes with numpy.
 *
 * <p>Immutable: the bytes are copied in and never handed out except as a read-only view or a copy.
 */
public final class Tensor {
    private final DType dtype;
    private final long[] shape;
    private final byte[] data;

    private Tensor(DType dtype, long[] shape, byte[] data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    /**
     * A tensor from little-endian bytes (copied).
     *
     * @throws IllegalArgumentException if a dimension is negative or the byte count does not equal
     *     elements x element size
     */
    public static Tensor of(DType dtype, long[] shape, byte[] littleEndianData) {
        return wrap(dtype, shape.clone(), littleEndianData.clone());
    }

    /** Takes ownership of both arrays; only for code in this package that just created them. */
    static Tensor wrap(DType dtype, long[] shape, byte[] data) {
        if (dtype == null) {
            throw new IllegalArgumentException("tensor dtype is missing");
        }
        long expected = byteSize(dtype, shape);
        if (expected != data.length) {
            throw new IllegalArgumentException("tensor " + dtype + Arrays.toString(shape) + " needs " + expected
                    + " bytes, got " + data.length);
        }
        if (dtype == DType.BOOL) {
            for (int i = 0; i < data.length; i++) {
                if (data[i] != 0 && data[i] != 1) {
                    throw new IllegalArgumentException("BOOL tensor element " + i + " is " + (data[i] & 0xff) + ", expected 0 or 1");
                }
            }
        }
        return new Tensor(dtype, shape, data);
    }

    public static Tensor ofFloats(long[] shape, float... values) {
        ByteBuffer b = allocate(values.length, 4);
        b.asFloatBuffer().put(values);
        return wrap(DType.F32, shape.clone(), b.array());
    }

    public static Tensor ofDoubles(long[] shape, double... values) {
        ByteBuffer b = allocate(values.length, 8);
        b.asDoubleBuffer().put(values);
        return wrap(DType.F64, shape.clone(), b.array());
    }

    public static Tensor ofInts(long[] shape, int... values) {
        ByteBuffer b = allocate(values.length, 4);
        b.asIntBuffer().put(values);
        return wrap(DType.I32, shape.clone(), b.array());
    }

    public static Tensor ofLongs(long[] shape, long... values) {
        ByteBuffer b = allocate(values.length, 8);
        b.asLongBuffer().put(values);
        return wrap(DType.I64, shape.clone(), b.array());
    }

    public static Tensor ofUnsignedBytes(long[] shape, byte... values) {
        return wrap(DType.U8, shape.clone(), values.clone());
    }

    /** Number of bytes a tensor of this type and shape occupies; rejects negative dimensions and overflow. */
    public static long byteSize(DType dtype, long[] shape) {
        return Math.multiplyExact(elementCount(shape), (long) dtype.size());
    }

    /** Product of the dimensions (1 for a scalar, shape {@code []}). */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public DType dtype() {
        return dtype;
    }

    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long elementCount() {
        return data.length / dtype.size();
    }

    public long byteSize() {
        return data.length;
    }

    /** A read-only little-endian view of the bytes. */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    public byte[] copyOfData() {
        return data.clone();
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(data);
    }

    /** The values of an F32 tensor. */
    public float[] toFloats() {
        requireDtype(DType.F32, "toFloats()");
        float[] out = new float[(int) elementCount()];
        buffer().asFloatBuffer().get(out);
        return out;
    }

    /** The values of an I32 tensor. */
    public int[] toInts() {
        requireDtype(DType.I32, "toInts()");
        int[] out = new int[(int) elementCount()];
        buffer().asIntBuffer().get(out);
        return out;
    }

    /**
     * Every element widened to double (exact for all types except I64/U64 beyond 2^53). Used for
     * comparisons such as version diffs, where the stored type must not matter.
     */
    public double[] toDoubles() {
        int n = (int) elementCount();
        double[] out = new double[n];
        ByteBuffer b = buffer();
        for (int i = 0; i < n; i++) {
            out[i] = elementAsDouble(b, i);
        }
        return out;
    }

    private double elementAsDouble(ByteBuffer b, int i) {
        return switch (dtype) {
            case BOOL, U8 -> b.get(i) & 0xff;
            case I8 -> b.get(i);
            case I16 -> b.getShort(2 * i);
            case U16 -> b.getShort(2 * i) & 0xffff;
            case F16 -> HalfFloats.halfToFloat(b.getShort(2 * i) & 0xffff);
            case BF16 -> HalfFloats.bfloat16ToFloat(b.getShort(2 * i) & 0xffff);
            case I32 -> b.getInt(4 * i);
            case U32 -> b.getInt(4 * i) & 0xffffffffL;
            case F32 -> b.getFloat(4 * i);
            case F64 -> b.getDouble(8 * i);
            case I64 -> b.getLong(8 * i);
            case U64 -> unsignedToDouble(b.getLong(8 * i));
        };
    }

    /** Correctly rounded: halve keeping the lowest bit sticky (round to odd), convert, double. */
    private static double unsignedToDouble(long v) {
        if (v >= 0) {
            return v;
        }
        return (double) ((v >>> 1) | (v & 1)) * 2.0;
    }

    private void requireDtype(DType expected, String what) {
        if (dtype != expected) {
            throw new IllegalStateException(what + " needs a " + expected + " tensor, this one is " + this);
        }
    }

    private static ByteBuffer allocate(int count, int size) {
        return ByteBuffer.allocate(Math.multiplyExact(count, size)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Same type, same shape, same bytes. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && t.dtype == dtype && Arrays.equals(t.shape, shape) && Arrays.equals(t.data, data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
    }

    /** Type and shape only, e.g. {@code F32[2, 16, 32]}: tensors can be large. */
    @Override
    public String toString() {
        return dtype + Arrays.toString(shape);
    }
}
