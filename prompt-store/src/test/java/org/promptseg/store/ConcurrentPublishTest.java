package org.promptseg.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * 8 publisher threads in this JVM and 2 other JVMs with 4 threads each publish to the same center at
 * once: every version must get its own number, numbers must be 1..N without gaps, and every version
 * must hold exactly what its writer published (nothing lost, nothing overwritten).
 */
class ConcurrentPublishTest {
    private static final int THREADS = 8;
    private static final int CHILD_JVMS = 2;
    private static final int CHILD_THREADS = 4;
    private static final int PER_WRITER = 3;

    abstract static class Contract {
        abstract String newRoot(String name);

        @Test
        @DisplayName("8 threads and 2 JVMs publishing to one center get distinct, gapless versions, none lost or overwritten")
        void concurrentPublishers() throws Exception {
            String root = newRoot("concurrent");
            PromptStore store = StoreFixtures.open(root);
            String backbone = StoreFixtures.putBackbone(store, 1);

            List<Process> children = new ArrayList<>();
            List<BufferedReader> outputs = new ArrayList<>();
            for (int j = 0; j < CHILD_JVMS; j++) {
                Process p = ChildJvm.start(PublisherMain.class, List.of("burst", root, "ebc", backbone, "jvm" + j,
                        Integer.toString(CHILD_THREADS), Integer.toString(PER_WRITER)));
                children.add(p);
            }
            try {
                for (Process p : children) {
                    outputs.add(ChildJvm.awaitLine(p, "ready"));
                }
                ExecutorService pool = Executors.newFixedThreadPool(THREADS);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    String writer = "main" + t;
                    done.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < PER_WRITER; i++) {
                            store.publish(PublisherMain.publication("ebc", backbone, writer, i));
                        }
                        return null;
                    }));
                }
                for (Process p : children) {
                    OutputStream in = p.getOutputStream();
                    in.write("go\n".getBytes(StandardCharsets.UTF_8));
                    in.flush();
                }
                start.countDown();
                for (Future<?> f : done) {
                    f.get(5, TimeUnit.MINUTES);
                }
                pool.shutdown();
                for (int j = 0; j < children.size(); j++) {
                    assertThat(outputs.get(j).readLine()).isEqualTo("done");
                    assertThat(children.get(j).waitFor(2, TimeUnit.MINUTES)).isTrue();
                    assertThat(children.get(j).exitValue()).isZero();
                }
            } finally {
                children.forEach(Process::destroyForcibly);
            }

            int total = (THREADS + CHILD_JVMS * CHILD_THREADS) * PER_WRITER;
            List<PromptManifest> versions = store.versions("ebc");
            assertThat(versions).extracting(PromptManifest::versionNumber).containsExactlyElementsOf(IntStream.rangeClosed(1, total).boxed().toList());
            Set<String> expected = new HashSet<>();
            for (int t = 0; t < THREADS; t++) {
                for (int i = 0; i < PER_WRITER; i++) {
                    expected.add("main" + t + "-" + i);
                }
            }
            for (int j = 0; j < CHILD_JVMS; j++) {
                for (int t = 0; t < CHILD_THREADS; t++) {
                    for (int i = 0; i < PER_WRITER; i++) {
                        expected.add("jvm" + j + "t" + t + "-" + i);
                    }
                }
            }
            assertThat(versions).extracting(PromptManifest::configHash).containsExactlyInAnyOrderElementsOf(expected);
            for (PromptManifest m : versions) {
                assertThat(store.load("ebc", m.version(), backbone).tensors()).as(m.version() + " of " + m.configHash())
                        .isEqualTo(StoreFixtures.prompts(PublisherMain.seed(m.configHash())));
            }
            VerifyReport report = store.verify();
            assertThat(report.problems()).isEmpty();
            assertThat(report.leftovers()).isEmpty();
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
