package org.promptseg.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Publisher JVMs (publishing versions, promoting an alias, writing round checkpoints in a loop) are
 * killed with SIGKILL at random moments, 100 times, two at a time on the same center so that kills also
 * land in the middle of contended claims. Afterwards the store must verify without problems and every
 * listed version must be complete and hold what its writer published. What a kill may leave behind is a
 * staging directory or file ({@code .tmp-*}): invisible to listings and loads, reported by verify as a
 * leftover, removed by gc.
 */
@Tag("cluster")
class KillDuringPublishTest {
    private static final int TRIALS = 100;
    private static final int LANES = 2;

    @Test
    @DisplayName("100 publisher JVMs killed with SIGKILL at random points leave no half version and a store that verifies clean")
    void killedPublishers() throws Exception {
        String root = StoreFixtures.localRoot("kill");
        PromptStore store = StoreFixtures.open(root);
        String backbone = StoreFixtures.putBackbone(store, 1);
        long started = System.nanoTime();

        ExecutorService lanes = Executors.newFixedThreadPool(LANES);
        List<Future<Long>> startup = new ArrayList<>();
        for (int lane = 0; lane < LANES; lane++) {
            int laneId = lane;
            startup.add(lanes.submit(() -> runLane(store, root, backbone, laneId)));
        }
        long startupNanos = 0;
        for (Future<Long> f : startup) {
            startupNanos += f.get(15, TimeUnit.MINUTES);
        }
        lanes.shutdown();

        List<PromptManifest> versions = store.versions("ebc");
        assertAllVersionsComplete(store, "ebc", backbone);
        assertAllVersionsComplete(store, PublisherMain.WARMUP_CENTER, backbone);
        VerifyReport report = store.verify();
        System.out.printf("kill test: %d trials in %.1f s (%d lanes; child start to ready %.2f s on average), %d versions published, "
                        + "%d staging leftovers, %d alias entries, %d checkpoint rounds%n", TRIALS, (System.nanoTime() - started) / 1e9, LANES,
                startupNanos / 1e9 / TRIALS, versions.size(), report.leftovers().size(), report.aliasEntries(), report.runRounds());
        assertThat(report.problems()).isEmpty();
        assertThat(versions).extracting(PromptManifest::versionNumber)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, versions.size()).boxed().toList());
        assertThat(versions).as("publishes completed between kills").hasSizeGreaterThan(TRIALS / 2);
        store.alias("ebc", "candidate").ifPresent(v -> assertThat(versions).extracting(PromptManifest::version).contains(v));

        GcReport gc = store.gc(new GcOptions(1000, false, Duration.ZERO));
        assertThat(gc.removals()).allSatisfy(r -> assertThat(r.kind()).isEqualTo("leftover"));
        VerifyReport after = store.verify();
        assertThat(after.problems()).isEmpty();
        assertThat(after.leftovers()).isEmpty();
        assertThat(store.versions("ebc")).hasSameSizeAs(versions);
    }

    /** One lane: start a publisher, let it run 0-400 ms after warm-up, kill it; repeat. Returns the time spent starting children. */
    private static long runLane(PromptStore store, String root, String backbone, int lane) throws Exception {
        SplittableRandom random = new SplittableRandom(20260301L + lane);
        long startupNanos = 0;
        for (int trial = lane; trial < TRIALS; trial += LANES) {
            Process child = ChildJvm.start(PublisherMain.class, List.of("loop", root, "ebc", backbone, "w" + trial));
            try {
                long t0 = System.nanoTime();
                ChildJvm.awaitLine(child, "ready");
                startupNanos += System.nanoTime() - t0;
                Thread.sleep(random.nextInt(400));
            } finally {
                child.destroyForcibly(); // SIGKILL on Unix: no finally blocks, no shutdown hooks
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            if (lane == 0 && trial % 10 == 0) {
                // a reader while the other lane's publisher runs (and gets killed): only complete versions
                assertAllVersionsComplete(store, "ebc", backbone);
            }
        }
        return startupNanos;
    }

    private static void assertAllVersionsComplete(PromptStore store, String center, String backbone) throws IOException {
        for (PromptManifest m : store.versions(center)) {
            assertThat(store.load(center, m.version(), backbone).tensors()).as(center + " " + m.version())
                    .isEqualTo(StoreFixtures.prompts(PublisherMain.seed(m.configHash())));
        }
    }
}
