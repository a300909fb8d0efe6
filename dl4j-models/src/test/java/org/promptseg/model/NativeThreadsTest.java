package org.promptseg.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@DisplayName("NativeThreads")
class NativeThreadsTest {

    @Test
    @DisplayName("one thread means one core, matrix products included (the BLAS pool too)")
    void oneThreadUsesOneCore() throws Exception {
        int before = NativeThreads.blasThreads();
        try {
            AtomicLong busyCoresX1000 = new AtomicLong();
            Thread worker = new Thread(() -> {
                NativeThreads.set(1);
                INDArray x = Nd4j.rand(768, 768);
                INDArray y = Nd4j.rand(768, 768);
                x.mmul(y); // warm-up
                long c0 = processCpuNanos();
                long t0 = System.nanoTime();
                for (int i = 0; i < 40; i++) {
                    x.mmul(y);
                }
                long wall = System.nanoTime() - t0;
                busyCoresX1000.set((processCpuNanos() - c0) * 1000 / Math.max(1, wall)); // process CPU per wall time, in thousandths
            });
            worker.start();
            worker.join();
            assertThat(NativeThreads.blasThreads()).isEqualTo(1);
            // Two cores busy would read about 2000; one, about 1000 plus the JVM's own threads.
            assertThat(busyCoresX1000.get()).as("process CPU per wall time (x1000) while one thread multiplies").isLessThan(1500);
        } finally {
            NativeThreads.set(Math.max(1, before));
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
