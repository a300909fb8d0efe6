package org.promptseg.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What the caller (the model module, through the jobs) says about a backbone when storing it; the store
 * records it in {@code backbone.json} without interpreting the model-specific parts.
 *
 * @param preset architecture preset (tiny, paper, ...)
 * @param classNames the global class list, index = label value
 * @param patchSize training patch size (z, y, x)
 * @param parameterCount number of parameters
 * @param normalisation the dataset fingerprint / CT normalisation, so inference normalises identically
 * @param provenance training provenance (data, config hash, rounds, ...)
 * @param details anything else the model module wants to keep with the backbone, or null
 */
public record BackboneDescription(
        String preset,
        List<String> classNames,
        List<Integer> patchSize,
        long parameterCount,
        JsonNode normalisation,
        JsonNode provenance,
        JsonNode details) {

    public BackboneDescription {
        classNames = classNames == null ? List.of() : List.copyOf(classNames);
        patchSize = patchSize == null ? List.of() : List.copyOf(patchSize);
    }
}
