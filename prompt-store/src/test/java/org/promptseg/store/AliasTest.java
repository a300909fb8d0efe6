package org.promptseg.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.promptseg.store.StoreFixtures.publication;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AliasTest {

    abstract static class Contract {
        abstract String newRoot(String name);

        PromptStore store;
        String backbone;

        @BeforeEach
        void setUp() throws IOException {
            store = StoreFixtures.open(newRoot("alias"));
            backbone = StoreFixtures.putBackbone(store, 1);
            for (int seed = 1; seed <= 4; seed++) {
                store.publish(publication("ebc", backbone, seed));
            }
        }

        @Test
        @DisplayName("promote sets an alias, and the history keeps every entry")
        void promoteAndHistory() throws IOException {
            assertThat(store.alias("ebc", "production")).isEmpty();
            AliasEntry first = store.promote("ebc", "production", "1", 0);
            AliasEntry second = store.promote("ebc", "production", "0003", first.seq());
            assertThat(store.alias("ebc", "production")).contains("0003");
            AliasHistory h = store.aliasHistory("ebc", "production");
            assertThat(h.entries()).extracting(AliasEntry::target).containsExactly("0001", "0003");
            assertThat(h.currentEntry()).isEqualTo(2);
            assertThat(second.previousEntry()).isEqualTo(1L);
            assertThat(second.actor()).contains("@");
            assertThat(h.toText()).contains("production").contains("0003").contains("promote");
        }

        @Test
        @DisplayName("a promote based on a stale read fails with a conflict naming the current entry, and changes nothing")
        void staleReadConflicts() throws IOException {
            long seen = store.aliasHistory("ebc", "production").currentEntry(); // 0: never set
            store.promote("ebc", "production", "2", seen);                       // someone else moves first
            assertThatThrownBy(() -> store.promote("ebc", "production", "3", seen))
                    .isInstanceOf(AliasConflictException.class)
                    .hasMessageContaining("production").hasMessageContaining("expected entry 0").hasMessageContaining("current entry is 1")
                    .hasMessageContaining("0002");
            assertThat(store.alias("ebc", "production")).contains("0002");
            assertThat(store.aliasHistory("ebc", "production").entries()).hasSize(1);
        }

        @Test
        @DisplayName("of 8 concurrent promotes from the same read exactly one wins")
        void concurrentPromotes() throws Exception {
            long seen = store.promote("ebc", "production", "1", 0).seq();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String version = Integer.toString(1 + i % 4);
                Callable<String> promote = () -> {
                    start.await();
                    try {
                        store.promote("ebc", "production", version, seen);
                        return "won " + version;
                    } catch (AliasConflictException e) {
                        return "conflict";
                    }
                };
                results.add(pool.submit(promote));
            }
            start.countDown();
            List<String> outcomes = new ArrayList<>();
            for (Future<String> f : results) {
                outcomes.add(f.get());
            }
            pool.shutdown();
            assertThat(outcomes.stream().filter(o -> o.startsWith("won"))).hasSize(1);
            assertThat(outcomes.stream().filter(o -> o.equals("conflict"))).hasSize(7);
            AliasHistory h = store.aliasHistory("ebc", "production");
            assertThat(h.entries()).hasSize(2);
            String winner = outcomes.stream().filter(o -> o.startsWith("won")).findFirst().orElseThrow();
            assertThat("won " + Integer.parseInt(h.currentTarget().orElseThrow())).isEqualTo(winner);
        }

        @Test
        @DisplayName("rollback walks back through the targets an alias had, keeping the whole log")
        void rollback() throws IOException {
            store.promote("ebc", "production", "1");
            store.promote("ebc", "production", "2");
            store.promote("ebc", "production", "3");
            assertThat(store.rollback("ebc", "production").target()).isEqualTo("0002");
            assertThat(store.rollback("ebc", "production").target()).isEqualTo("0001");
            assertThatThrownBy(() -> store.rollback("ebc", "production"))
                    .isInstanceOf(StoreException.class).hasMessageContaining("nothing to roll back to");
            store.promote("ebc", "production", "4");
            assertThat(store.rollback("ebc", "production").target()).isEqualTo("0001");
            AliasHistory h = store.aliasHistory("ebc", "production");
            assertThat(h.entries()).extracting(AliasEntry::action)
                    .containsExactly("promote", "promote", "promote", "rollback", "rollback", "promote", "rollback");
            assertThat(h.entries().get(3).restoredEntry()).isEqualTo(2L);
        }

        @Test
        @DisplayName("rollback is compare-and-set too")
        void rollbackConflicts() throws IOException {
            store.promote("ebc", "production", "1");
            long seen = store.promote("ebc", "production", "2").seq();
            store.promote("ebc", "production", "3", seen);
            assertThatThrownBy(() -> store.rollback("ebc", "production", seen)).isInstanceOf(AliasConflictException.class);
            assertThat(store.alias("ebc", "production")).contains("0003");
        }

        @Test
        @DisplayName("aliases only point at versions that exist, and their names cannot look like versions")
        void validation() {
            assertThatThrownBy(() -> store.promote("ebc", "production", "9")).isInstanceOf(StoreEntryNotFoundException.class);
            assertThatThrownBy(() -> store.promote("ebc", "0002", "1")).isInstanceOf(InvalidStoreArgumentException.class)
                    .hasMessageContaining("numbers name versions");
            assertThatThrownBy(() -> store.promote("ebc", "latest", "1")).isInstanceOf(InvalidStoreArgumentException.class);
            assertThatThrownBy(() -> store.promote("ebc", "Prod", "1")).isInstanceOf(InvalidStoreArgumentException.class);
        }

        @Test
        @DisplayName("backbone aliases resolve like ids, and so do 'latest' and unique prefixes")
        void backboneAliases() throws IOException {
            String second = StoreFixtures.putBackbone(store.withClock(java.time.Clock.offset(java.time.Clock.systemUTC(),
                    java.time.Duration.ofHours(1))), 2);
            store.promoteBackbone("production", backbone, 0);
            assertThat(store.resolveBackbone("production")).isEqualTo(backbone);
            assertThat(store.resolveBackbone("latest")).isEqualTo(second);
            assertThat(store.resolveBackbone(second.substring(0, 12))).isEqualTo(second);
            assertThat(store.showBackbone("production").aliases()).containsExactly("production");
            assertThatThrownBy(() -> store.promoteBackbone("production", second, 0)).isInstanceOf(AliasConflictException.class);
            store.promoteBackbone("production", second, 1);
            assertThat(store.rollbackBackbone("production", 2).target()).isEqualTo(backbone);
            assertThatThrownBy(() -> store.resolveBackbone("staging")).isInstanceOf(StoreEntryNotFoundException.class);
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
