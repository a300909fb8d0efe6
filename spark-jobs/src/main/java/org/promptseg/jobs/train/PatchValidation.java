package org.promptseg.jobs.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.promptseg.model.NativeThreads;
import org.promptseg.model.PromptableUNet;
import org.promptseg.volume.preprocess.Normalization;
import org.promptseg.volume.preprocess.Patch;
import scala.Tuple2;

/**
 * Dice on validation patches, distributed: every task predicts its patches with the current tensors
 * and returns per-class overlap counts; the counts are summed per center, so the Dice is over all
 * voxels of the center's validation patches (classes the center does not label are skipped).
 */
public final class PatchValidation {
    private PatchValidation() {}

    /** Overlap counts of one center: per class intersection, predicted and reference voxels. */
    record Counts(long[] intersection, long[] predicted, long[] reference) implements Serializable {
        Counts plus(Counts o) {
            long[] i = intersection.clone();
            long[] p = predicted.clone();
            long[] r = reference.clone();
            for (int c = 0; c < i.length; c++) {
                i[c] += o.intersection[c];
                p[c] += o.predicted[c];
                r[c] += o.reference[c];
            }
            return new Counts(i, p, r);
        }

        /** Mean Dice over the labelled foreground classes that occur in the reference or the prediction. */
        double meanDice(boolean[] labelled) {
            double sum = 0;
            int n = 0;
            for (int c = 1; c < intersection.length; c++) {
                if (labelled[c] && (reference[c] + predicted[c]) > 0) {
                    sum += 2.0 * intersection[c] / (reference[c] + predicted[c]);
                    n++;
                }
            }
            return n == 0 ? Double.NaN : sum / n;
        }
    }

    /** Settings of a validation pass (serialised into the tasks). */
    public record Setup(ModelSource source, Normalization normalization, Map<String, boolean[]> labelledByCenter, int batchSize, int threads)
            implements Serializable {}

    /**
     * @param states the model state of each center to validate (centers without a state are skipped)
     * @return mean Dice per center
     */
    public static Map<String, Double> dice(JavaSparkContext jsc, JavaPairRDD<String, Patch> patches, Setup setup, Map<String, ModelState> states) {
        Broadcast<Map<String, ModelState>> bc = jsc.broadcast(new TreeMap<>(states));
        List<Tuple2<String, Counts>> counts = patches.mapPartitionsToPair(it -> countPartition(it, setup, bc.value()))
                .reduceByKey(Counts::plus).collect();
        bc.destroy();
        Map<String, Double> dice = new TreeMap<>();
        counts.forEach(t -> dice.put(t._1(), t._2().meanDice(setup.labelledByCenter().get(t._1()))));
        return dice;
    }

    static Iterator<Tuple2<String, Counts>> countPartition(Iterator<Tuple2<String, Patch>> it, Setup setup, Map<String, ModelState> states) {
        Map<String, List<Patch>> byCenter = new TreeMap<>();
        it.forEachRemaining(t -> {
            if (states.containsKey(t._1())) {
                byCenter.computeIfAbsent(t._1(), c -> new ArrayList<>()).add(t._2());
            }
        });
        List<Tuple2<String, Counts>> out = new ArrayList<>();
        if (byCenter.isEmpty()) {
            return out.iterator();
        }
        NativeThreads.set(setup.threads());
        try (ExecutorModels.Lease lease = ExecutorModels.borrow(setup.source())) {
            PromptableUNet model = lease.model();
            int classes = model.spec().numClasses();
            for (Map.Entry<String, List<Patch>> e : byCenter.entrySet()) {
                lease.apply(states.get(e.getKey()));
                Counts total = new Counts(new long[classes], new long[classes], new long[classes]);
                List<Patch> ps = PatchTrainer.sorted(e.getValue());
                for (int from = 0; from < ps.size(); from += setup.batchSize()) {
                    List<Patch> batch = ps.subList(from, Math.min(ps.size(), from + setup.batchSize()));
                    INDArray probs = model.predictProbabilities(PatchBatches.images(batch, setup.normalization()));
                    total = total.plus(count(batch, probs, classes));
                }
                out.add(new Tuple2<>(e.getKey(), total));
            }
        }
        return out.iterator();
    }

    /** Argmax of [N, D, H, W, C] probabilities against the patches' labels. */
    static Counts count(List<Patch> batch, INDArray probs, int classes) {
        float[] p = probs.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
        long[] inter = new long[classes];
        long[] pred = new long[classes];
        long[] ref = new long[classes];
        int vox = batch.get(0).voxelCount();
        for (int i = 0; i < batch.size(); i++) {
            byte[] label = batch.get(i).label();
            for (int v = 0; v < vox; v++) {
                int base = (i * vox + v) * classes;
                int best = 0;
                for (int c = 1; c < classes; c++) {
                    if (p[base + c] > p[base + best]) {
                        best = c;
                    }
                }
                int truth = label[v] & 0xff;
                pred[best]++;
                ref[truth]++;
                if (best == truth) {
                    inter[best]++;
                }
            }
        }
        return new Counts(inter, pred, ref);
    }
}
