package org.promptseg.jobs.rounds;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The parameter server's authoritative state after {@code completedRounds} rounds: the tensors of every
 * group, the server momentum buffers, and the history of round metrics. A checkpoint is exactly this;
 * resuming from it continues bit-identically because task seeds derive from (seed, round, partition).
 */
public record RoundState(int completedRounds, Map<String, ParamSet> server, Map<String, ParamSet> momentum, List<RoundMetrics> history)
        implements Serializable {

    public RoundState {
        server = java.util.Collections.unmodifiableMap(new TreeMap<>(server));
        momentum = java.util.Collections.unmodifiableMap(new TreeMap<>(momentum));
        history = List.copyOf(history);
    }

    public static RoundState initial(Map<String, ParamSet> server) {
        return new RoundState(0, server, Map.of(), List.of());
    }

    public ParamSet group(String group) {
        ParamSet s = server.get(group);
        if (s == null) {
            throw new IllegalArgumentException("no parameter group '" + group + "' on the server (has " + server.keySet() + ")");
        }
        return s;
    }
}
