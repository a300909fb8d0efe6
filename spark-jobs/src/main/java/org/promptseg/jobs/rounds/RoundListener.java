package org.promptseg.jobs.rounds;

import java.util.Map;

/** Called on the driver after each round is applied and checkpointed (validation, progress, curves). */
@FunctionalInterface
public interface RoundListener {
    /**
     * @return validation Dice per group for this round, or an empty map when none was computed
     */
    Map<String, Double> afterRound(int round, RoundState state, boolean validationDue);

    RoundListener NONE = (round, state, due) -> Map.of();
}
