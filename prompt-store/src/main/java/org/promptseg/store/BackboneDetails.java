package org.promptseg.store;

import java.util.List;
import java.util.Locale;

/** One backbone in full: {@code store show --backbone ID|PREFIX|latest|ALIAS}. */
public record BackboneDetails(String store, String path, BackboneManifest manifest, List<String> aliases) implements StoreResult {
    public BackboneDetails {
        aliases = List.copyOf(aliases);
    }

    @Override
    public String toText() {
        BackboneManifest m = manifest;
        StringBuilder b = new StringBuilder("backbone ").append(m.backboneId());
        if (!aliases.isEmpty()) {
            b.append("  [").append(String.join(", ", aliases)).append(']');
        }
        b.append('\n');
        b.append("  path           ").append(path).append('\n');
        b.append("  preset         ").append(m.preset()).append('\n');
        b.append("  classes        ").append(String.join(", ", m.classNames())).append('\n');
        b.append("  patch size     ").append(m.patchSize()).append('\n');
        b.append(String.format(Locale.ROOT, "  parameters     %,d%n", m.parameterCount()));
        b.append(String.format(Locale.ROOT, "  model.zip      %,d bytes, sha256 %s%n", m.zipBytes(), m.zipSha256()));
        if (m.genericPrompts() != null) {
            b.append(String.format(Locale.ROOT, "  generic        %,d bytes, %d tensor(s)%n", m.genericPrompts().bytes(), m.genericPrompts().tensors().size()));
        }
        b.append("  created        ").append(m.createdAt()).append(" by promptseg ").append(m.toolVersion()).append('\n');
        return b.toString();
    }
}
