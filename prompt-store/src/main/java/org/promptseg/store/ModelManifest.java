package org.promptseg.store;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.SortedMap;
import java.util.TreeMap;

/** {@code models/<center>/<NNNN>/manifest.json}: a published full/head fine-tuned baseline. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ModelManifest(
        int formatVersion,
        String center,
        String version,
        String mode,
        String baseBackboneSha256,
        String modelSha256,
        long modelBytes,
        String configHash,
        DataProvenance provenance,
        SortedMap<String, Double> metrics,
        String createdAt,
        String toolVersion) {

    public static final int FORMAT_VERSION = 1;

    public ModelManifest {
        metrics = metrics == null ? new TreeMap<>() : new TreeMap<>(metrics);
    }

    public int versionNumber() {
        return Integer.parseInt(version);
    }
}
