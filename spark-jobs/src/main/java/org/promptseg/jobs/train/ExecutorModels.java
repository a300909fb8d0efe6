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
 *
 * <p>Only prompts may differ between borrowers: a copy whose backbone weights were written (full or head
 * fine-tuning, or their validation) gets the source's weights back when returned, so the next job in the
 * same JVM — a prompt tuning after a full fine-tuning baseline — starts from the frozen backbone, never
 * from another job's fine-tuned weights.
 */
public final class ExecutorModels {
    private static final Map<String, Pool> POOLS = new ConcurrentHashMap<>();

    private ExecutorModels() {}

    /** A borrowed network; closing returns it to the pool. */
    public static final class Lease implements AutoCloseable {
        private final Pool pool;
        private final PromptableUNet model;
        private boolean backboneWritten;

        private Lease(Pool pool, PromptableUNet model) {
            this.pool = pool;
            this.model = model;
        }

        public PromptableUNet model() {
            return model;
        }

        /** Puts {@code state} in place; a state that writes backbone weights makes {@link #close} restore them. */
        public PromptableUNet apply(ModelState state) {
            backboneWritten |= state.writesBackbone();
            state.applyTo(model);
            return model;
        }

        @Override
        public void close() {
            if (backboneWritten) {
                synchronized (pool.prototype) { // one flat copy of every parameter, a few milliseconds
                    model.graph().params().assign(pool.prototype.graph().params());
                }
            }
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

    /** Idle copies of {@code source} in this JVM (tests). */
    static int idleCopies(ModelSource source) {
        Pool pool = POOLS.get(source.key());
        return pool == null ? 0 : pool.idle.size();
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
