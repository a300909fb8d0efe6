package org.promptseg.jobs.rounds;

import java.util.HashMap;
import java.util.Map;

/**
 * The driver's update of a group from its round aggregate: FedAvg (mean of the sample-weighted task
 * deltas) scaled by the server learning rate, with optional server momentum.
 */
final class ServerUpdate {
    private ServerUpdate() {}

    /** Returns the new server and momentum maps; groups without an aggregate are unchanged. */
    static Map.Entry<Map<String, ParamSet>, Map<String, ParamSet>> apply(RoundState state, Map<String, Aggregate> aggregates,
                                                                          RoundSettings s) {
        Map<String, ParamSet> server = new HashMap<>(state.server());
        Map<String, ParamSet> momentum = new HashMap<>(state.momentum());
        for (Aggregate a : aggregates.values()) {
            ParamSet current = state.group(a.group());
            ParamSet step = a.meanDelta();
            if (s.serverMomentum() > 0) {
                ParamSet m = momentum.getOrDefault(a.group(), current.zerosLike());
                step = step.plusScaled(m, s.serverMomentum());
                momentum.put(a.group(), step);
            }
            server.put(a.group(), current.plusScaled(step, s.serverLr()));
        }
        return Map.entry(server, momentum);
    }
}
