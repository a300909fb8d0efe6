package org.promptseg.jobs.rounds;

import java.io.Serializable;
import java.util.Map;

/**
 * What one task returns for one parameter group: the change it made, weighted by its number of
 * records (FedAvg), and the numbers the driver reports. This is all that travels back from training.
 */
public record TaskOutcome(String group, int partition, ParamSet weightedDelta, long samples, double lossSum, int steps,
                          long patchesSeen, long millis, Map<String, Double> lossTermSums, Map<String, Long> lossTermSamples)
        implements Serializable {
    /** lossTermSums: each loss term's mean times the samples it was measured on (lossTermSamples; a task may lack a term, e.g. seg without labels) */
    public TaskOutcome {
        lossTermSums = lossTermSums == null ? Map.of() : Map.copyOf(lossTermSums);
        lossTermSamples = lossTermSamples == null ? Map.of() : Map.copyOf(lossTermSamples);
    }

    public TaskOutcome(String group, int partition, ParamSet weightedDelta, long samples, double lossSum, int steps, long patchesSeen, long millis) {
        this(group, partition, weightedDelta, samples, lossSum, steps, patchesSeen, millis, Map.of(), Map.of());
    }
}
