package org.promptseg.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.promptseg.common.Hashing;
import org.promptseg.store.tensor.DType;
import org.promptseg.store.tensor.Tensor;
import org.promptseg.store.tensor.TensorSet;

class BackboneIdsTest {
    private static final TensorSet PARAMS = TensorSet.of(Map.of(
            "w", Tensor.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, 6),
            "b", Tensor.ofFloats(new long[] {2}, 0.5f, -0.5f)));

    @Test
    @DisplayName("the id is the documented hash, recomputed here byte by byte from the javadoc's definition")
    void matchesDefinition() {
        String config = "{\"b\": [1, 2.5], \"a\": {\"z\": true, \"y\": null}}";
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes("promptseg-backbone-id/v1\n".getBytes(StandardCharsets.US_ASCII));
        byte[] canonical = "{\"a\":{\"y\":null,\"z\":true},\"b\":[1,2.5]}".getBytes(StandardCharsets.UTF_8);
        expected.writeBytes(le(8, canonical.length));
        expected.writeBytes(canonical);
        expected.writeBytes(le(8, 2));
        for (String name : new String[] {"b", "w"}) { // name order
            Tensor t = PARAMS.get(name);
            expected.writeBytes(le(4, 1));
            expected.writeBytes(name.getBytes(StandardCharsets.UTF_8));
            expected.writeBytes(le(4, 3));
            expected.writeBytes("F32".getBytes(StandardCharsets.US_ASCII));
            expected.writeBytes(le(4, t.rank()));
            for (long d : t.shape()) {
                expected.writeBytes(le(8, d));
            }
            expected.writeBytes(le(8, t.byteSize()));
            expected.writeBytes(t.copyOfData());
        }
        assertThat(BackboneIds.compute(config, PARAMS)).isEqualTo(Hashing.sha256Hex(expected.toByteArray()));
    }

    private static byte[] le(int width, long v) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
        byte[] out = new byte[width];
        System.arraycopy(b.array(), 0, out, 0, width);
        return out;
    }

    @Test
    @DisplayName("formatting and key order of the configuration do not matter; its values do")
    void canonicalConfiguration() {
        String a = BackboneIds.compute("{\"lr\": 0.0001, \"layers\": [1, 2]}", PARAMS);
        assertThat(BackboneIds.compute("{\n  \"layers\" : [ 1,2 ],\n  \"lr\" : 1.0E-4\n}", PARAMS)).isEqualTo(a);
        assertThat(BackboneIds.compute("{\"lr\": 0.0001, \"layers\": [2, 1]}", PARAMS)).isNotEqualTo(a);
    }

    @Test
    @DisplayName("any change to a parameter's value, shape, dtype or name changes the id")
    void sensitiveToParameters() {
        String base = BackboneIds.compute("{}", PARAMS);
        TensorSet value = TensorSet.of(Map.of("w", Tensor.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, 6.0001f), "b", PARAMS.get("b")));
        TensorSet shape = TensorSet.of(Map.of("w", Tensor.ofFloats(new long[] {3, 2}, 1, 2, 3, 4, 5, 6), "b", PARAMS.get("b")));
        TensorSet dtype = TensorSet.of(Map.of("w", Tensor.of(DType.I32, new long[] {2, 3}, PARAMS.get("w").copyOfData()), "b", PARAMS.get("b")));
        TensorSet name = TensorSet.of(Map.of("w2", PARAMS.get("w"), "b", PARAMS.get("b")));
        assertThat(java.util.List.of(value, shape, dtype, name)).allSatisfy(p -> assertThat(BackboneIds.compute("{}", p)).isNotEqualTo(base));
        assertThat(BackboneIds.compute("{}", PARAMS)).isEqualTo(base).hasSize(64);
    }

    @Test
    @DisplayName("a configuration that is not JSON is refused")
    void badJson() {
        assertThatThrownBy(() -> BackboneIds.compute("{nope", PARAMS)).isInstanceOf(InvalidStoreArgumentException.class)
                .hasMessageContaining("not valid JSON");
    }
}
