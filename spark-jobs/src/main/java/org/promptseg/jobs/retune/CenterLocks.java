package org.promptseg.jobs.retune;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.promptseg.common.Hashing;
import org.promptseg.jobs.progress.Progress;
import org.promptseg.store.PromptStore;
import org.promptseg.store.StoreLock;

/**
 * The store lock that keeps two retune runs (two schedules, or a schedule and a person) off the same center.
 *
 * <p>Scope {@code retune-<center>}. A held lock is broken, with a warning, when it is stale: older than
 * {@code promptseg.store.stale-lock-age} (the store does that), or held by a process on this host that no longer runs
 * (checked here: same host name, process id not alive). Owners on other hosts (another pod, another node) are judged by
 * age only; a process id cannot be checked across hosts.
 */
final class CenterLocks {
    private final PromptStore store;
    private final Duration staleAfter;
    private final Progress progress;
    private final Clock clock;

    CenterLocks(PromptStore store, Duration staleAfter, Progress progress, Clock clock) {
        this.store = store;
        this.staleAfter = staleAfter;
        this.progress = progress;
        this.clock = clock;
    }

    /** Lock scope of a center: {@code retune-<center>}, or a hash of the center id when that would be too long for a scope. */
    static String scope(String center) {
        String s = "retune-" + center;
        return s.length() <= 64 ? s : "retune-" + Hashing.sha256Hex(center).substring(0, 16);
    }

    /** Takes the center's lock, breaking a stale or orphaned one; empty if another live process holds it. */
    Optional<StoreLock> acquire(String center, String owner) throws IOException {
        String scope = scope(center);
        Optional<StoreLock> lock = store.tryLock(scope, owner, staleAfter);
        if (lock.isPresent()) {
            return lock;
        }
        Optional<StoreLock.LockEntry> held = store.lockState(scope);
        if (held.isPresent() && orphaned(held.get())) {
            StoreLock.LockEntry e = held.get();
            Duration age = Duration.between(Instant.parse(e.at()), Instant.now(clock));
            progress.say("WARNING: breaking the retune lock of " + center + ": held by '" + e.owner() + "' (process " + e.pid() + " on this host, "
                    + "which no longer runs) since " + e.at());
            // only an entry at least this old can be broken: a lock someone took since we looked is left alone
            return store.tryLock(scope, owner, age.isNegative() ? Duration.ZERO : age);
        }
        return Optional.empty();
    }

    /** Who holds the center's lock now, if anyone ("owner, pid N on host since T"). */
    Optional<String> holder(String center) throws IOException {
        Optional<StoreLock.LockEntry> e = store.lockState(scope(center));
        if (e.isEmpty() || !"held".equals(e.get().state())) {
            return Optional.empty();
        }
        StoreLock.LockEntry l = e.get();
        Duration age = Duration.between(Instant.parse(l.at()), Instant.now(clock));
        String stale = age.compareTo(staleAfter) >= 0 ? ", stale: will be broken" : orphaned(l) ? ", owner gone: will be broken" : "";
        return Optional.of("'" + l.owner() + "', process " + l.pid() + " on " + l.host() + " since " + l.at() + stale);
    }

    /** Held by a process of this host that is no longer running. */
    static boolean orphaned(StoreLock.LockEntry e) {
        String host = thisHost();
        return "held".equals(e.state()) && !host.equals("unknown-host") && host.equals(e.host())
                && ProcessHandle.of(e.pid()).map(p -> !p.isAlive()).orElse(true);
    }

    /** The host name as the store records it in lock entries (HOSTNAME, else the local host name). */
    static String thisHost() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
