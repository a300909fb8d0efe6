package org.promptseg.store.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Json;
import org.promptseg.store.CorruptStoreEntryException;
import org.promptseg.store.StoreEntryNotFoundException;
import org.promptseg.store.StoreException;

/** Writing and reading the store's JSON files; every one carries a {@code format_version}. */
public final class ManifestIo {
    /** Manifests are small; a larger file is corrupt or hostile and is refused before reading. */
    public static final long MAX_JSON_BYTES = 16L << 20;

    private ManifestIo() {}

    /** Pretty JSON with sorted keys and a final newline, as people read it. */
    public static byte[] toBytes(Object manifest) {
        return (Json.pretty(manifest) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads {@code file} as {@code type}. A missing file is {@link StoreEntryNotFoundException}; unparsable
     * JSON or a missing format_version is {@link CorruptStoreEntryException}; a newer format than
     * {@code supportedFormat} is refused with a message saying so.
     */
    public static <T> T read(StoreFs fs, Path file, Class<T> type, int supportedFormat) throws IOException {
        byte[] bytes;
        try {
            bytes = fs.read(file, MAX_JSON_BYTES);
        } catch (FileNotFoundException e) {
            throw new StoreEntryNotFoundException(file + ": missing");
        }
        return parse(bytes, file, type, supportedFormat);
    }

    public static <T> T parse(byte[] bytes, Path file, Class<T> type, int supportedFormat) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(bytes);
        } catch (IOException e) {
            throw new CorruptStoreEntryException(file + ": not valid JSON (" + shortMessage(e) + ")", e);
        }
        if (node == null || !node.isObject()) {
            throw new CorruptStoreEntryException(file + ": expected a JSON object");
        }
        JsonNode fv = node.get("format_version");
        if (fv == null || !fv.isInt()) {
            throw new CorruptStoreEntryException(file + ": field format_version is missing or not an integer");
        }
        if (fv.intValue() > supportedFormat) {
            throw new StoreException(file + ": format_version " + fv.intValue() + " was written by a newer promptseg; this one reads up to "
                    + supportedFormat + ". Upgrade promptseg to read this store.");
        }
        try {
            return Json.mapper().treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new CorruptStoreEntryException(file + ": " + shortMessage(e), e);
        }
    }

    private static String shortMessage(Exception e) {
        if (e instanceof JsonProcessingException j) {
            return j.getOriginalMessage();
        }
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
