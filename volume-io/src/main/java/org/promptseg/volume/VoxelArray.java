package org.promptseg.volume;

import java.io.Serializable;

/**
 * The flat voxel values of a volume, in {@link Shape#index} order (x fastest). Values are always the real
 * (scaled) values — HU for CT — whatever the storage type; the storage type is only chosen to be compact:
 * {@link Shorts} where int16 holds the values exactly (typical CT), {@link UnsignedBytes} for label maps,
 * {@link Floats} otherwise.
 */
public sealed interface VoxelArray extends Serializable permits VoxelArray.Shorts, VoxelArray.Floats, VoxelArray.UnsignedBytes {

    int length();

    /** Value of voxel {@code i} as a float. */
    float get(int i);

    /** A fresh array of the same type and length, all zero. */
    VoxelArray newOfSameType(int length);

    /** Copies voxel {@code src} of this array to voxel {@code dst} of {@code target} (same type). */
    void copyTo(int src, VoxelArray target, int dst);

    /** A float copy of all values. */
    default float[] toFloats() {
        float[] f = new float[length()];
        for (int i = 0; i < f.length; i++) {
            f[i] = get(i);
        }
        return f;
    }

    /** Signed 16-bit values (int16 HU, for example). */
    record Shorts(short[] values) implements VoxelArray {
        @Override
        public int length() {
            return values.length;
        }

        @Override
        public float get(int i) {
            return values[i];
        }

        @Override
        public VoxelArray newOfSameType(int length) {
            return new Shorts(new short[length]);
        }

        @Override
        public void copyTo(int src, VoxelArray target, int dst) {
            ((Shorts) target).values[dst] = values[src];
        }
    }

    /** 32-bit float values. */
    record Floats(float[] values) implements VoxelArray {
        @Override
        public int length() {
            return values.length;
        }

        @Override
        public float get(int i) {
            return values[i];
        }

        @Override
        public VoxelArray newOfSameType(int length) {
            return new Floats(new float[length]);
        }

        @Override
        public void copyTo(int src, VoxelArray target, int dst) {
            ((Floats) target).values[dst] = values[src];
        }

        @Override
        public float[] toFloats() {
            return values.clone();
        }
    }

    /** Unsigned 8-bit values 0..255 held in a byte[] (read with {@code & 0xff}); label maps. */
    record UnsignedBytes(byte[] values) implements VoxelArray {
        @Override
        public int length() {
            return values.length;
        }

        @Override
        public float get(int i) {
            return values[i] & 0xff;
        }

        @Override
        public VoxelArray newOfSameType(int length) {
            return new UnsignedBytes(new byte[length]);
        }

        @Override
        public void copyTo(int src, VoxelArray target, int dst) {
            ((UnsignedBytes) target).values[dst] = values[src];
        }
    }
}
