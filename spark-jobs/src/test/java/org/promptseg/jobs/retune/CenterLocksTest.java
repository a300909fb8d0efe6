package org.promptseg.jobs.retune;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.common.Ids;
import org.promptseg.common.Json;
import org.promptseg.jobs.progress.Progress;
import org.promptseg.store.PromptStore;
import org.promptseg.store.StoreLock;

@DisplayName("the per-center retune lock")
class CenterLocksTest {
    @TempDir
    Path dir;
    PromptStore store;
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    CenterLocks locks;

    @BeforeEach
    void store() throws IOException {
        store = PromptStore.open(dir.resolve("store").toString());
        RetuneFixtures.fakeBackbone(store, 1); // initialises the store
        locks = locks(store, Duration.ofHours(6));
    }

    CenterLocks locks(PromptStore s, Duration staleAfter) {
        return locks(s, staleAfter, Clock.systemUTC());
    }

    /** Locks whose clock is {@code clock} (the store's: give the store the same one with withClock). */
    CenterLocks locks(PromptStore s, Duration staleAfter, Clock clock) {
        return new CenterLocks(s.withClock(clock), staleAfter, new Progress("retune", new PrintStream(said, true, StandardCharsets.UTF_8), true), clock);
    }

    /** Rewrites the current entry of a lock as a crashed holder would have left it: its process id (and host). */
    void pretendHolder(String scope, long pid, String host) throws IOException {
        StoreLock.LockEntry e = store.lockState(scope).orElseThrow();
        Path file = dir.resolve("store/locks").resolve(scope).resolve(String.format("%08d.json", e.seq()));
        ObjectNode node = (ObjectNode) Json.mapper().readTree(Files.readString(file));
        node.put("pid", pid);
        node.put("host", host);
        Files.writeString(file, Json.pretty(node));
    }

    static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return p.pid();
    }

    @Test
    @DisplayName("one scope per center, a valid store name even for the longest center id")
    void scopes() {
        assertThat(CenterLocks.scope("c1")).isEqualTo("retune-c1");
        String longest = "c" + "x".repeat(63);
        assertThat(Ids.isValid(longest)).isTrue();
        assertThat(CenterLocks.scope(longest)).matches(Ids.ID.pattern()).isNotEqualTo(CenterLocks.scope(longest.substring(1) + "y"));
    }

    @Test
    @DisplayName("a lock held by a live process is respected, and its holder can be named")
    void liveHolder() throws IOException {
        try (StoreLock other = store.tryLock(CenterLocks.scope("c1"), "retune retune-a", Duration.ofHours(6)).orElseThrow()) {
            assertThat(locks.acquire("c1", "retune retune-b")).isEmpty();
            assertThat(locks.holder("c1")).get().asString().contains("retune retune-a", "process " + ProcessHandle.current().pid())
                    .doesNotContain("will be broken");
            assertThat(locks.acquire("c2", "retune retune-b")).as("other centers are free").isPresent();
        }
        try (StoreLock mine = locks.acquire("c1", "retune retune-b").orElseThrow()) {
            assertThat(mine.isHeld()).isTrue();
        }
        assertThat(locks.holder("c1")).as("released").isEmpty();
    }

    @Test
    @DisplayName("a lock whose holder on this host no longer runs is broken at once, with a warning")
    void orphaned() throws Exception {
        String scope = CenterLocks.scope("c1");
        store.tryLock(scope, "retune retune-crashed", Duration.ofHours(6)).orElseThrow(); // never released
        pretendHolder(scope, deadPid(), CenterLocks.thisHost());
        assertThat(locks.holder("c1")).get().asString().contains("owner gone");
        Optional<StoreLock> mine = locks.acquire("c1", "retune retune-next");
        assertThat(mine).isPresent();
        assertThat(store.lockState(scope).orElseThrow().owner()).isEqualTo("retune retune-next");
        assertThat(said.toString(StandardCharsets.UTF_8)).contains("WARNING: breaking the retune lock of c1", "retune retune-crashed", "no longer runs");
        mine.get().close();
    }

    @Test
    @DisplayName("a holder on another host is judged by age only (its process cannot be checked from here)")
    void otherHost() throws Exception {
        String scope = CenterLocks.scope("c1");
        store.tryLock(scope, "retune on node 7", Duration.ofHours(6)).orElseThrow();
        pretendHolder(scope, deadPid(), "node-7.cluster.local");
        assertThat(locks.acquire("c1", "retune retune-next")).isEmpty();
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(7));
        assertThat(locks(store, Duration.ofHours(6), later).acquire("c1", "retune retune-next")).as("older than the stale age").isPresent();
    }

    @Test
    @DisplayName("a lock older than the stale age is broken even if its holder still runs")
    void stale() throws IOException {
        store.tryLock(CenterLocks.scope("c1"), "retune retune-hung", Duration.ofHours(6)).orElseThrow();
        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(2));
        assertThat(locks(store, Duration.ofHours(3), later).acquire("c1", "retune retune-next")).isEmpty();
        assertThat(locks(store, Duration.ofHours(1), later).holder("c1")).get().asString().contains("stale");
        assertThat(locks(store, Duration.ofHours(1), later).acquire("c1", "retune retune-next")).isPresent();
    }
}
