package org.promptseg.store.tensor;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reader and writer of the safetensors format, exact to its published rules:
 *
 * <ol>
 *   <li>8 bytes: {@code N}, the header length, unsigned 64-bit little endian;
 *   <li>{@code N} bytes: a UTF-8 JSON object mapping each tensor name to
 *       {@code {"dtype":..,"shape":[..],"data_offsets":[begin,end]}}, plus an optional
 *       {@code "__metadata__"} object of string to string;
 *   <li>the data: every tensor's little-endian bytes, offsets relative to the start of the data,
 *       contiguous, without holes or overlaps, covering the rest of the file exactly.
 * </ol>
 *
 * <p>The writer lays files out as the reference writer does, so the bytes are identical to its own for
 * the same tensors: compact JSON, metadata first, then tensors ordered by dtype (largest element first,
 * see {@link DType}) and name, and the header padded with spaces so that the data starts at a multiple
 * of 8. One deliberate difference: metadata keys are sorted, where the reference writes them in hash
 * order, which changes from run to run; with at most one metadata entry the bytes are identical. An
 * empty metadata map is written as no {@code __metadata__} entry.
 *
 * <p>The reader is strict: unknown dtypes or keys, duplicate names, offsets that disagree with the
 * shape, holes, overlaps, trailing bytes and headers over 100 MB are refused with a
 * {@link SafetensorsFormatException} naming the source and the field.
 */
public final class Safetensors {
    /** Same cap as the reference implementation: a corrupt length must not allocate gigabytes. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final String METADATA_KEY = "__metadata__";
    private static final JsonFactory WRITER_FACTORY = new JsonFactory();
    private static final ObjectMapper READER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Layout order of the reference writer: larger element types first, then by name. */
    private static final Comparator<Map.Entry<String, TensorSpec>> LAYOUT_ORDER =
            Comparator.<Map.Entry<String, TensorSpec>>comparingInt(e -> -e.getValue().dtype().ordinal())
                    .thenComparing(Map.Entry::getKey);

    private Safetensors() {}

