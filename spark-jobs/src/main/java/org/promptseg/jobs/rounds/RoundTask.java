package org.promptseg.jobs.rounds;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

/**
 * The function every task of a round runs. A static class with explicit fields: what it captures is
 * exactly what is written here (a broadcast handle, the trainer's settings, numbers), never the
 * enclosing job or a model (DESIGN §11).
 */
final class RoundTask<T> implements Function2<Integer, Iterator<Tuple2<String, T>>, Iterator<TaskOutcome>> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<Map<String, ParamSet>> server;
    private final Map<String, List<String>> groupsByCenter;
    private final Map<String, List<String>> referenceByCenter;
    private final LocalTrainer<T> trainer;
    private final RoundSettings settings;
    private final int round;
    private final LongAccumulator resultBytes;

    RoundTask(Broadcast<Map<String, ParamSet>> server, Map<String, List<String>> groupsByCenter, Map<String, List<String>> referenceByCenter,
              LocalTrainer<T> trainer, RoundSettings settings, int round, LongAccumulator resultBytes) {
        this.server = server;
        this.groupsByCenter = groupsByCenter;
        this.referenceByCenter = referenceByCenter;
        this.trainer = trainer;
        this.settings = settings;
        this.round = round;
        this.resultBytes = resultBytes;
    }

    @Override
    public Iterator<TaskOutcome> call(Integer partition, Iterator<Tuple2<String, T>> records) {
        Map<String, List<T>> byCenter = new TreeMap<>();
        records.forEachRemaining(r -> byCenter.computeIfAbsent(r._1(), c -> new ArrayList<>()).add(r._2()));
        List<TaskOutcome> out = new ArrayList<>();
        Map<String, ParamSet> serverTensors = server.value();
        for (Map.Entry<String, List<T>> e : byCenter.entrySet()) {
            String center = e.getKey();
            List<String> groups = groupsByCenter.get(center);
            if (groups == null) {
                continue; // data of a center this run does not train
            }
            Map<String, ParamSet> start = new TreeMap<>();
            for (String g : groups) {
                start.put(g, serverTensors.get(g));
            }
            Map<String, ParamSet> reference = new TreeMap<>();
            for (String g : referenceByCenter.getOrDefault(center, List.of())) {
                reference.put(g, serverTensors.get(g));
            }
            long t0 = System.nanoTime();
            LocalTrainer.LocalResult r = trainer.train(center, e.getValue(), start, reference, settings.taskSeed(round, partition, center));
            long millis = (System.nanoTime() - t0) / 1_000_000;
            long n = e.getValue().size();
            for (String g : groups) {
                ParamSet updated = r.updated().get(g);
                if (updated == null) {
                    throw new IllegalStateException("trainer returned no tensors for group " + g);
                }
                ParamSet weightedDelta = updated.minus(start.get(g)).scaled(n);
                Map<String, Double> termSums = new TreeMap<>();
                Map<String, Long> termSamples = new TreeMap<>();
                r.lossTerms().forEach((k, v) -> {
                    termSums.put(k, v * n);
                    termSamples.put(k, n);
                });
                TaskOutcome o = new TaskOutcome(g, partition, weightedDelta, n, r.meanLoss() * n, r.steps(), r.patchesSeen(), millis, termSums,
                        termSamples);
                resultBytes.add(serializedSize(o));
                out.add(o);
            }
        }
        return out.iterator();
    }

    static long serializedSize(Object o) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.size();
    }
}
