package org.promptseg.jobs.rounds;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sum of one group's task outcomes in a round, computed on a server shard. Outcomes are added in
 * partition order in double precision, so the result does not depend on the order in which tasks
 * finished (float sums do, DESIGN §11): the same seed gives bit-identical rounds.
 */
public record Aggregate(String group, ParamSet weightedDeltaSum, long samples, double lossSum, int tasks, long patchesSeen,
                        long taskMillis, Map<String, Double> lossTermSums, Map<String, Long> lossTermSamples) implements Serializable {

    /** Sample-weighted mean of each loss term over the tasks that reported it (absent is not 0). */
    public Map<String, Double> meanLossTerms() {
        Map<String, Double> out = new TreeMap<>();
        lossTermSums.forEach((k, v) -> out.put(k, v / lossTermSamples.get(k)));
        return out;
    }

    public double meanLoss() {
        return samples == 0 ? Double.NaN : lossSum / samples;
    }

    /** The FedAvg update: the sample-weighted mean delta. */
    public ParamSet meanDelta() {
        return weightedDeltaSum.scaled(1.0 / samples);
    }

    public static Aggregate of(String group, Iterable<TaskOutcome> outcomes) {
        List<TaskOutcome> sorted = new ArrayList<>();
        outcomes.forEach(sorted::add);
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("no outcomes for group " + group);
        }
        sorted.sort(Comparator.comparingInt(TaskOutcome::partition));
        ParamSet first = sorted.get(0).weightedDelta();
        Map<String, double[]> acc = new TreeMap<>();
        first.tensors().forEach((name, t) -> acc.put(name, new double[t.size()]));
        long samples = 0;
        double loss = 0;
        long patches = 0;
        long millis = 0;
        Map<String, Double> terms = new TreeMap<>();
        Map<String, Long> termSamples = new TreeMap<>();
        for (TaskOutcome o : sorted) {
            o.lossTermSums().forEach((k, v) -> terms.merge(k, v, Double::sum));
            o.lossTermSamples().forEach((k, v) -> termSamples.merge(k, v, Long::sum));
            first.requireSameLayout(o.weightedDelta(), "sum");
            o.weightedDelta().tensors().forEach((name, t) -> {
                double[] a = acc.get(name);
                float[] d = t.data();
                for (int i = 0; i < d.length; i++) {
                    a[i] += d[i];
                }
            });
            samples += o.samples();
            loss += o.lossSum();
            patches += o.patchesSeen();
            millis += o.millis();
        }
        Map<String, FloatTensor> sum = new TreeMap<>();
        acc.forEach((name, a) -> {
            float[] f = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                f[i] = (float) a[i];
            }
            sum.put(name, new FloatTensor(first.get(name).shape(), f));
        });
        return new Aggregate(group, new ParamSet(sum), samples, loss, sorted.size(), patches, millis, terms, termSamples);
    }
}
