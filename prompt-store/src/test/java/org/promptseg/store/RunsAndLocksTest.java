package org.promptseg.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RunsAndLocksTest {

    /** Driver state as a job would keep it. */
    record DriverState(int round, long rngPosition, double serverMomentum, List<String> centers) {}

    abstract static class Contract {
        abstract String newRoot(String name);

        PromptStore store;

        @BeforeEach
        void setUp() throws IOException {
            store = StoreFixtures.open(newRoot("runs"));
        }

        @Test
        @DisplayName("round checkpoints are written whole, listed in order, and the latest reads back exactly")
        void checkpoints() throws IOException {
            RunCheckpoints run = store.run("tune-ebc-1");
            assertThat(run.latest()).isEmpty();
            for (int round = 0; round < 3; round++) {
                run.write(round, StoreFixtures.prompts(round), new DriverState(round, 1000L * round, 0.1 * round, List.of("ebc", "mcl")));
            }
            assertThat(run.completedRounds()).containsExactly(0, 1, 2);
            RoundCheckpoint latest = run.latest().orElseThrow();
            assertThat(latest.round()).isEqualTo(2);
            assertThat(latest.tensors()).isEqualTo(StoreFixtures.prompts(2));
            assertThat(latest.state(DriverState.class)).isEqualTo(new DriverState(2, 2000, 0.2, List.of("ebc", "mcl")));
            assertThat(run.read(1).tensors()).isEqualTo(StoreFixtures.prompts(1));
        }

        @Test
        @DisplayName("a round is written once; a second write of it is refused, naming the complete rounds")
        void roundWrittenOnce() throws IOException {
            RunCheckpoints run = store.run("r1");
            run.write(0, StoreFixtures.prompts(0), new DriverState(0, 0, 0, List.of()));
            assertThatThrownBy(() -> run.write(0, StoreFixtures.prompts(1), new DriverState(0, 0, 0, List.of())))
                    .isInstanceOf(StoreException.class).hasMessageContaining("round 0 of run 'r1' is already checkpointed");
            assertThat(run.read(0).tensors()).isEqualTo(StoreFixtures.prompts(0));
        }

        @Test
        @DisplayName("a checkpoint changed on disk is refused when read, not resumed from")
        void corruptCheckpoint() throws IOException {
            RunCheckpoints run = store.run("r2");
            run.write(4, StoreFixtures.prompts(4), new DriverState(4, 4, 4, List.of()));
            String file = store.root() + "/runs/r2/rounds/00000004/state.json";
            StoreFixtures.overwrite(store, file, "{\"round\": 5}".getBytes());
            assertThatThrownBy(run::latest).isInstanceOf(CorruptStoreEntryException.class).hasMessageContaining(file);
            assertThat(store.verify().problems()).singleElement().satisfies(p -> assertThat(p.kind()).isEqualTo(VerifyReport.Kind.CORRUPT));
        }

        @Test
        @DisplayName("prune keeps the newest rounds, delete removes the run")
        void pruneAndDelete() throws IOException {
            RunCheckpoints run = store.run("r3");
            for (int round = 0; round < 5; round++) {
                run.write(round, StoreFixtures.prompts(round), new DriverState(round, 0, 0, List.of()));
            }
            assertThat(run.prune(2)).isEqualTo(3);
            assertThat(run.completedRounds()).containsExactly(3, 4);
            assertThat(run.delete()).isTrue();
            assertThat(run.completedRounds()).isEmpty();
            assertThat(run.delete()).isFalse();
            assertThat(store.verify().leftovers()).isEmpty();
        }

        @Test
        @DisplayName("a lock is exclusive until released, and can be taken again after")
        void lockExclusive() throws IOException {
            Optional<StoreLock> first = store.tryLock("retune-ebc", "job-1", Duration.ofHours(1));
            assertThat(first).isPresent();
            assertThat(store.tryLock("retune-ebc", "job-2", Duration.ofHours(1))).isEmpty();
            assertThat(store.tryLock("retune-mcl", "job-3", Duration.ofHours(1))).isPresent();
            assertThat(store.lockState("retune-ebc").orElseThrow().owner()).isEqualTo("job-1");
            first.get().close();
            Optional<StoreLock> again = store.tryLock("retune-ebc", "job-2", Duration.ofHours(1));
            assertThat(again).isPresent();
            assertThat(again.get().owner()).isEqualTo("job-2");
            assertThat(again.get().isHeld()).isTrue();
        }

        @Test
        @DisplayName("a stale lock is broken; its old holder then knows it no longer holds it")
        void staleLockBroken() throws IOException {
            StoreLock dead = store.tryLock("retune-ebc", "crashed-job", Duration.ofHours(1)).orElseThrow();
            PromptStore later = store.withClock(Clock.offset(Clock.systemUTC(), Duration.ofHours(2)));
            assertThat(later.tryLock("retune-ebc", "fresh-job", Duration.ofHours(3))).isEmpty(); // not stale yet for 3 h
            StoreLock fresh = later.tryLock("retune-ebc", "fresh-job", Duration.ofHours(1)).orElseThrow();
            assertThat(dead.isHeld()).isFalse();
            assertThat(fresh.isHeld()).isTrue();
            dead.close(); // must not release the new holder's lock
            assertThat(fresh.isHeld()).isTrue();
            assertThat(later.tryLock("retune-ebc", "third", Duration.ofHours(1))).isEmpty();
        }

        @Test
        @DisplayName("of 8 threads racing for a free lock exactly one gets it")
        void lockRace() throws Exception {
            var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            var start = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Boolean>> got = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String owner = "t" + i;
                got.add(pool.submit(() -> {
                    start.await();
                    return store.tryLock("shared", owner, Duration.ofHours(1)).isPresent();
                }));
            }
            start.countDown();
            int winners = 0;
            for (var f : got) {
                winners += f.get() ? 1 : 0;
            }
            pool.shutdown();
            assertThat(winners).isEqualTo(1);
        }
    }

    @Nested
    @DisplayName("on the local filesystem")
    class Local extends Contract {
        @Override
        String newRoot(String name) {
            return StoreFixtures.localRoot(name);
        }
    }

    @Nested
    @DisplayName("on HDFS")
    class Hdfs extends Contract {
        @Override
        String newRoot(String name) {
            return StoreFixtures.hdfsRoot(name);
        }
    }
}
