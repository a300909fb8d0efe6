package org.promptseg.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.promptseg.common.Hashing;
import org.promptseg.common.Json;
import org.promptseg.store.tensor.Tensor;
import org.promptseg.store.tensor.TensorSet;

/**
 * The one definition of a backbone id (DESIGN §10): SHA-256 over the canonical configuration JSON and
 * the parameters, so that the same architecture with the same weights has the same id however often it
 * is saved (model zips embed timestamps, so hashing the zip would not do).
 *
 * <p>Hashed, in this order, every length little endian so that no two inputs share a byte stream:
 * <ol>
 *   <li>the ASCII line {@code promptseg-backbone-id/v1\n};
 *   <li>u64 length and UTF-8 bytes of the configuration re-serialised canonically (keys sorted, no
 *       whitespace, numbers as Java prints them), so formatting and key order do not matter;
 *   <li>u64 number of parameters, then for each parameter <em>in name order</em>: u32 length and bytes
 *       of the name, u32 length and bytes of the dtype name, u32 rank, u64 per dimension, u64 length
 *       and the little-endian data bytes.
 * </ol>
 * Changing any of this changes every id: bump the version line if it ever has to change.
 */
public final class BackboneIds {
    static final String DOMAIN = "promptseg-backbone-id/v1\n";

    private BackboneIds() {}

    /**
     * @param configurationJson the model's configuration as JSON (any formatting or key order)
     * @param parameters every parameter of the model by name (the model module extracts them)
     * @return 64 lowercase hex digits
     */
    public static String compute(String configurationJson, TensorSet parameters) {
        MessageDigest md = Hashing.sha256();
        md.update(DOMAIN.getBytes(StandardCharsets.US_ASCII));
        byte[] config = canonicalJson(configurationJson).getBytes(StandardCharsets.UTF_8);
        md.update(u64(config.length));
        md.update(config);
        md.update(u64(parameters.size()));
        for (Map.Entry<String, Tensor> e : parameters.asMap().entrySet()) {
            Tensor t = e.getValue();
            lengthPrefixed(md, e.getKey().getBytes(StandardCharsets.UTF_8));
            lengthPrefixed(md, t.dtype().headerName().getBytes(StandardCharsets.US_ASCII));
            md.update(u32(t.rank()));
            for (long d : t.shape()) {
                md.update(u64(d));
            }
            md.update(u64(t.byteSize()));
            md.update(t.buffer());
        }
        return Hashing.hex(md.digest());
    }

    /** The configuration with keys sorted and no whitespace; the form that is hashed. */
    public static String canonicalJson(String json) {
        try {
            Object tree = Json.mapper().readValue(json, Object.class);
            return Json.canonical(tree);
        } catch (JsonProcessingException e) {
            throw new InvalidStoreArgumentException("backbone configuration is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static void lengthPrefixed(MessageDigest md, byte[] bytes) {
        md.update(u32(bytes.length));
        md.update(bytes);
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }
}
