package org.promptseg.store;

import java.util.List;
import java.util.Optional;

/**
 * Every entry of one alias, oldest first; the last is current.
 *
 * @param owner what the alias belongs to: a center id, or "backbones" for backbone aliases
 */
public record AliasHistory(String owner, String alias, List<AliasEntry> entries) implements StoreResult {
    public AliasHistory {
        entries = List.copyOf(entries);
    }

    public Optional<AliasEntry> current() {
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(entries.size() - 1));
    }

    /** Sequence number of the current entry, 0 if the alias was never set: the value to pass as "expected". */
    public long currentEntry() {
        return current().map(AliasEntry::seq).orElse(0L);
    }

    public Optional<String> currentTarget() {
        return current().map(AliasEntry::target);
    }

    @Override
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("alias ").append(alias).append(" of ").append(owner);
        if (entries.isEmpty()) {
            return b.append(": never set\n").toString();
        }
        b.append(" -> ").append(entries.get(entries.size() - 1).target()).append('\n');
        for (AliasEntry e : entries) {
            b.append(String.format("  %08d  %-8s  %-10s  %s  %s%n", e.seq(), e.action(), shortTarget(e.target()), e.at(), e.actor()));
        }
        return b.toString();
    }

    private static String shortTarget(String t) {
        return t != null && t.length() == 64 ? t.substring(0, 12) : String.valueOf(t);
    }
}
