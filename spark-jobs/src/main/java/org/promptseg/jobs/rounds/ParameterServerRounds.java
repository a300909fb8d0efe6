package org.promptseg.jobs.rounds;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.promptseg.jobs.progress.Progress;
import scala.Tuple2;

/**
 * Parameter-server rounds on plain Spark (DESIGN §6), shared by pretraining and prompt tuning.
 *
 * <p>Each round the driver broadcasts the trainable tensors of every group; each task trains its
 * partition's centers for {@code local-steps} and returns sample-weighted deltas per group; the deltas
 * are grouped by group key onto {@code server-shards} partitions and summed there in a fixed order;
 * the driver applies FedAvg (optionally with server momentum), checkpoints, and goes on. Only the
 * groups' tensors travel; a frozen backbone is loaded by each executor JVM once and never sent.
 */
public final class ParameterServerRounds<T> {
    private final JavaSparkContext jsc;
    private final RoundSettings settings;
    private final RoundCheckpoints checkpoints;
    private final Progress progress;

    private Map<String, List<String>> referenceByCenter = Map.of();
    private ServerHook hook = ServerHook.NONE;

    public ParameterServerRounds(JavaSparkContext jsc, RoundSettings settings, RoundCheckpoints checkpoints, Progress progress) {
        this.jsc = jsc;
        this.settings = settings;
        this.checkpoints = checkpoints;
        this.progress = progress;
    }

    /**
     * Groups that travel with the broadcast but are not trained: each center's tasks receive these read-only (e.g. the
     * EMA teacher); they return no delta for them. Their values are the server's, kept up to date by a {@link ServerHook}.
     */
    public ParameterServerRounds<T> withReferenceGroups(Map<String, List<String>> referenceByCenter) {
        Map<String, List<String>> copy = new HashMap<>();
        referenceByCenter.forEach((c, gs) -> copy.put(c, List.copyOf(gs)));
        this.referenceByCenter = copy;
        return this;
    }

    /** Runs on the driver after each server update, before the checkpoint (e.g. the teacher's EMA step). */
    public ParameterServerRounds<T> withServerHook(ServerHook hook) {
        this.hook = hook;
        return this;
    }

