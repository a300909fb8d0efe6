package org.promptseg.store;

import java.util.List;

/** What gc removed (or, in a dry run, would remove) and why the rest stays. */
public record GcReport(String store, boolean dryRun, int keep, List<Removal> removals, List<Kept> kept) implements StoreResult {
    public GcReport {
        removals = List.copyOf(removals);
        kept = List.copyOf(kept);
    }

    /** @param kind prompt-version, model-version or leftover */
    public record Removal(String kind, String path, long bytes, String reason) {}

    /** A version that stays, with every reason (newest N, alias X, rollback target of X). */
    public record Kept(String kind, String center, String version, List<String> reasons) {}

    public long bytes() {
        return removals.stream().mapToLong(Removal::bytes).sum();
    }

    @Override
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(dryRun ? "gc dry run (nothing removed)" : "gc").append(" on ").append(store).append(", keeping the newest ")
                .append(keep).append(" version(s) per center plus alias targets\n");
        if (removals.isEmpty()) {
            b.append("nothing to remove\n");
        }
        for (Removal r : removals) {
            b.append(dryRun ? "  would remove " : "  removed ").append(r.kind()).append(' ').append(r.path()).append(" (").append(r.bytes())
                    .append(" bytes): ").append(r.reason()).append('\n');
        }
        for (Kept k : kept) {
            b.append("  keep ").append(k.kind()).append(' ').append(k.center()).append('/').append(k.version()).append(": ")
                    .append(String.join(", ", k.reasons())).append('\n');
        }
        b.append(dryRun ? "would free " : "freed ").append(bytes()).append(" bytes\n");
        return b.toString();
    }
}
