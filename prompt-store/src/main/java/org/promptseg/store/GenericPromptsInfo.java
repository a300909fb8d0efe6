package org.promptseg.store;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.SortedMap;
import java.util.TreeMap;
import org.promptseg.store.tensor.TensorSpec;

/** The generic prompts stored with a backbone ({@code generic.safetensors}): checksum, size, tensor shapes. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record GenericPromptsInfo(String sha256, long bytes, SortedMap<String, TensorSpec> tensors) {
    public GenericPromptsInfo {
        tensors = tensors == null ? new TreeMap<>() : new TreeMap<>(tensors);
    }
}