    public static byte[] toBytes(TensorSet tensors, Map<String, String> metadata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8, tensors.totalBytes() + 1024));
        try {
            write(tensors, metadata, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** Writes the file to {@code out} (not closed). */
    public static void write(TensorSet tensors, Map<String, String> metadata, OutputStream out) throws IOException {
        List<Map.Entry<String, TensorSpec>> layout = layout(tensors.specs());
        byte[] header = header(layout, metadata);
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        out.write(length.array());
        out.write(header);
        for (Map.Entry<String, TensorSpec> e : layout) {
            tensors.get(e.getKey()).writeTo(out);
        }
    }

    /** The exact size of the file {@link #write} produces for tensors of these types and shapes. */
    public static long encodedSize(SortedMap<String, TensorSpec> specs, Map<String, String> metadata) {
        specs.keySet().forEach(TensorSet::requireValidName);
        List<Map.Entry<String, TensorSpec>> layout = layout(specs);
        long data = layout.stream().mapToLong(e -> e.getValue().byteSize()).sum();
        return 8L + header(layout, metadata).length + data;
    }

    private static List<Map.Entry<String, TensorSpec>> layout(SortedMap<String, TensorSpec> specs) {
        List<Map.Entry<String, TensorSpec>> layout = new ArrayList<>(specs.entrySet());
        layout.sort(LAYOUT_ORDER);
        return layout;
    }

    private static byte[] header(List<Map.Entry<String, TensorSpec>> layout, Map<String, String> metadata) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (JsonGenerator g = WRITER_FACTORY.createGenerator(json)) {
            g.writeStartObject();
            if (metadata != null && !metadata.isEmpty()) {
                g.writeObjectFieldStart(METADATA_KEY);
                for (Map.Entry<String, String> m : new TreeMap<>(metadata).entrySet()) {
                    if (m.getKey() == null || m.getValue() == null) {
                        throw new IllegalArgumentException("safetensors metadata keys and values must not be null");
                    }
                    g.writeStringField(m.getKey(), m.getValue());
                }
                g.writeEndObject();
            }
            long offset = 0;
            for (Map.Entry<String, TensorSpec> e : layout) {
                TensorSpec spec = e.getValue();
                g.writeObjectFieldStart(e.getKey());
                g.writeStringField("dtype", spec.dtype().headerName());
                g.writeArrayFieldStart("shape");
                for (long d : spec.shape()) {
                    g.writeNumber(d);
                }
                g.writeEndArray();
                long end = offset + spec.byteSize();
                g.writeArrayFieldStart("data_offsets");
                g.writeNumber(offset);
                g.writeNumber(end);
                g.writeEndArray();
                g.writeEndObject();
                offset = end;
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padding = (8 - json.size() % 8) % 8;
        for (int i = 0; i < padding; i++) {
            json.write(' ');
        }
        return json.toByteArray();
    }

    /** Parses a whole file held in memory; {@code source} names it in error messages (a URI). */
    public static SafetensorsContent read(byte[] file, String source) {
        if (file.length < 8) {
            throw new SafetensorsFormatException(source, "the file has " + file.length + " bytes, fewer than the 8-byte header length");
        }
        long headerLength = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
            throw new SafetensorsFormatException(source, "header length " + Long.toUnsignedString(headerLength)
                    + " is outside 2.." + MAX_HEADER_BYTES + " bytes");
        }
        if (8 + headerLength > file.length) {
            throw new SafetensorsFormatException(source, "header length " + headerLength + " runs past the end of the "
                    + file.length + "-byte file");
        }
        int dataStart = (int) (8 + headerLength);
        ObjectNode header = parseHeader(file, dataStart, source);

        SortedMap<String, String> metadata = new TreeMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : header.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                readMetadata(field.getValue(), source, metadata);
            } else {
                entries.add(readEntry(field.getKey(), field.getValue(), source));
            }
        }
        long dataLength = file.length - (long) dataStart;
        checkContiguous(entries, dataLength, source);

        TreeMap<String, Tensor> tensors = new TreeMap<>();
        for (Entry e : entries) {
            byte[] data = new byte[(int) (e.end - e.begin)];
            System.arraycopy(file, (int) (dataStart + e.begin), data, 0, data.length);
            try {
                tensors.put(e.name, Tensor.wrap(e.spec.dtype(), e.spec.shapeArray(), data));
            } catch (IllegalArgumentException invalid) {
                throw new SafetensorsFormatException(source, "tensor '" + e.name + "': " + invalid.getMessage());
            }
        }
        return new SafetensorsContent(TensorSet.of(tensors), metadata);
    }

    private static ObjectNode parseHeader(byte[] file, int dataStart, String source) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(file, 8, dataStart - 8))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsFormatException(source, "the header is not valid UTF-8", e);
        }
        if (!text.startsWith("{")) {
            throw new SafetensorsFormatException(source, "the header does not start with '{'");
        }
        try (JsonParser p = READER.createParser(text)) {
            JsonNode node = READER.readTree(p);
            if (!(node instanceof ObjectNode obj)) {
                throw new SafetensorsFormatException(source, "the header is not a JSON object");
            }
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new SafetensorsFormatException(source, "bytes after the header's JSON object (only space padding is allowed)");
            }
            return obj;
        } catch (JsonProcessingException e) {
            throw new SafetensorsFormatException(source, "the header is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // parsing a String does no I/O
        }
    }

    private static void readMetadata(JsonNode node, String source, SortedMap<String, String> metadata) {
        if (!node.isObject()) {
            throw new SafetensorsFormatException(source, "__metadata__ must be an object of strings");
        }
        node.properties().forEach(m -> {
            if (!m.getValue().isTextual()) {
                throw new SafetensorsFormatException(source, "__metadata__." + TensorSet.printable(m.getKey()) + " must be a string");
            }
            metadata.put(m.getKey(), m.getValue().textValue());
        });
    }

    private record Entry(String name, TensorSpec spec, long begin, long end) {}

    private static Entry readEntry(String name, JsonNode node, String source) {
        String where = "tensor '" + TensorSet.printable(name) + "'";
        if (!TensorSet.isValidName(name)) {
            throw new SafetensorsFormatException(source, where + ": name is not a valid tensor name");
        }
        if (!node.isObject()) {
            throw new SafetensorsFormatException(source, where + ": expected an object with dtype, shape and data_offsets");
        }
        node.properties().forEach(p -> {
            String k = p.getKey();
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
                throw new SafetensorsFormatException(source, where + ": unknown key '" + TensorSet.printable(k) + "'");
            }
        });
        JsonNode dtypeNode = node.get("dtype");
        DType dtype = dtypeNode != null && dtypeNode.isTextual() ? DType.fromHeaderName(dtypeNode.textValue()) : null;
        if (dtype == null) {
            throw new SafetensorsFormatException(source, where + ".dtype: expected one of " + java.util.Arrays.toString(DType.values())
                    + ", got " + (dtypeNode == null ? "nothing" : TensorSet.printable(dtypeNode.toString())));
        }
        long[] shape = longArray(node.get("shape"), -1, source, where + ".shape");
        long[] offsets = longArray(node.get("data_offsets"), 2, source, where + ".data_offsets");
        TensorSpec spec;
        try {
            spec = TensorSpec.of(dtype, shape);
            spec.byteSize();
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new SafetensorsFormatException(source, where + ".shape: " + e.getMessage());
        }
        if (offsets[1] < offsets[0]) {
            throw new SafetensorsFormatException(source, where + ".data_offsets: end " + offsets[1] + " is before begin " + offsets[0]);
        }
        if (offsets[1] - offsets[0] != spec.byteSize()) {
            throw new SafetensorsFormatException(source, where + ".data_offsets: " + (offsets[1] - offsets[0]) + " bytes, but "
                    + spec + " needs " + spec.byteSize());
        }
        return new Entry(name, spec, offsets[0], offsets[1]);
    }

    private static long[] longArray(JsonNode node, int requiredLength, String source, String where) {
        if (node == null || !node.isArray() || (requiredLength >= 0 && node.size() != requiredLength)) {
            throw new SafetensorsFormatException(source, where + ": expected an array of "
                    + (requiredLength >= 0 ? requiredLength + " " : "") + "non-negative integers");
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new SafetensorsFormatException(source, where + "[" + i + "]: expected a non-negative integer, got " + v);
            }
            out[i] = v.longValue();
        }
        return out;
    }

    private static void checkContiguous(List<Entry> entries, long dataLength, String source) {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long cursor = 0;
        for (Entry e : byOffset) {
            if (e.begin != cursor) {
                throw new SafetensorsFormatException(source, "tensor '" + e.name + "'.data_offsets: begins at " + e.begin + ", expected "
                        + cursor + (e.begin > cursor ? " (a hole in the data)" : " (overlaps the previous tensor)"));
            }
            cursor = e.end;
        }
        if (cursor != dataLength) {
            throw new SafetensorsFormatException(source, "the tensors cover " + cursor + " data bytes but the file has " + dataLength
                    + (cursor < dataLength ? " (trailing bytes)" : " (truncated)"));
        }
    }
}
