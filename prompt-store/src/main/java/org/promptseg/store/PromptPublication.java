package org.promptseg.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.promptseg.store.tensor.TensorSet;

/**
 * Everything a job hands over to publish a new prompt version of one center. The store adds the version
 * number, checksums, creation time and format version.
 *
 * @param center the center the prompts adapt the backbone to
 * @param backboneSha256 the backbone the prompts were tuned on (pinned: they never load onto another)
 * @param parentVersion the version this one was tuned from, or null
 * @param promptKinds the prompt modules present (input, deep, bottleneck, ...)
 * @param tensors the prompt tensors, by parameter name
 * @param configHash hash of the tuning configuration, or null
 * @param provenance training data, or null
 * @param metrics training/validation metrics by name
 * @param toolVersion promptseg version of the writer, or null for this library's own
 */
public record PromptPublication(
        String center,
        String backboneSha256,
        String parentVersion,
        List<String> promptKinds,
        TensorSet tensors,
        String configHash,
        DataProvenance provenance,
        Map<String, Double> metrics,
        String toolVersion) {

    public PromptPublication {
        promptKinds = promptKinds == null ? List.of() : List.copyOf(promptKinds);
        metrics = metrics == null ? new TreeMap<>() : new TreeMap<>(metrics); // sorted, like manifests
        if (tensors == null || tensors.isEmpty()) {
            throw new InvalidStoreArgumentException("a prompt version of center '" + center + "' needs at least one tensor");
        }
    }

    public static Builder builder(String center, String backboneSha256, TensorSet tensors) {
        return new Builder(center, backboneSha256, tensors);
    }

    /** Fluent construction; only center, backbone and tensors are required. */
    public static final class Builder {
        private final String center;
        private final String backboneSha256;
        private final TensorSet tensors;
        private String parentVersion;
        private final List<String> kinds = new ArrayList<>();
        private String configHash;
        private DataProvenance provenance;
        private final TreeMap<String, Double> metrics = new TreeMap<>();
        private String toolVersion;

        private Builder(String center, String backboneSha256, TensorSet tensors) {
            this.center = center;
            this.backboneSha256 = backboneSha256;
            this.tensors = tensors;
        }

        public Builder parentVersion(String parentVersion) {
            this.parentVersion = parentVersion;
            return this;
        }

        public Builder promptKinds(List<String> kinds) {
            this.kinds.addAll(kinds);
            return this;
        }

        public Builder configHash(String configHash) {
            this.configHash = configHash;
            return this;
        }

        public Builder provenance(DataProvenance provenance) {
            this.provenance = provenance;
            return this;
        }

        public Builder metric(String name, double value) {
            metrics.put(name, value);
            return this;
        }

        public Builder metrics(Map<String, Double> values) {
            metrics.putAll(values);
            return this;
        }

        public Builder toolVersion(String toolVersion) {
            this.toolVersion = toolVersion;
            return this;
        }

        public PromptPublication build() {
            return new PromptPublication(center, backboneSha256, parentVersion, kinds, tensors, configHash, provenance, metrics, toolVersion);
        }
    }
}
