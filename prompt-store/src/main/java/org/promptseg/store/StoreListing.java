package org.promptseg.store;

import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.TreeMap;

/** What a store (or one center of it) holds: {@code store list}. */
public record StoreListing(String store, List<BackboneSummary> backbones, SortedMap<String, String> backboneAliases, List<CenterListing> centers)
        implements StoreResult {

    public StoreListing {
        backbones = List.copyOf(backbones);
        backboneAliases = new TreeMap<>(backboneAliases);
        centers = List.copyOf(centers);
    }

    public record BackboneSummary(String id, String preset, long parameterCount, long zipBytes, boolean genericPrompts, String createdAt) {}

    /** @param aliases alias name to the version it currently points to */
    public record CenterListing(String center, List<VersionSummary> versions, SortedMap<String, String> aliases, List<ModelSummary> models) {
        public CenterListing {
            versions = List.copyOf(versions);
            aliases = new TreeMap<>(aliases);
            models = List.copyOf(models);
        }
    }

    /** @param aliases the aliases currently pointing at this version */
    public record VersionSummary(String version, String parentVersion, String backboneSha256, List<String> promptKinds, long parameters,
            long bytes, String createdAt, List<String> aliases) {}

    public record ModelSummary(String version, String mode, String baseBackboneSha256, long bytes, String createdAt) {}

    @Override
    public String toText() {
        StringBuilder b = new StringBuilder("store ").append(store).append('\n');
        if (!backbones.isEmpty()) {
            b.append("backbones:\n");
            for (BackboneSummary s : backbones) {
                List<String> names = backboneAliases.entrySet().stream().filter(e -> e.getValue().equals(s.id())).map(e -> e.getKey()).toList();
                b.append(String.format(Locale.ROOT, "  %s  %-6s %,12d params %,12d bytes%s  %s%s%n", s.id(), s.preset(), s.parameterCount(),
                        s.zipBytes(), s.genericPrompts() ? "  +generic" : "", s.createdAt(), names.isEmpty() ? "" : "  [" + String.join(", ", names) + "]"));
            }
        }
        for (CenterListing c : centers) {
            b.append("center ").append(c.center()).append(":\n");
            for (VersionSummary v : c.versions()) {
                b.append(String.format(Locale.ROOT, "  %s  backbone %s  %-16s %,10d params %,10d bytes  %s%s%n", v.version(),
                        v.backboneSha256().substring(0, 12), String.join("+", v.promptKinds()), v.parameters(), v.bytes(), v.createdAt(),
                        v.aliases().isEmpty() ? "" : "  [" + String.join(", ", v.aliases()) + "]"));
            }
            for (ModelSummary m : c.models()) {
                b.append(String.format(Locale.ROOT, "  model %s  %-4s from %s %,12d bytes  %s%n", m.version(), m.mode(),
                        m.baseBackboneSha256().substring(0, 12), m.bytes(), m.createdAt()));
            }
        }
        if (backbones.isEmpty() && centers.isEmpty()) {
            b.append("(empty)\n");
        }
        return b.toString();
    }
}
