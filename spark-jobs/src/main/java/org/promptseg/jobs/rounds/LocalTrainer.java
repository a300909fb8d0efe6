package org.promptseg.jobs.rounds;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The executor side of a round: trains on one center's records starting from the server's tensors.
 *
 * <p>Implementations are serialised into every task, so they hold settings and locations only (a
 * backbone id, a store URI), never a model: models are loaded once per executor JVM and cached.
 * Records arrive in arbitrary order (shuffles do not preserve it): sort them by a stable key before
 * sampling, so that the same seed gives the same result. Never mutate {@code start}: in local mode it
 * is the driver's own object.
 *
 * @param <T> the record type (e.g. a patch)
 */
public interface LocalTrainer<T> extends Serializable {

    /**
     * What local training produced for one center in one task.
     *
     * @param lossTerms mean per step of each term of the loss (e.g. seg, cpa), reported per round next to the total
     */
    record LocalResult(Map<String, ParamSet> updated, int steps, long patchesSeen, double meanLoss, Map<String, Double> lossTerms)
            implements Serializable {
        public LocalResult {
            lossTerms = lossTerms == null ? Map.of() : Map.copyOf(lossTerms);
        }

        public LocalResult(Map<String, ParamSet> updated, int steps, long patchesSeen, double meanLoss) {
            this(updated, steps, patchesSeen, meanLoss, Map.of());
        }
    }

    /**
     * @param center  the center whose records these are
     * @param records that center's records in this partition (at least one)
     * @param start   the server's tensors for every group this center trains, by group key
     * @param seed    the seed for this (round, partition, center): all randomness of the task derives from it
     * @return the trained tensors for exactly the groups in {@code start}
     */
    LocalResult train(String center, List<T> records, Map<String, ParamSet> start, long seed);

    /**
     * As {@link #train(String, List, Map, long)}, with read-only groups the server sends along but nobody trains
     * (e.g. the EMA teacher of self-supervised pretraining). Trainers that use none need not override this.
     *
     * @param reference read-only tensors by group key; never returned, never mutated
     */
    default LocalResult train(String center, List<T> records, Map<String, ParamSet> start, Map<String, ParamSet> reference, long seed) {
        return train(center, records, start, seed);
    }
}
