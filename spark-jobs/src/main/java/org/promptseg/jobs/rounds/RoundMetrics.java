package org.promptseg.jobs.rounds;

import java.io.Serializable;
import java.util.Map;

/**
 * What one round did: per-group mean loss and samples, wall time, throughput, and the bytes that
 * travelled (broadcast to executors, returned by tasks). Validation Dice is filled in by the job.
 */
public record RoundMetrics(int round, long millis, Map<String, Double> lossByGroup, Map<String, Long> samplesByGroup, long patchesSeen,
                           double patchesPerSecond, long broadcastBytes, long resultBytes, Map<String, Double> validationDice,
                           Map<String, Double> lossTerms) implements Serializable {

    /** @param lossTerms mean of each loss term over the round's tasks (e.g. seg, cpa); empty when the loss has one term */
    public RoundMetrics {
        lossTerms = lossTerms == null ? Map.of() : lossTerms; // checkpoints written before loss terms existed
    }

    public RoundMetrics(int round, long millis, Map<String, Double> lossByGroup, Map<String, Long> samplesByGroup, long patchesSeen,
                        double patchesPerSecond, long broadcastBytes, long resultBytes, Map<String, Double> validationDice) {
        this(round, millis, lossByGroup, samplesByGroup, patchesSeen, patchesPerSecond, broadcastBytes, resultBytes, validationDice, Map.of());
    }

    public RoundMetrics withValidation(Map<String, Double> dice) {
        return new RoundMetrics(round, millis, lossByGroup, samplesByGroup, patchesSeen, patchesPerSecond, broadcastBytes, resultBytes, dice,
                lossTerms);
    }
}
