package org.promptseg.model.proof;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.promptseg.model.ModelSpec;
import org.promptseg.model.PromptKind;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TuningMode;
import org.promptseg.model.loss.LossSettings;
import org.promptseg.model.train.OptimSettings;
import org.promptseg.model.train.Trainer;

@DisplayName("Proof that the wiring and the prompts work (tiny preset, synthetic CT phantoms)")
class PromptProofTest {
    private static final int SIZE = 32;

    private static ModelSpec tiny(java.util.Set<PromptKind> kinds) {
        return ModelSpec.fromConfig(ConfigFactory.load(), "tiny").withPromptKinds(kinds);
    }

    private static void train(Trainer trainer, List<Phantoms.Case> cases, int steps, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int s = 0; s < steps; s++) {
            List<Phantoms.Case> pick = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                pick.add(cases.get(random.nextInt(cases.size())));
            }
            trainer.step(Phantoms.batch(pick, trainer.model().spec().numClasses()));
        }
    }

    @Test
    @Tag("slow")
    @DisplayName("the tiny backbone with deep prompts overfits one small batch (Dice > 0.9)")
    void overfitsSmallBatch() {
        PromptableUNet model = PromptableUNet.create(tiny(java.util.EnumSet.of(PromptKind.DEEP)), 1);
        List<Phantoms.Case> cases = Phantoms.cases(Phantoms.A, 2, SIZE, 5);
        Trainer trainer = new Trainer(model, TuningMode.FULL, OptimSettings.adam(3e-3), LossSettings.defaults());
        double first = 0;
        double last = 0;
        for (int s = 0; s < 60; s++) {
            last = trainer.step(Phantoms.batch(cases, 4));
            if (s == 0) {
                first = last;
            }
        }
        double dice = DiceProbe.meanDice(model, cases);
        System.out.printf("overfit: loss %.3f -> %.3f, Dice %.3f%n", first, last, dice);
        assertThat(dice).isGreaterThan(0.9);
    }

    @Test
    @Tag("slow")
    @DisplayName("prompt tuning on a shifted center recovers a large share of the Dice that full fine-tuning gets, backbone untouched")
    void promptsRecoverDomainShift() {
        List<Phantoms.Case> trainA = Phantoms.cases(Phantoms.A, 10, SIZE, 101);
        List<Phantoms.Case> testA = Phantoms.cases(Phantoms.A, 4, SIZE, 102);
        List<Phantoms.Case> trainB = Phantoms.cases(Phantoms.B, 8, SIZE, 201);
        List<Phantoms.Case> testB = Phantoms.cases(Phantoms.B, 4, SIZE, 202);

        PromptableUNet backbone = PromptableUNet.create(tiny(java.util.EnumSet.allOf(PromptKind.class)), 7);
        long t0 = System.nanoTime();
        train(new Trainer(backbone, TuningMode.FULL, OptimSettings.adam(2e-3), LossSettings.defaults()), trainA, 150, 1);
        long t1 = System.nanoTime();
        double aBefore = DiceProbe.meanDice(backbone, testA);
        double bBefore = DiceProbe.meanDice(backbone, testB);
        Map<String, INDArray> promptsA = backbone.extract(TuningMode.PROMPT);

        PromptableUNet promptTuned = backbone.copy();
        Trainer promptTrainer = new Trainer(promptTuned, TuningMode.PROMPT, OptimSettings.adam(1e-2), LossSettings.defaults());
        train(promptTrainer, trainB, 100, 2);
        long t2 = System.nanoTime();
        double bPrompt = DiceProbe.meanDice(promptTuned, testB);
        // the same graph with center A's prompts swapped back in: A is exactly as before
        Map<String, INDArray> promptsB = promptTuned.extract(TuningMode.PROMPT);
        promptTuned.insert(TuningMode.PROMPT, promptsA);
        double aWithOwnPrompts = DiceProbe.meanDice(promptTuned, testA);
        promptTuned.insert(TuningMode.PROMPT, promptsB);

        PromptableUNet fullTuned = backbone.copy();
        train(new Trainer(fullTuned, TuningMode.FULL, OptimSettings.adam(2e-3), LossSettings.defaults()), trainB, 100, 2);
        long t3 = System.nanoTime();
        double bFull = DiceProbe.meanDice(fullTuned, testB);
        double aAfterFull = DiceProbe.meanDice(fullTuned, testA);

        System.out.printf("domain shift: A %.3f | B bare %.3f, B prompt %.3f (A with own prompts %.3f), "
                        + "B full FT %.3f (A after full FT %.3f); gap recovered %.0f %%; times pretrain %.0fs prompt %.0fs full %.0fs%n",
                aBefore, bBefore, bPrompt, aWithOwnPrompts, bFull, aAfterFull,
                100 * (bPrompt - bBefore) / (bFull - bBefore), (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
        assertThat(aBefore).as("A after pretraining").isGreaterThan(0.7);
        assertThat(bBefore).as("the shift hurts").isLessThan(aBefore - 0.1);
        assertThat(aWithOwnPrompts).as("A with its own prompts is unchanged").isEqualTo(aBefore);
        // Runs that differ only in the order of floating-point sums recovered 44 % and 54 % of the gap here, so
        // the bar leaves room for that spread: a third of full fine-tuning's gain, and a clear absolute gain.
        assertThat(bPrompt - bBefore).as("prompt gain").isGreaterThanOrEqualTo(Math.max(0.1, (bFull - bBefore) / 3));
    }
}
