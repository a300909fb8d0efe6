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
    static Map.Entry<Map<String, TensorSet>, Map<String, TensorSet>> apply(RoundState state, Map<String, Aggregate> aggregates,
                                                                          RoundSettings s) {
        Map<String, TensorSet> server = new HashMap<>(state.server());
        Map<String, TensorSet> momentum = new HashMap<>(state.momentum());
        for (Aggregate a : aggregates.values()) {
            TensorSet current = state.group(a.group());
            TensorSet step = a.meanDelta();
            if (s.serverMomentum() > 0) {
                TensorSet m = momentum.getOrDefault(a.group(), current.zerosLike());
                step = step.plusScaled(m, s.serverMomentum());
                momentum.put(a.group(), step);
            }
            server.put(a.group(), current.plusScaled(step, s.serverLr()));
        }
        return Map.entry(server, momentum);
    }
}
