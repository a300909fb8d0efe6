package org.promptseg.store.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SafetensorsFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Tensors of every element size, a scalar and an empty tensor, in random shapes, from a seed. */
    static TensorSet randomSet(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        TensorSet.Builder b = TensorSet.builder();
        DType[] types = DType.values();
        int n = 1 + r.nextInt(8);
        for (int i = 0; i < n; i++) {
            DType t = types[r.nextInt(types.length)];
            int rank = r.nextInt(4);
            long[] shape = new long[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = r.nextInt(5); // includes 0: empty tensors are legal
            }
            byte[] data = new byte[(int) Tensor.byteSize(t, shape)];
            for (int k = 0; k < data.length; k++) {
                data[k] = (byte) (t == DType.BOOL ? r.nextInt(2) : r.nextInt(256));
            }
            b.put("t" + i + "_" + t.name().toLowerCase(), Tensor.of(t, shape, data));
        }
        return b.build();
    }

    @Nested
    @DisplayName("the writer")
    class Writer {
        @Test
        @DisplayName("produces exactly the bytes of the reference implementation (safetensors 0.8 numpy.save) for the same tensors")
        void matchesReferenceBytes() {
            // Bytes written by the reference writer for these tensors and metadata, captured once. (Its metadata
            // order is hash order and varies between runs; this capture happens to be sorted, as we write it.)
            String reference = "70010000000000007b225f5f6d657461646174615f5f223a7b2261223a2278222c226b223a2276227d2c2263223a7b226474797065223a"
                    + "22463634222c227368617065223a5b325d2c22646174615f6f666673657473223a5b302c31365d7d2c2261223a7b226474797065223a224633"
                    + "32222c227368617065223a5b325d2c22646174615f6f666673657473223a5b31362c32345d7d2c2262223a7b226474797065223a2246333222"
                    + "2c227368617065223a5b335d2c22646174615f6f666673657473223a5b32342c33365d7d2c2273223a7b226474797065223a22463332222c22"
                    + "7368617065223a5b5d2c22646174615f6f666673657473223a5b33362c34305d7d2c2269223a7b226474797065223a22493332222c22736861"
                    + "7065223a5b322c325d2c22646174615f6f666673657473223a5b34302c35365d7d2c227a223a7b226474797065223a225538222c2273686170"
                    + "65223a5b302c325d2c22646174615f6f666673657473223a5b35362c35365d7d7d202020fca9f1d24d62503f0000000000001cc00000c0bf00"
                    + "001040000000000000803f000000400000604001000000feffffff0300000004000000";
            TensorSet set = TensorSet.builder()
                    .put("b", Tensor.ofFloats(new long[] {3}, 0f, 1f, 2f))
                    .put("a", Tensor.ofFloats(new long[] {2}, -1.5f, 2.25f))
                    .put("c", Tensor.ofDoubles(new long[] {2}, 1e-3, -7.0))
                    .put("z", Tensor.of(DType.U8, new long[] {0, 2}, new byte[0]))
                    .put("s", Tensor.ofFloats(new long[0], 3.5f))
                    .put("i", Tensor.ofInts(new long[] {2, 2}, 1, -2, 3, 4))
                    .build();
            byte[] ours = Safetensors.toBytes(set, Map.of("k", "v", "a", "x"));
            assertThat(HexFormat.of().formatHex(ours)).isEqualTo(reference);
        }

        @Test
        @DisplayName("follows the format's rules byte by byte for random tensors of every dtype")
        void followsTheRules() throws Exception {
            for (long seed = 1; seed <= 200; seed++) {
                TensorSet set = randomSet(seed);
                Map<String, String> metadata = Map.of("seed", Long.toString(seed), "note", "quote \" backslash \\ newline \n");
                byte[] file = Safetensors.toBytes(set, metadata);

                // 1. eight bytes: header length N, unsigned little endian
                long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                assertThat(8 + n).isLessThanOrEqualTo(file.length);
                // padded so that the data starts at a multiple of 8, with spaces only after the JSON object
                assertThat((8 + n) % 8).isZero();
                String header = new String(file, 8, (int) n, StandardCharsets.UTF_8);
                int end = header.lastIndexOf('}') + 1;
                assertThat(header.substring(end)).matches(" {0,7}");
                assertThat(header).startsWith("{");
                // 2. compact JSON: metadata first, then tensors
                JsonNode h = JSON.readTree(header.substring(0, end));
                Iterator<String> keys = h.fieldNames();
                assertThat(keys.next()).isEqualTo("__metadata__");
                assertThat(h.get("__metadata__").get("seed").textValue()).isEqualTo(Long.toString(seed));
                assertThat(h.get("__metadata__").get("note").textValue()).isEqualTo(metadata.get("note"));
                assertThat(header).doesNotContain(": ").doesNotContain(", ");

                // 3. data: tensors in header order, contiguous from 0, each aligned to its element size,
                //    larger element sizes first, names ascending within a dtype
                long cursor = 0;
                int previousOrdinal = Integer.MAX_VALUE;
                String previousName = "";
                List<String> seen = new ArrayList<>();
                while (keys.hasNext()) {
                    String name = keys.next();
                    JsonNode e = h.get(name);
                    assertThat(e.size()).isEqualTo(3);
                    DType dtype = DType.valueOf(e.get("dtype").textValue());
                    long begin = e.get("data_offsets").get(0).longValue();
                    long stop = e.get("data_offsets").get(1).longValue();
                    assertThat(begin).isEqualTo(cursor);
                    assertThat(begin % dtype.size()).isZero();
                    assertThat(dtype.ordinal()).isLessThanOrEqualTo(previousOrdinal);
                    if (dtype.ordinal() == previousOrdinal) {
                        assertThat(name).isGreaterThan(previousName);
                    }
                    Tensor expected = set.get(name);
                    List<Long> shape = new ArrayList<>();
                    e.get("shape").forEach(d -> shape.add(d.longValue()));
                    assertThat(shape).containsExactlyElementsOf(TensorSpec.of(expected).shape());
                    byte[] data = new byte[(int) (stop - begin)];
                    System.arraycopy(file, (int) (8 + n + begin), data, 0, data.length);
                    assertThat(data).containsExactly(expected.copyOfData());
                    cursor = stop;
                    previousOrdinal = dtype.ordinal();
                    previousName = name;
                    seen.add(name);
                }
                assertThat(8 + n + cursor).isEqualTo(file.length);
                assertThat(seen).containsExactlyInAnyOrderElementsOf(set.asMap().keySet());
                assertThat(Safetensors.encodedSize(set.specs(), metadata)).isEqualTo(file.length);
            }
        }

        @Test
        @DisplayName("writes no __metadata__ entry for empty metadata, and pads even an empty file to 8 bytes")
        void emptyMetadata() {
            byte[] file = Safetensors.toBytes(TensorSet.empty(), Map.of());
            assertThat(new String(file, 8, file.length - 8, StandardCharsets.UTF_8)).isEqualTo("{}      ");
            assertThat(file[0]).isEqualTo((byte) 8);
        }
    }

    @Nested
    @DisplayName("the reader")
    class Reader {
        @Test
        @DisplayName("reads back what the writer wrote, tensors and metadata")
        void roundTrip() {
            for (long seed = 1; seed <= 200; seed++) {
                TensorSet set = randomSet(seed);
                SafetensorsContent back = Safetensors.read(Safetensors.toBytes(set, Map.of("k", "v" + seed)), "mem:" + seed);
                assertThat(back.tensors()).isEqualTo(set);
                assertThat(back.metadata()).containsExactly(Map.entry("k", "v" + seed));
            }
        }

        private byte[] file(String header, int dataBytes) {
            byte[] h = header.getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(h.length).put(h);
            return b.array();
        }

        private void refused(byte[] file, String... fragments) {
            var thrown = assertThatThrownBy(() -> Safetensors.read(file, "hdfs://nn/store/x.safetensors"))
                    .isInstanceOf(SafetensorsFormatException.class)
                    .hasMessageContaining("hdfs://nn/store/x.safetensors");
            for (String f : fragments) {
                thrown.hasMessageContaining(f);
            }
        }

        @Test
        @DisplayName("accepts a file written by hand that follows the rules, in any key order and with padding")
        void acceptsHandWritten() {
            byte[] f = file("{\"w\":{\"data_offsets\":[0,4],\"shape\":[1],\"dtype\":\"I32\"},\"__metadata__\":{\"format\":\"np\"}}   ", 4);
            f[f.length - 4] = 7;
            SafetensorsContent c = Safetensors.read(f, "x");
            assertThat(c.tensors().get("w").toInts()).containsExactly(7);
            assertThat(c.metadata()).containsEntry("format", "np");
        }

        @Test
        void tooShort() {
            refused(new byte[5], "fewer than the 8-byte header length");
        }

        @Test
        void headerPastEnd() {
            byte[] f = file("{}", 0);
            f[0] = 100;
            refused(f, "runs past the end");
        }

        @Test
        void hugeHeaderLength() {
            byte[] f = file("{}", 0);
            f[7] = 0x7f;
            refused(f, "header length", "outside");
        }

        @Test
        void notAnObject() {
            refused(file("[1,2]   ", 0), "does not start with '{'");
        }

        @Test
        void invalidUtf8() {
            byte[] f = file("{\"a\":1}", 0);
            f[10] = (byte) 0xc3; // truncated two-byte sequence
            f[11] = '"';
            refused(f, "not valid UTF-8");
        }

        @Test
        void duplicateNames() {
            refused(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2),
                    "not valid JSON", "Duplicate field 'a'");
        }

        @Test
        void unknownDtype() {
            refused(file("{\"a\":{\"dtype\":\"F128\",\"shape\":[1],\"data_offsets\":[0,16]}}", 16), "tensor 'a'.dtype", "F128");
        }

        @Test
        void offsetsDisagreeWithShape() {
            refused(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4), "tensor 'a'.data_offsets", "F32[2] needs 8");
        }

        @Test
        void hole() {
            refused(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}", 2), "tensor 'a'.data_offsets", "hole");
        }

        @Test
        void overlap() {
            refused(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"b\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[1,3]}}", 3),
                    "overlaps");
        }

        @Test
        void trailingBytes() {
            refused(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 3), "trailing bytes");
        }

        @Test
        void truncatedData() {
            refused(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]}}", 2), "truncated");
        }

        @Test
        void unknownKey() {
            refused(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"offsets\":[0,1]}}", 1), "unknown key 'offsets'");
        }

        @Test
        void negativeDimension() {
            refused(file("{\"a\":{\"dtype\":\"U8\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0), "tensor 'a'.shape[0]");
        }

        @Test
        void nonStringMetadata() {
            refused(file("{\"__metadata__\":{\"n\":1}}", 0), "__metadata__.n must be a string");
        }

        @Test
        void boolOtherThanZeroOrOne() {
            byte[] f = file("{\"a\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}", 2);
            f[f.length - 1] = 2;
            refused(f, "tensor 'a'", "BOOL", "0 or 1");
        }

        @Test
        void garbageAfterJson() {
            refused(file("{} {}", 0), "after the header's JSON object");
        }

        @Test
        void controlCharacterInName() {
            refused(file("{\"a\\nb\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}}", 0), "not a valid tensor name");
        }
    }

    @Test
    @DisplayName("encodedSize is exact for shapes alone")
    void encodedSize() {
        TreeMap<String, TensorSpec> specs = new TreeMap<>(Map.of("tokens", TensorSpec.of(DType.F32, 3, 16, 32), "bias", TensorSpec.of(DType.F32, 32)));
        TensorSet set = TensorSet.of(Map.of(
                "tokens", Tensor.of(DType.F32, new long[] {3, 16, 32}, new byte[3 * 16 * 32 * 4]),
                "bias", Tensor.of(DType.F32, new long[] {32}, new byte[32 * 4])));
        assertThat(Safetensors.encodedSize(specs, Map.of("a", "b"))).isEqualTo(Safetensors.toBytes(set, Map.of("a", "b")).length);
    }
}
