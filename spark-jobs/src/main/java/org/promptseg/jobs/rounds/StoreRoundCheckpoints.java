package org.promptseg.jobs.rounds;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.promptseg.common.Json;
import org.promptseg.jobs.train.TensorConversions;
import org.promptseg.store.RoundCheckpoint;
import org.promptseg.store.RunCheckpoints;
import org.promptseg.store.tensor.TensorSet;

/**
 * Round checkpoints in the prompt store's {@code runs/<run-id>/}: every group's tensors and momentum
 * buffers in one safetensors file (names {@code server:<group>:<tensor>} and {@code momentum:...}),
 * the round counter and metrics history as JSON. Written atomically by the store; older rounds are
 * pruned to the last {@code keep}.
 */
public final class StoreRoundCheckpoints implements RoundCheckpoints {
    private static final String SERVER = "server:";
    private static final String MOMENTUM = "momentum:";
    private final RunCheckpoints run;
    private final int keep;

    /** What is stored next to the tensors. */
    record State(int completedRounds, List<RoundMetrics> history) {}

    public StoreRoundCheckpoints(RunCheckpoints run, int keep) {
        this.run = run;
        this.keep = Math.max(1, keep);
    }

    public String runId() {
        return run.runId();
    }

    @Override
    public void save(RoundState state) {
        TensorSet.Builder b = TensorSet.builder();
        put(b, SERVER, state.server());
        put(b, MOMENTUM, state.momentum());
        try {
            run.write(state.completedRounds(), b.build(), new State(state.completedRounds(), state.history()));
            run.prune(keep);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot checkpoint round " + state.completedRounds() + " of run " + run.runId() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<RoundState> latest() {
        try {
            return run.latest().map(StoreRoundCheckpoints::toState);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoints of run " + run.runId() + ": " + e.getMessage(), e);
        }
    }

    private static void put(TensorSet.Builder b, String prefix, Map<String, ParamSet> groups) {
        groups.forEach((group, set) -> TensorConversions.toStore(set).asMap().forEach((name, t) -> b.put(prefix + group + ":" + name, t)));
    }

    static RoundState toState(RoundCheckpoint c) {
        Map<String, ParamSet> server = split(c.tensors(), SERVER);
        Map<String, ParamSet> momentum = split(c.tensors(), MOMENTUM);
        List<RoundMetrics> history = Json.mapper().convertValue(c.state().get("history"), new TypeReference<List<RoundMetrics>>() {});
        return new RoundState(c.state().get("completedRounds").asInt(), server, momentum, history == null ? new ArrayList<>() : history);
    }

    private static Map<String, ParamSet> split(TensorSet all, String prefix) {
        Map<String, TensorSet.Builder> byGroup = new TreeMap<>();
        all.asMap().forEach((name, t) -> {
            if (name.startsWith(prefix)) {
                String rest = name.substring(prefix.length());
                int colon = rest.indexOf(':');
                byGroup.computeIfAbsent(rest.substring(0, colon), g -> TensorSet.builder()).put(rest.substring(colon + 1), t);
            }
        });
        Map<String, ParamSet> out = new TreeMap<>();
        byGroup.forEach((g, b) -> out.put(g, TensorConversions.fromStore(b.build())));
        return out;
    }
}
