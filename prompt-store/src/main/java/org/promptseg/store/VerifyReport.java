package org.promptseg.store;

import java.util.List;

/**
 * What {@code verify} found. {@link #problems()} make a store unclean (exit code 1); {@link #leftovers()}
 * do not: they are staging directories of writers that died (or are still writing) and entries half
 * removed by gc, invisible to every listing and load, removed by {@code gc} once older than
 * {@code promptseg.store.leftover-max-age}.
 */
public record VerifyReport(
        String store,
        int backbones,
        int promptVersions,
        int modelVersions,
        int aliasEntries,
        int runRounds,
        List<Problem> problems,
        List<Leftover> leftovers) implements StoreResult {

    public VerifyReport {
        problems = List.copyOf(problems);
        leftovers = List.copyOf(leftovers);
    }

    /** Kinds of problems. */
    public enum Kind {
        /** A file an entry needs is absent. */
        MISSING,
        /** A file or directory the layout does not know. */
        EXTRA,
        /** Checksum, size, format or manifest mismatch. */
        CORRUPT,
        /** A reference to something that is not there (alias to a removed version, prompts without their backbone). */
        DANGLING
    }

    public record Problem(Kind kind, String path, String detail) {}

    /** A leftover; {@code removableByGc} once older than the configured age. */
    public record Leftover(String path, long ageSeconds, boolean removableByGc) {}

    public boolean clean() {
        return problems.isEmpty();
    }

    @Override
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("store ").append(store).append(": checked ").append(backbones).append(" backbone(s), ").append(promptVersions)
                .append(" prompt version(s), ").append(modelVersions).append(" model version(s), ").append(aliasEntries)
                .append(" alias entr(ies), ").append(runRounds).append(" run round(s)\n");
        if (problems.isEmpty()) {
            b.append("no problems\n");
        } else {
            b.append(problems.size()).append(" problem(s):\n");
            for (Problem p : problems) {
                b.append("  ").append(p.kind()).append("  ").append(p.path()).append(": ").append(p.detail()).append('\n');
            }
        }
        if (!leftovers.isEmpty()) {
            b.append(leftovers.size()).append(" leftover(s) of interrupted writes (invisible to readers):\n");
            for (Leftover l : leftovers) {
                b.append("  ").append(l.path()).append("  age ").append(l.ageSeconds()).append(" s")
                        .append(l.removableByGc() ? "  (gc removes it)" : "  (may still be in progress)").append('\n');
            }
        }
        return b.toString();
    }
}
