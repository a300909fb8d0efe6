package org.promptseg.model;

import com.typesafe.config.Config;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Binds ND4J's native thread pools (OpenMP and libnd4j's own) to a count chosen by the caller: one
 * Spark task with {@code spark.task.cpus = k} sets k, so task slots never oversubscribe the cores.
 */
public final class NativeThreads {
    private NativeThreads() {
    }

    public static void set(int threads) {
        if (threads < 1) {
            throw new ModelConfigException("threads", "an integer >= 1", threads);
        }
        // Nd4j first: it loads the backend, without which NativeOpsHolder cannot initialise
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        // Matrix products go to the bundled BLAS (OpenBLAS), whose own thread pool ignores the settings above and
        // uses every core by default: without this a "one-thread" task's GEMMs ran on two cores, so local[1] already
        // kept both cores busy and two task slots oversubscribed them (measured: process CPU 198 % for one such thread).
        // Its count is process-wide, as task slots of one executor all use the same threads-per-task.
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    /** Threads the BLAS library uses for matrix products. */
    public static int blasThreads() {
        return Nd4j.factory().blas().getMaxThreads();
    }

    /** OpenMP threads native ops currently use. */
    public static int current() {
        Nd4j.getEnvironment();
        return NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads();
    }

    /** Applies {@code promptseg.optim.threads} unless it is 0 (keep the process default); returns the count in force. */
    public static int applyConfig(Config root) {
        int n = root.getInt("promptseg.optim.threads");
        if (n < 0) {
            throw new ModelConfigException("promptseg.optim.threads", "0 (process default) or a positive count", n);
        }
        if (n > 0) {
            set(n);
        }
        return current();
    }
}
