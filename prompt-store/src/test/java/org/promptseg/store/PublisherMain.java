package org.promptseg.store;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;

/**
 * A publisher in its own JVM, for the concurrency and kill tests.
 *
 * <pre>
 * burst STORE CENTER BACKBONE WRITER THREADS COUNT   print "ready", wait for "go" on stdin, then THREADS threads
 *                                                    each publish COUNT versions; print "done"
 * loop  STORE CENTER BACKBONE WRITER                 print "ready", then publish, promote and checkpoint, again and again until killed
 * </pre>
 * Every version's content follows from its config hash (writer-thread-i), so the parent can check that
 * each published version holds exactly what its writer wrote.
 */
public final class PublisherMain {
    static final String WARMUP_CENTER = "warmup";

    private PublisherMain() {}

    /** What a writer publishes as its i-th version: the config hash names it, the tensors follow from it. */
    static PromptPublication publication(String center, String backbone, String writer, int i) {
        String configHash = writer + "-" + i;
        return PromptPublication.builder(center, backbone, StoreFixtures.prompts(seed(configHash)))
                .configHash(configHash).promptKinds(List.of("input", "deep")).metric("index", i).build();
    }

    static long seed(String configHash) {
        return configHash.hashCode() * 0x9E3779B97F4A7C15L;
    }

    public static void main(String[] args) {
        try {
            run(args);
            System.exit(0);
        } catch (Throwable t) {
            // exit even though pool threads may still run: a hung child would hang the test waiting for it
            t.printStackTrace();
            System.exit(2);
        }
    }

    private static void run(String[] args) throws Exception {
        String mode = args[0];
        String root = args[1];
        String center = args[2];
        String backbone = args[3];
        String writer = args[4];
        // A plain client configuration: StoreFixtures.conf would start a minicluster of its own here.
        Configuration conf = new Configuration();
        conf.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 10);
        PromptStore store = PromptStore.open(root, conf);
        if (mode.equals("burst")) {
            burst(store, center, backbone, writer, Integer.parseInt(args[5]), Integer.parseInt(args[6]));
        } else if (mode.equals("loop")) {
            loop(store, center, backbone, writer);
        } else {
            throw new IllegalArgumentException("unknown mode " + mode);
        }
    }

    private static void burst(PromptStore store, String center, String backbone, String writer, int threads, int count) throws Exception {
        System.out.println("ready");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (!"go".equals(in.readLine())) {
            throw new IllegalStateException("expected 'go'");
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String name = writer + "t" + t;
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < count; i++) {
                    store.publish(publication(center, backbone, name, i));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        System.out.println("done");
        System.out.flush();
    }

    private static void loop(PromptStore store, String center, String backbone, String writer) throws Exception {
        // Warm up (class loading, first JIT) on another center, so that the parent's random kill delay
        // spreads over many publishes of the tested center instead of landing in the first slow one.
        store.publish(publication(WARMUP_CENTER, backbone, writer, 0));
        System.out.println("ready");
        System.out.flush();
        RunCheckpoints run = store.run("run-" + writer);
        int next = run.completedRounds().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        for (int i = 0; ; i++) {
            PromptManifest m = store.publish(publication(center, backbone, writer, i));
            try {
                store.promote(center, "candidate", m.version());
            } catch (AliasConflictException another) {
                // another publisher promoted in between: fine, the test checks consistency, not who wins
            }
            run.write(next, StoreFixtures.prompts(next), Map.of("round", next, "writer", writer));
            next++;
        }
    }
}
