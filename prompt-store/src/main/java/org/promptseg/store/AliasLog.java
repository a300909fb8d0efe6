package org.promptseg.store;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.promptseg.store.internal.Actor;
import org.promptseg.store.internal.EntryLog;
import org.promptseg.store.internal.ManifestIo;
import org.promptseg.store.internal.StoreFs;

/**
 * An alias (production, candidate, user-named) as a log of immutable entries, changed only by
 * compare-and-set: a promote or rollback names the entry it was based on and fails with
 * {@link AliasConflictException} if the alias moved in the meantime.
 *
 * <p>Rollback walks back through what the alias pointed to, not through the log: each entry records the
 * entry a rollback from it returns to, so promote A, promote B, promote C, rollback, rollback gives
 * C → B → A, and the log keeps all five entries.
 */
final class AliasLog {
    private final StoreFs fs;
    private final EntryLog log;
    private final String owner;
    private final String alias;
    private final Clock clock;

    AliasLog(StoreFs fs, Path dir, String owner, String alias, Clock clock) {
        this.fs = fs;
        this.log = new EntryLog(fs, dir);
        this.owner = owner;
        this.alias = alias;
        this.clock = clock;
    }

    AliasHistory history() throws IOException {
        List<AliasEntry> entries = new ArrayList<>();
        for (long seq : log.sequence()) {
            entries.add(read(seq));
        }
        return new AliasHistory(owner, alias, entries);
    }

    Optional<AliasEntry> current() throws IOException {
        long latest = log.latest();
        return latest == 0 ? Optional.empty() : Optional.of(read(latest));
    }

    AliasEntry read(long seq) throws IOException {
        Path file = log.path(seq);
        AliasEntry e = ManifestIo.read(fs, file, AliasEntry.class, AliasEntry.FORMAT_VERSION);
        if (e.seq() != seq) {
            throw new CorruptStoreEntryException(file + ": field seq is " + e.seq() + " but the file name says " + seq);
        }
        return e;
    }

    /** Points the alias at {@code target}, provided its current entry is still {@code expectedEntry} (0 = never set). */
    AliasEntry promote(String target, long expectedEntry) throws IOException {
        Long previous = expectedEntry == 0 ? null : expectedEntry;
        return append(expectedEntry, target, AliasEntry.PROMOTE, previous, null);
    }

    /** Points the alias back at what it pointed to before its current target, provided the current entry is {@code expectedEntry}. */
    AliasEntry rollback(long expectedEntry) throws IOException {
        AliasEntry current = current().orElseThrow(() ->
                new StoreEntryNotFoundException("alias '" + alias + "' of " + owner + " was never set: nothing to roll back"));
        if (current.seq() != expectedEntry) {
            throw conflict(expectedEntry, current);
        }
        if (current.previousEntry() == null) {
            throw new StoreException("alias '" + alias + "' of " + owner + " has nothing to roll back to: " + current.target()
                    + " (entry " + current.seq() + ") is the first target it had");
        }
        AliasEntry restored = read(current.previousEntry());
        return append(expectedEntry, restored.target(), AliasEntry.ROLLBACK, restored.previousEntry(), restored.seq());
    }

    private AliasEntry append(long expectedEntry, String target, String action, Long previous, Long restored) throws IOException {
        AliasEntry entry = new AliasEntry(AliasEntry.FORMAT_VERSION, expectedEntry + 1, alias, target, action, previous, restored,
                Instant.now(clock).toString(), Actor.describe());
        if (!log.appendIfLatest(expectedEntry, ManifestIo.toBytes(entry))) {
            throw conflict(expectedEntry, current().orElse(null));
        }
        return entry;
    }

    private AliasConflictException conflict(long expectedEntry, AliasEntry current) {
        String now = current == null ? "the alias has no entry"
                : "the current entry is " + current.seq() + " (" + current.action() + " to " + current.target() + " at " + current.at()
                        + " by " + current.actor() + ")";
        return new AliasConflictException("alias '" + alias + "' of " + owner + " changed since it was read: expected entry "
                + expectedEntry + " to be current, but " + now + ". Read the alias again and decide again.");
    }

}
