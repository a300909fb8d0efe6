package org.promptseg.store.tensor;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** What a safetensors file holds: its tensors and its free-form string metadata ({@code __metadata__}). */
public record SafetensorsContent(TensorSet tensors, SortedMap<String, String> metadata) {
    public SafetensorsContent {
        metadata = Collections.unmodifiableSortedMap(new TreeMap<>(metadata));
    }
}
