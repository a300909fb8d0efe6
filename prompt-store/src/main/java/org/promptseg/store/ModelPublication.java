package org.promptseg.store;

import java.util.Map;
import java.util.TreeMap;

/**
 * A fine-tuned baseline model of one center (full or head fine-tuning) to be published under
 * {@code models/<center>/<NNNN>/}; the zip itself is streamed separately.
 *
 * @param mode how it was tuned: "full" or "head"
 * @param baseBackboneSha256 the backbone it was fine-tuned from
 */
public record ModelPublication(
        String center,
        String mode,
        String baseBackboneSha256,
        String configHash,
        DataProvenance provenance,
        Map<String, Double> metrics,
        String toolVersion) {

    public ModelPublication {
        metrics = metrics == null ? new TreeMap<>() : new TreeMap<>(metrics); // sorted, like manifests
    }
}
