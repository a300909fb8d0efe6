package org.promptseg.store;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.promptseg.store.tensor.TensorSpec;

/**
 * {@code prompts/<center>/versions/<NNNN>/manifest.json}: what a published prompt version is.
 *
 * @param formatVersion layout version of this file ({@link #FORMAT_VERSION})
 * @param version the zero-padded version number, equal to the directory name
 * @param tensorsSha256 SHA-256 of {@code prompts.safetensors}
 * @param tensorsBytes size of {@code prompts.safetensors}
 * @param tensors dtype and shape of every tensor in the file
 * @param createdAt ISO-8601 instant of publication
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PromptManifest(
        int formatVersion,
        String center,
        String version,
        String parentVersion,
        String backboneSha256,
        List<String> promptKinds,
        SortedMap<String, TensorSpec> tensors,
        String tensorsSha256,
        long tensorsBytes,
        String configHash,
        DataProvenance provenance,
        SortedMap<String, Double> metrics,
        String createdAt,
        String toolVersion) {

    public static final int FORMAT_VERSION = 1;

    public PromptManifest {
        promptKinds = promptKinds == null ? List.of() : List.copyOf(promptKinds);
        tensors = tensors == null ? new TreeMap<>() : new TreeMap<>(tensors);
        metrics = metrics == null ? new TreeMap<>() : new TreeMap<>(metrics);
    }

    /** The version as a number (3 for "0003"). */
    public int versionNumber() {
        return Integer.parseInt(version);
    }

    /** Total number of prompt parameters. */
    public long parameterCount() {
        return tensors.values().stream().mapToLong(TensorSpec::elementCount).sum();
    }
}
