package org.promptseg.jobs.select;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.promptseg.jobs.infer.CaseInference;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.jobs.train.ExecutorModels;
import org.promptseg.jobs.train.ModelSource;
import org.promptseg.jobs.train.TensorConversions;
import org.promptseg.model.NativeThreads;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TuningMode;
import org.promptseg.volume.Volume;
import org.promptseg.volume.dataset.CaseRef;
import org.promptseg.volume.dataset.ClassMapping;
import org.promptseg.volume.dataset.LabelledCase;
import org.promptseg.volume.preprocess.PreparedCase;

/**
 * The benchmark's yardstick, one Spark task per held-out case: the case segmented with the frozen backbone and a prompt
 * set (sliding windows, labels back on the source grid, as evaluate does), and the Dice of every class the center labels
 * (both masks empty counts 1, as in the evaluation metrics). Dice only: HD95 is not needed to compare selections.
 */
record HeldOutDice(CaseInference inference, ModelSource backbone, ParamSet prompts, int threads) implements Serializable {

    /** One held-out case with its reference label. */
    record Work(String caseId, CaseRef ref, ClassMapping classes) implements Serializable {}

    /** Mean Dice over the labelled foreground classes of one case, and each class's Dice. */
    record CaseDice(String caseId, double mean, double[] perClass) implements Serializable {}

    CaseDice score(Work w) throws IOException {
        NativeThreads.set(threads);
        LabelledCase c = inference.load(w.ref(), w.classes());
        PreparedCase prepared = inference.prepare(c);
        float[] normalised = inference.normalise(prepared);
        boolean[] labelled = w.classes().labelledClasses();
        Volume predicted;
        try (ExecutorModels.Lease lease = ExecutorModels.borrow(backbone)) {
            PromptableUNet model = lease.model();
            model.setActiveClasses(labelled);
            model.insert(TuningMode.PROMPT, TensorConversions.toArrays(prompts));
            predicted = inference.toSource(prepared, inference.segment(model, normalised, prepared));
        }
        byte[] ref = c.label().labels();
        byte[] pred = predicted.labels();
        List<Double> dice = new ArrayList<>();
        for (int k = 1; k < labelled.length; k++) {
            if (!labelled[k]) {
                continue;
            }
            long r = 0;
            long p = 0;
            long both = 0;
            for (int i = 0; i < ref.length; i++) {
                boolean inR = (ref[i] & 0xff) == k;
                boolean inP = (pred[i] & 0xff) == k;
                r += inR ? 1 : 0;
                p += inP ? 1 : 0;
                both += inR && inP ? 1 : 0;
            }
            dice.add(r + p == 0 ? 1.0 : 2.0 * both / (r + p));
        }
        double[] per = dice.stream().mapToDouble(Double::doubleValue).toArray();
        return new CaseDice(w.caseId(), java.util.Arrays.stream(per).average().orElse(Double.NaN), per);
    }
}
