package org.promptseg.jobs.train;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;
import org.promptseg.store.AliasConflictException;
import org.promptseg.store.AliasEntry;
import org.promptseg.store.PromptStore;

/**
 * Alias moves of jobs that publish a version and then point an alias at it whatever the alias pointed at before
 * (tune sets {@code candidate}, pretrain sets {@code production} of its centers).
 *
 * <p>The store moves aliases by compare-and-set, and its {@link PromptStore#promote(String, String, String)} reads
 * the alias and writes it in two steps: another writer promoting the same center in between makes it throw, although
 * nothing in this job's decision depended on the entry it read. A job that had trained and published would then fail
 * after its work was done, its version in the store but not behind the alias. So these moves read again and retry;
 * every attempt still goes through compare-and-set, so each writer's move is logged once and none overwrites an entry
 * it did not see.
 */
public final class AliasUpdates {
    /** How long a job keeps retrying before it gives up and reports the conflict (its version stays published). */
    static final long PATIENCE_MILLIS = 120_000;

    private AliasUpdates() {}

    /** Points {@code alias} of {@code center} at {@code version}, retrying (re-reading the alias) when a concurrent move wins. */
    public static AliasEntry promote(PromptStore store, String center, String alias, String version) throws IOException {
        long deadline = System.nanoTime() + PATIENCE_MILLIS * 1_000_000;
        for (int attempt = 1; ; attempt++) {
            try {
                return store.promote(center, alias, version);
            } catch (AliasConflictException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    // a short random pause, growing to at most half a second: two jobs that collided once should
                    // not collide again in lockstep, and a busy writer leaves gaps sooner or later
                    Thread.sleep(ThreadLocalRandom.current().nextLong(1, Math.min(500, 20L * attempt) + 1));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
