package org.promptseg.store;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One prompt version in full: {@code store show --center C VERSION|ALIAS}. */
public record VersionDetails(String store, String path, PromptManifest manifest, List<String> aliases) implements StoreResult {
    public VersionDetails {
        aliases = List.copyOf(aliases);
    }

    @Override
    public String toText() {
        PromptManifest m = manifest;
        StringBuilder b = new StringBuilder();
        b.append("center ").append(m.center()).append(" version ").append(m.version());
        if (!aliases.isEmpty()) {
            b.append("  [").append(String.join(", ", aliases)).append(']');
        }
        b.append('\n');
        b.append("  path           ").append(path).append('\n');
        b.append("  backbone       ").append(m.backboneSha256()).append('\n');
        b.append("  parent         ").append(m.parentVersion() == null ? "-" : m.parentVersion()).append('\n');
        b.append("  prompt kinds   ").append(String.join(", ", m.promptKinds())).append('\n');
        b.append(String.format(Locale.ROOT, "  parameters     %,d in %d tensor(s), file %,d bytes, sha256 %s%n", m.parameterCount(),
                m.tensors().size(), m.tensorsBytes(), m.tensorsSha256()));
        m.tensors().forEach((name, spec) -> b.append("    ").append(name).append("  ").append(spec).append('\n'));
        b.append("  config hash    ").append(m.configHash() == null ? "-" : m.configHash()).append('\n');
        if (m.provenance() != null) {
            b.append("  data           ").append(m.provenance().datasetUri()).append(", ").append(m.provenance().caseCount())
                    .append(" case(s), ids sha256 ").append(m.provenance().caseIdsSha256()).append('\n');
        }
        for (Map.Entry<String, Double> e : m.metrics().entrySet()) {
            b.append(String.format(Locale.ROOT, "  metric         %s = %.6g%n", e.getKey(), e.getValue()));
        }
        b.append("  created        ").append(m.createdAt()).append(" by promptseg ").append(m.toolVersion()).append('\n');
        return b.toString();
    }
}
