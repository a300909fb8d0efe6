package org.promptseg.jobs.rounds;

import java.io.Serializable;

/**
 * What one task returns for one parameter group: the change it made, weighted by its number of
 * records (FedAvg), and the numbers the driver reports. This is all that travels back from training.
 */
public record TaskOutcome(String group, int partition, ParamSet weightedDelta, long samples, double lossSum, int steps,
                          long patchesSeen, long millis) implements Serializable {}
