package org.promptseg.store.tensor;

/** IEEE 754 half precision and bfloat16 to float, for reading F16/BF16 tensors (Java 17 has no built-in). */
final class HalfFloats {
    private HalfFloats() {}

    static float halfToFloat(int bits) {
        int sign = (bits >>> 15) & 1;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        float magnitude;
        if (exponent == 0) {
            magnitude = mantissa * 0x1p-24f; // zero or subnormal
        } else if (exponent == 0x1f) {
            magnitude = mantissa == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            magnitude = Float.intBitsToFloat(((exponent - 15 + 127) << 23) | (mantissa << 13));
        }
        return sign == 1 ? -magnitude : magnitude;
    }

    static float bfloat16ToFloat(int bits) {
        return Float.intBitsToFloat(bits << 16);
    }
}
