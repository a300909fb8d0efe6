package org.promptseg.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.common.Hashing;
import org.promptseg.store.AliasConflictException;
import org.promptseg.store.AliasEntry;
import org.promptseg.store.BackboneDescription;
import org.promptseg.store.PromptPublication;
import org.promptseg.store.PromptStore;
import org.promptseg.store.tensor.Tensor;
import org.promptseg.store.tensor.TensorSet;

@DisplayName("a job's alias move after publishing survives another writer moving the same alias")
class AliasUpdatesTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("while a second writer promotes the candidate alias in a loop, every move of the job lands, each logged once")
    void retriesWhenAnotherWriterWins() throws Exception {
        PromptStore store = PromptStore.open(dir.resolve("store").toUri().toString(), new Configuration());
        String backbone = Hashing.sha256Hex("alias updates test");
        store.putBackbone(backbone, new ByteArrayInputStream(new byte[] {1}), new BackboneDescription("tiny", List.of("background", "organ"),
                List.of(16, 16, 16), 10, JsonNodeFactory.instance.objectNode(), JsonNodeFactory.instance.objectNode(), null), null);
        String theirs = publish(store, backbone, 0);
        List<String> mine = new ArrayList<>();
        for (int i = 1; i <= 15; i++) {
            mine.add(publish(store, backbone, i));
        }

        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService other = Executors.newSingleThreadExecutor();
        List<AliasEntry> landed = new ArrayList<>();
        int[] rawConflicts = new int[1];
        Future<Integer> contender = other.submit(() -> {
            int moves = 0;
            while (!stop.get()) {
                try {
                    store.promote("c9", "candidate", theirs);
                    moves++;
                } catch (AliasConflictException e) {
                    // the contender may lose; the job may not
                }
                // a busy writer, not a spinning one: a tight loop on a loaded machine can win every race for as long
                // as it likes, which no real job does
                Thread.sleep(1);
            }
            return moves;
        });
        try {
            for (String v : mine) {
                // the store's plain promote may lose the race (counted only to show the race is real) ...
                try {
                    store.promote("c9", "candidate", v);
                } catch (AliasConflictException e) {
                    rawConflicts[0]++;
                }
                // ... the job's move may not
                landed.add(AliasUpdates.promote(store, "c9", "candidate", v));
            }
        } finally {
            stop.set(true);
            other.shutdown();
            assertThat(other.awaitTermination(1, TimeUnit.MINUTES)).isTrue();
        }
        System.out.printf("contender moved the alias %d times; the plain promote lost %d of %d races%n", contender.get(), rawConflicts[0], mine.size());

        assertThat(landed).extracting(AliasEntry::target).hasSize(mine.size());
        List<AliasEntry> log = store.aliasHistory("c9", "candidate").entries();
        for (AliasEntry e : landed) {
            assertThat(log).as("entry %d is in the alias log as written", e.seq()).contains(e);
        }
        assertThat(log).extracting(AliasEntry::seq).doesNotHaveDuplicates();
    }

    private static String publish(PromptStore store, String backbone, int seed) throws java.io.IOException {
        TensorSet t = TensorSet.of("input_prompt", Tensor.ofFloats(new long[] {2}, new float[] {seed, seed + 0.5f}));
        return store.publish(PromptPublication.builder("c9", backbone, t).promptKinds(List.of("input")).build()).version();
    }
}
