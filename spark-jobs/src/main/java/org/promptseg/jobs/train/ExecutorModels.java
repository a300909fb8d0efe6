package org.promptseg.jobs.train;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.promptseg.model.PromptableUNet;

/**
 * The networks of one executor JVM: each {@link ModelSource} is loaded once (a frozen backbone is read
 * from the store once per JVM, not per task or round) and handed out as independent copies, one per
 * concurrently running task, because a ComputationGraph is not thread-safe (DESIGN §11). A task
 * borrows a copy, overwrites every parameter it trains from the round's broadcast, and returns it.
 */
public final class ExecutorModels {
    private static final Map<String, Pool> POOLS = new ConcurrentHashMap<>();

    private ExecutorModels() {}

    /** A borrowed network; closing returns it to the pool. */
    public static final class Lease implements AutoCloseable {
        private final Pool pool;
        private final PromptableUNet model;

        private Lease(Pool pool, PromptableUNet model) {
            this.pool = pool;
            this.model = model;
        }

        public PromptableUNet model() {
            return model;
        }

        @Override
        public void close() {
            pool.idle.push(model);
        }
    }

    private static final class Pool {
        private final PromptableUNet prototype;
        private final ConcurrentLinkedDeque<PromptableUNet> idle = new ConcurrentLinkedDeque<>();

        Pool(PromptableUNet prototype) {
            this.prototype = prototype;
        }
    }

    public static Lease borrow(ModelSource source) {
        Pool pool = POOLS.computeIfAbsent(source.key(), k -> new Pool(source.load()));
        PromptableUNet m = pool.idle.poll();
        if (m == null) {
            synchronized (pool.prototype) { // copying reads the prototype's parameters
                m = pool.prototype.copy();
            }
        }
        return new Lease(pool, m);
    }

    /** Number of sources loaded in this JVM (tests: a frozen backbone is loaded once, whatever the rounds). */
    public static int loadedSources() {
        return POOLS.size();
    }

    /** Drops every cached network (tests, or an executor that must free memory). */
    public static void clear() {
        POOLS.clear();
    }
}
