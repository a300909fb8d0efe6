package org.promptseg.jobs.rounds;

import java.util.Map;

/**
 * Driver-side work after each round's server update and before its checkpoint: groups derived from the updated
 * ones (e.g. the EMA teacher of CPA pretraining follows the student's backbone). What it returns replaces those
 * groups on the server, so it is broadcast next round and checkpointed with the rest (resume stays exact).
 */
@FunctionalInterface
public interface ServerHook {
    /**
     * @param server every group after the update (the trained ones updated, derived ones still from the last round)
     * @return the new values of derived groups (empty: nothing to change)
     */
    Map<String, ParamSet> afterUpdate(int round, Map<String, ParamSet> server);

    ServerHook NONE = (round, server) -> Map.of();
}
