package org.promptseg.store;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.promptseg.store.internal.Actor;
import org.promptseg.store.internal.EntryLog;
import org.promptseg.store.internal.ManifestIo;
import org.promptseg.store.internal.StoreFs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lock on a scope of the store (e.g. one retune job per center), held until {@link #close()}.
 *
 * <p>Built on the same entry log as aliases ({@code locks/<scope>/<NNNNNNNN>.json}): acquiring appends a
 * "held" entry by compare-and-set on the current one, releasing appends "released". A lock whose holder
 * died stays "held"; once older than the stale age any process may break it, which is simply the next
 * compare-and-set append, so two processes breaking the same stale lock cannot both win.
 */
public final class StoreLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreLock.class);
    /** Entries kept below the current one, for diagnosing who held a lock before. */
    private static final int HISTORY_KEPT = 8;

    /** One entry of a lock log. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record LockEntry(int formatVersion, long seq, String scope, String state, String owner, String host, long pid, String at,
            String token) {
        static final int FORMAT_VERSION = 1;
        static final String HELD = "held";
        static final String RELEASED = "released";
    }

    private final EntryLog log;
    private final Clock clock;
    private final LockEntry entry;
    private boolean closed;

    private StoreLock(EntryLog log, Clock clock, LockEntry entry) {
        this.log = log;
        this.clock = clock;
        this.entry = entry;
    }

    /**
     * Takes the lock of {@code scope} unless another holder has it and its lock is younger than
     * {@code staleAfter}; empty if it is held (or another process took it at the same moment).
     */
    static Optional<StoreLock> tryAcquire(StoreContext ctx, String scope, String owner, Duration staleAfter) throws IOException {
        EntryLog log = new EntryLog(ctx.fs(), ctx.layout().lock(scope));
        long latest = log.latest();
        if (latest > 0) {
            LockEntry current = read(ctx.fs(), log, latest);
            if (LockEntry.HELD.equals(current.state())) {
                Duration age = Duration.between(Instant.parse(current.at()), Instant.now(ctx.clock()));
                if (age.compareTo(staleAfter) < 0) {
                    return Optional.empty();
                }
                LOG.warn("breaking stale lock '{}' of store {}: held by '{}' on {} (pid {}) since {}, older than {}", scope, ctx.root(),
                        current.owner(), current.host(), current.pid(), current.at(), staleAfter);
            }
        }
        ctx.ensureInitialized();
        LockEntry mine = new LockEntry(LockEntry.FORMAT_VERSION, latest + 1, scope, LockEntry.HELD, owner, Actor.host(), Actor.pid(),
                Instant.now(ctx.clock()).toString(), UUID.randomUUID().toString());
        if (!log.appendIfLatest(latest, ManifestIo.toBytes(mine))) {
            return Optional.empty();
        }
        log.pruneBefore(mine.seq() - HISTORY_KEPT);
        return Optional.of(new StoreLock(log, ctx.clock(), mine));
    }

    /** The current entry of a scope's lock, if it ever had one. */
    static Optional<LockEntry> current(StoreContext ctx, String scope) throws IOException {
        EntryLog log = new EntryLog(ctx.fs(), ctx.layout().lock(scope));
        long latest = log.latest();
        return latest == 0 ? Optional.empty() : Optional.of(read(ctx.fs(), log, latest));
    }

    private static LockEntry read(StoreFs fs, EntryLog log, long seq) throws IOException {
        return ManifestIo.read(fs, log.path(seq), LockEntry.class, LockEntry.FORMAT_VERSION);
    }

    public String scope() {
        return entry.scope();
    }

    public String owner() {
        return entry.owner();
    }

    public Instant acquiredAt() {
        return Instant.parse(entry.at());
    }

    /** False once another process broke the lock as stale (a long job should check before committing its result). */
    public boolean isHeld() throws IOException {
        return !closed && log.latest() == entry.seq();
    }

    /** Releases the lock; if it was broken in the meantime, says so and leaves the new holder alone. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LockEntry released = new LockEntry(LockEntry.FORMAT_VERSION, entry.seq() + 1, entry.scope(), LockEntry.RELEASED, entry.owner(),
                Actor.host(), Actor.pid(), Instant.now(clock).toString(), entry.token());
        try {
            if (!log.appendIfLatest(entry.seq(), ManifestIo.toBytes(released))) {
                LOG.warn("lock '{}' held by '{}' since {} was broken by another process before it was released", entry.scope(), entry.owner(),
                        entry.at());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release lock '" + entry.scope() + "' in " + log.dir(), e);
        }
    }
}
