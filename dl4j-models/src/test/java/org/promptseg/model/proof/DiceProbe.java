package org.promptseg.model.proof;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.promptseg.model.PromptableUNet;

/** Mean foreground Dice of argmax predictions over a set of cases (a local helper for the proofs). */
final class DiceProbe {
    private DiceProbe() {
    }

    static double meanDice(PromptableUNet model, List<Phantoms.Case> cases) {
        int classes = model.spec().numClasses();
        double[] inter = new double[classes];
        double[] pred = new double[classes];
        double[] truth = new double[classes];
        for (Phantoms.Case c : cases) {
            long n = c.image().size(0);
            INDArray probs = model.predictProbabilities(c.image().reshape(1, n, n, n, 1));
            INDArray argmax = probs.argMax(4).reshape(n, n, n).castTo(c.labels().dataType());
            for (int k = 1; k < classes; k++) {
                INDArray p = argmax.eq(k).castTo(c.labels().dataType());
                INDArray t = c.labels().eq(k).castTo(c.labels().dataType());
                inter[k] += p.mul(t).sumNumber().doubleValue();
                pred[k] += p.sumNumber().doubleValue();
                truth[k] += t.sumNumber().doubleValue();
            }
        }
        double sum = 0;
        for (int k = 1; k < classes; k++) {
            sum += truth[k] + pred[k] == 0 ? 1 : 2 * inter[k] / (truth[k] + pred[k]);
        }
        return sum / (classes - 1);
    }
}
