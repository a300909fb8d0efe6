package org.promptseg.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * {@code backbones/<id>/backbone.json}. The id is computed by the caller from configuration and
 * parameters ({@link BackboneIds}), not from the zip, which embeds timestamps; the zip's own SHA-256 is
 * recorded here so that {@code verify} can check the stored bytes.
 *
 * @param genericPrompts the generic prompts stored with the backbone, or null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record BackboneManifest(
        int formatVersion,
        String backboneId,
        String preset,
        List<String> classNames,
        List<Integer> patchSize,
        long parameterCount,
        JsonNode normalisation,
        JsonNode provenance,
        JsonNode details,
        String zipSha256,
        long zipBytes,
        GenericPromptsInfo genericPrompts,
        String createdAt,
        String toolVersion) {

    public static final int FORMAT_VERSION = 1;

    public BackboneManifest {
        classNames = classNames == null ? List.of() : List.copyOf(classNames);
        patchSize = patchSize == null ? List.of() : List.copyOf(patchSize);
        normalisation = nullIfJsonNull(normalisation);
        provenance = nullIfJsonNull(provenance);
        details = nullIfJsonNull(details);
    }

    static JsonNode nullIfJsonNull(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n;
    }
}