    /**
     * Runs the rounds after {@code start.completedRounds()} up to {@code settings.rounds()}.
     *
     * @param data           records keyed by center, partitioned so that a partition's records are trained together
     *                       (persist it: every round reads it)
     * @param groupsByCenter which groups each center's tasks train, e.g. {c: [prompt/c]} or {c: [backbone, prompt/c]}
     * @param start          the initial state (fresh, or the latest checkpoint when resuming)
     */
    public RoundState run(JavaPairRDD<String, T> data, Map<String, List<String>> groupsByCenter, RoundState start, LocalTrainer<T> trainer,
                          RoundListener listener) {
        for (Map<String, List<String>> groups : List.of(groupsByCenter, referenceByCenter)) {
            for (Map.Entry<String, List<String>> e : groups.entrySet()) {
                for (String g : e.getValue()) {
                    start.group(g); // fail before any Spark work if a group has no initial tensors
                }
            }
        }
        Map<String, List<String>> plan = new HashMap<>();
        groupsByCenter.forEach((c, gs) -> plan.put(c, List.copyOf(gs)));
        RoundState state = start;
        Progress.Task bar = progress.start("rounds", settings.rounds() - start.completedRounds());
        for (int round = start.completedRounds() + 1; round <= settings.rounds(); round++) {
            long t0 = System.nanoTime();
            Map<String, ParamSet> sent = new HashMap<>(state.server());
            Broadcast<Map<String, ParamSet>> bc = jsc.broadcast(sent);
            long broadcastBytes = RoundTask.serializedSize(sent);
            LongAccumulator resultBytes = jsc.sc().longAccumulator("promptseg.round" + round + ".resultBytes");
            RoundTask<T> task = new RoundTask<>(bc, plan, referenceByCenter, trainer, settings, round, resultBytes);
            List<Tuple2<String, Aggregate>> collected = data.mapPartitionsWithIndex(task, true)
                    .mapToPair(o -> new Tuple2<>(o.group(), o))
                    .groupByKey(settings.serverShards())
                    .map(g -> new Tuple2<>(g._1(), Aggregate.of(g._1(), g._2())))
                    .collect();
            bc.destroy();
            Map<String, Aggregate> aggregates = new TreeMap<>();
            collected.forEach(t -> aggregates.put(t._1(), t._2()));
            var updated = ServerUpdate.apply(state, aggregates, settings);
            Map<String, ParamSet> derived = hook.afterUpdate(round, updated.getKey());
            if (!derived.isEmpty()) {
                Map<String, ParamSet> server = new HashMap<>(updated.getKey());
                server.putAll(derived);
                updated = Map.entry(server, updated.getValue());
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            RoundMetrics metrics = metrics(round, millis, aggregates, broadcastBytes, resultBytes.value());
            List<RoundMetrics> history = new ArrayList<>(state.history());
            history.add(metrics);
            state = new RoundState(round, updated.getKey(), updated.getValue(), history);
            boolean due = round == settings.rounds() || (settings.validateEvery() > 0 && round % settings.validateEvery() == 0);
            Map<String, Double> dice = listener.afterRound(round, state, due);
            if (!dice.isEmpty()) {
                history.set(history.size() - 1, metrics.withValidation(dice));
                state = new RoundState(round, state.server(), state.momentum(), history);
            }
            checkpoints.save(state);
            bar.step(describe(history.get(history.size() - 1)));
        }
        bar.done();
        return state;
    }

    private static RoundMetrics metrics(int round, long millis, Map<String, Aggregate> aggregates, long broadcastBytes, long resultBytes) {
        Map<String, Double> loss = new TreeMap<>();
        Map<String, Long> samples = new TreeMap<>();
        long patches = 0;
        for (Aggregate a : aggregates.values()) {
            loss.put(a.group(), a.meanLoss());
            samples.put(a.group(), a.samples());
            if (!a.group().equals(Groups.BACKBONE)) {
                patches += a.patchesSeen();
            }
        }
        if (aggregates.containsKey(Groups.BACKBONE)) {
            // in pretraining every task trains the backbone and its center's prompts in the same steps: count once
            patches = aggregates.get(Groups.BACKBONE).patchesSeen();
        }
        double perSecond = millis == 0 ? 0 : patches * 1000.0 / millis;
        // loss terms: every task trains all its groups on one loss, so the backbone's aggregate (pretraining) or the
        // sample-weighted mean over all groups (tuning) describes the round
        Map<String, Double> terms = new TreeMap<>();
        if (aggregates.containsKey(Groups.BACKBONE)) {
            terms.putAll(aggregates.get(Groups.BACKBONE).meanLossTerms());
        } else {
            Map<String, Double> sums = new TreeMap<>();
            Map<String, Long> n = new TreeMap<>();
            for (Aggregate a : aggregates.values()) {
                a.lossTermSums().forEach((k, v) -> sums.merge(k, v, Double::sum));
                a.lossTermSamples().forEach((k, v) -> n.merge(k, v, Long::sum));
            }
            sums.forEach((k, v) -> terms.put(k, v / n.get(k)));
        }
        return new RoundMetrics(round, millis, loss, samples, patches, perSecond, broadcastBytes, resultBytes, Map.of(), terms);
    }

    static String describe(RoundMetrics m) {
        StringBuilder b = new StringBuilder();
        b.append("round ").append(m.round()).append(": loss");
        m.lossByGroup().forEach((g, l) -> b.append(' ').append(g).append('=').append(String.format(java.util.Locale.ROOT, "%.4f", l)));
        if (!m.lossTerms().isEmpty()) {
            b.append(" (");
            String sep = "";
            for (Map.Entry<String, Double> t : m.lossTerms().entrySet()) {
                b.append(sep).append(t.getKey()).append(' ').append(String.format(java.util.Locale.ROOT, "%.4f", t.getValue()));
                sep = ", ";
            }
            b.append(')');
        }
        m.validationDice().forEach((g, d) -> b.append(", val Dice ").append(g).append('=').append(String.format(java.util.Locale.ROOT, "%.3f", d)));
        b.append(String.format(java.util.Locale.ROOT, ", %.1f s, %.1f patches/s, sent %s, returned %s", m.millis() / 1000.0, m.patchesPerSecond(),
                Progress.bytes(m.broadcastBytes()), Progress.bytes(m.resultBytes())));
        return b.toString();
    }
}
