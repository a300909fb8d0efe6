package org.promptseg.store.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TensorTest {

    @Nested
    @DisplayName("a tensor")
    class Construction {
        @Test
        @DisplayName("keeps floats as little-endian bytes and gives them back unchanged")
        void floatsRoundTrip() {
            float[] values = {1.5f, -0f, Float.MIN_VALUE, Float.NaN, 3e38f, -2.75f};
            Tensor t = Tensor.ofFloats(new long[] {2, 3}, values);
            assertThat(t.dtype()).isEqualTo(DType.F32);
            assertThat(t.shape()).containsExactly(2, 3);
            assertThat(t.byteSize()).isEqualTo(24);
            assertThat(t.buffer().order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
            assertThat(t.copyOfData()).startsWith((byte) 0x00, (byte) 0x00, (byte) 0xc0, (byte) 0x3f); // 1.5f = 0x3fc00000
            assertThat(t.toFloats()).usingElementComparator((a, b) -> Float.compare(a, b)).containsExactly(values);
        }

        @Test
        @DisplayName("refuses data whose length does not match dtype and shape")
        void refusesWrongLength() {
            assertThatThrownBy(() -> Tensor.of(DType.F32, new long[] {2, 2}, new byte[15]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("F32[2, 2]").hasMessageContaining("16 bytes").hasMessageContaining("got 15");
        }

        @Test
        @DisplayName("refuses negative dimensions and element counts that overflow")
        void refusesBadShapes() {
            assertThatThrownBy(() -> Tensor.of(DType.U8, new long[] {-1}, new byte[0])).hasMessageContaining("negative dimension");
            assertThatThrownBy(() -> Tensor.byteSize(DType.F64, new long[] {1L << 40, 1L << 30})).isInstanceOf(ArithmeticException.class);
        }

        @Test
        @DisplayName("copies its input, so a caller changing its array afterwards changes nothing")
        void defensiveCopy() {
            byte[] data = {1, 2, 3};
            long[] shape = {3};
            Tensor t = Tensor.of(DType.U8, shape, data);
            data[0] = 9;
            shape[0] = 1;
            assertThat(t.copyOfData()).containsExactly(1, 2, 3);
            assertThat(t.shape()).containsExactly(3);
        }

        @Test
        @DisplayName("a scalar has shape [] and one element")
        void scalar() {
            Tensor t = Tensor.ofDoubles(new long[0], 2.5);
            assertThat(t.elementCount()).isEqualTo(1);
            assertThat(t.rank()).isZero();
            assertThat(t.toDoubles()).containsExactly(2.5);
        }
    }

    @Nested
    @DisplayName("toDoubles widens every element type exactly")
    class Widening {
        @Test
        void integers() {
            assertThat(Tensor.ofInts(new long[] {3}, -7, 0, Integer.MAX_VALUE).toDoubles()).containsExactly(-7, 0, Integer.MAX_VALUE);
            assertThat(Tensor.ofLongs(new long[] {2}, -1L << 40, 5).toDoubles()).containsExactly(-(double) (1L << 40), 5);
            assertThat(Tensor.ofUnsignedBytes(new long[] {2}, (byte) 0xff, (byte) 1).toDoubles()).containsExactly(255, 1);
            assertThat(Tensor.of(DType.I8, new long[] {1}, new byte[] {(byte) 0xff}).toDoubles()).containsExactly(-1);
            assertThat(Tensor.of(DType.U16, new long[] {1}, new byte[] {(byte) 0xff, (byte) 0xff}).toDoubles()).containsExactly(65535);
            assertThat(Tensor.of(DType.U32, new long[] {1}, new byte[] {-1, -1, -1, -1}).toDoubles()).containsExactly(4294967295.0);
            assertThat(Tensor.of(DType.U64, new long[] {1}, new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}).toDoubles())
                    .containsExactly(18446744073709551615.0);
        }

        @Test
        @DisplayName("half precision: 1.0, -2.0, the smallest subnormal, infinity")
        void halfPrecision() {
            // 0x3c00 = 1.0, 0xc000 = -2.0, 0x0001 = 2^-24, 0x7c00 = +inf (little endian)
            Tensor t = Tensor.of(DType.F16, new long[] {4}, new byte[] {0x00, 0x3c, 0x00, (byte) 0xc0, 0x01, 0x00, 0x00, 0x7c});
            assertThat(t.toDoubles()).containsExactly(1.0, -2.0, Math.pow(2, -24), Double.POSITIVE_INFINITY);
        }

        @Test
        @DisplayName("bfloat16 is the upper half of a float")
        void bfloat16() {
            // 0x3fc0 = 1.5, 0xc040 = -3.0
            Tensor t = Tensor.of(DType.BF16, new long[] {2}, new byte[] {(byte) 0xc0, 0x3f, 0x40, (byte) 0xc0});
            assertThat(t.toDoubles()).containsExactly(1.5, -3.0);
        }
    }

    @Test
    @DisplayName("toFloats on a non-F32 tensor says which dtype it has")
    void toFloatsNeedsF32() {
        assertThatThrownBy(() -> Tensor.ofDoubles(new long[] {1}, 1).toFloats()).hasMessageContaining("F32").hasMessageContaining("F64[1]");
    }

    @Test
    @DisplayName("tensor names: printable ASCII, no spaces, no leading '__'")
    void names() {
        assertThat(TensorSet.isValidName("prompt/deep/3_tokens")).isTrue();
        assertThat(TensorSet.isValidName("__metadata__")).isFalse();
        assertThat(TensorSet.isValidName("has space")).isFalse();
        assertThat(TensorSet.isValidName("caf\u00e9")).isFalse();
        assertThat(TensorSet.isValidName("line\nbreak")).isFalse();
        assertThat(TensorSet.isValidName("")).isFalse();
        assertThatThrownBy(() -> TensorSet.of("bad\u202ename", Tensor.ofFloats(new long[] {1}, 1f)))
                .hasMessageContaining("\\u202e").hasMessageContaining("printable ASCII");
        assertThatThrownBy(() -> TensorSet.builder().put("a", Tensor.ofFloats(new long[] {1}, 1f)).put("a", Tensor.ofFloats(new long[] {1}, 2f)))
                .hasMessageContaining("'a' given twice");
    }
}
