package org.promptseg.jobs.rounds;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A small but real local trainer for testing the round protocol: least-squares regression
 * y = (w_shared + w_center) · x, trained by minibatch SGD. "backbone" holds w_shared, "prompt/c" holds w_c.
 */
final class LinearRegressionTrainer implements LocalTrainer<LinearRegressionTrainer.Sample> {
    record Sample(int id, float[] x, float y) implements Serializable {}

    private final int localSteps;
    private final int batch;
    private final double lr;

    LinearRegressionTrainer(int localSteps, int batch, double lr) {
        this.localSteps = localSteps;
        this.batch = batch;
        this.lr = lr;
    }

    @Override
    public LocalResult train(String center, List<Sample> records, Map<String, ParamSet> start, long seed) {
        List<Sample> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparingInt(Sample::id));
        int d = sorted.get(0).x().length;
        Map<String, float[]> w = new TreeMap<>();
        start.forEach((g, set) -> w.put(g, set.get("w").data().clone()));
        SplittableRandom rnd = new SplittableRandom(seed);
        double lossSum = 0;
        for (int step = 0; step < localSteps; step++) {
            double[] grad = new double[d];
            double loss = 0;
            for (int b = 0; b < batch; b++) {
                Sample s = sorted.get(rnd.nextInt(sorted.size()));
                double pred = 0;
                for (int i = 0; i < d; i++) {
                    double wi = 0;
                    for (float[] v : w.values()) {
                        wi += v[i];
                    }
                    pred += wi * s.x()[i];
                }
                double err = pred - s.y();
                loss += err * err;
                for (int i = 0; i < d; i++) {
                    grad[i] += 2 * err * s.x()[i] / batch;
                }
            }
            lossSum += loss / batch;
            for (float[] v : w.values()) {
                for (int i = 0; i < d; i++) {
                    v[i] -= (float) (lr * grad[i]);
                }
            }
        }
        Map<String, ParamSet> updated = new TreeMap<>();
        w.forEach((g, v) -> updated.put(g, new ParamSet(Map.of("w", new FloatTensor(new long[] {v.length}, v)))));
        return new LocalResult(updated, localSteps, (long) localSteps * batch, lossSum / localSteps);
    }
}
