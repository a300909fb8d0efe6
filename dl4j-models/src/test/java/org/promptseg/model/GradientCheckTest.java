package org.promptseg.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.promptseg.model.layers.BottleneckPrompt;
import org.promptseg.model.loss.LossSettings;
import org.promptseg.model.loss.SegmentationLoss;
import org.promptseg.model.train.DataBatch;
import org.promptseg.model.train.OptimSettings;
import org.promptseg.model.train.Trainer;

@DisplayName("Gradients (double precision, central finite differences)")
class GradientCheckTest {
    private static final double H = 1e-6;

    @Test
    @DisplayName("the loss gradient w.r.t. logits is exact, with partial labels and both terms")
    void lossGradient() {
        Nd4j.getRandom().setSeed(11);
        INDArray logits = Nd4j.randn(DataType.DOUBLE, 2, 3, 2, 2, 4);
        INDArray idx = Nd4j.create(new double[] {0, 1, 2, 3, 0, 1, 1, 0, 3, 3, 0, 2,
                0, 1, 1, 0, 0, 3, 3, 0, 0, 1, 0, 0}, new long[] {2, 3, 2, 2}).castTo(DataType.DOUBLE);
        INDArray mask = Nd4j.create(new double[][] {{1, 1, 1, 1}, {1, 1, 0, 1}}).castTo(DataType.DOUBLE);
        INDArray target = DataBatch.oneHot(idx, 4, DataType.DOUBLE);
        for (LossSettings settings : List.of(LossSettings.defaults(), new LossSettings(0.5, 2.0, true, 1e-3),
                new LossSettings(1, 0, false, 1e-5), new LossSettings(0, 1, false, 1e-5))) {
            SegmentationLoss loss = new SegmentationLoss(settings);
            INDArray analytic = loss.compute(logits, target, mask, true).gradient();
            double worst = 0;
            for (long i = 0; i < logits.length(); i++) {
                double orig = logits.getDouble(i);
                logits.putScalar(i, orig + H);
                double plus = loss.compute(logits, target, mask, false).total();
                logits.putScalar(i, orig - H);
                double minus = loss.compute(logits, target, mask, false).total();
                logits.putScalar(i, orig);
                worst = Math.max(worst, mismatch(analytic.getDouble(i), (plus - minus) / (2 * H)));
            }
            assertThat(worst).as("worst mismatch for %s", settings).isLessThan(1e-5);
        }
    }

    @Test
    @Tag("slow")
    @DisplayName("every parameter tensor of a network with input, deep and bottleneck prompts gets the right gradient (one random entry each)")
    void networkGradient() {
        ModelSpec spec = TestModels.micro(TestModels.all());
        PromptableUNet model = PromptableUNet.create(spec, 5, DataType.DOUBLE);
        // Move away from the zero-initialised prompt parts: a closed gate or an all-zero input prompt would
        // leave the parameters behind them with exactly zero gradient, which checks nothing.
        Nd4j.getRandom().setSeed(3);
        model.parameterViews(ParamRole.PROMPT).forEach((name, p) -> {
            if (name.endsWith(BottleneckPrompt.GATE)) {
                p.assign(0.7);
            } else if (name.startsWith("input_prompt")) {
                p.assign(Nd4j.randn(DataType.DOUBLE, p.shape()).muli(0.3));
            }
        });
        DataBatch full = TestModels.batch(spec, 2, 9, DataType.DOUBLE);
        // sample 1's center does not label class 2: its class-2 voxels are "background" to it
        INDArray target = full.target().dup();
        INDArray mask = Nd4j.ones(DataType.DOUBLE, 2, 3);
        mask.putScalar(1, 2, 0);
        INDArray s1 = target.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1));
        INDArray class2 = s1.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(2)).dup();
        s1.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(0)).addi(class2);
        s1.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(2)).assign(0);
        DataBatch batch = new DataBatch(full.images(), target, mask);

        Trainer trainer = new Trainer(model, TuningMode.FULL, OptimSettings.adam(1e-3), LossSettings.defaults());
        trainer.computeGradients(batch);
        Map<String, INDArray> grads = trainer.lastGradients();
        SegmentationLoss loss = new SegmentationLoss(LossSettings.defaults());
        SplittableRandom random = new SplittableRandom(17);
        List<String> failures = new ArrayList<>();
        EnumSet<PromptKind> kindsChecked = EnumSet.noneOf(PromptKind.class);
        int checked = 0;
        for (String name : model.trainableNames(TuningMode.FULL)) {
            INDArray p = model.graph().getParam(name);
            INDArray g = grads.get(name);
            for (int k = 0; k < 1; k++) {
                long[] at = randomIndex(p.shape(), random);
                double orig = p.getDouble(at);
                p.putScalar(at, orig + H);
                double plus = loss.compute(model.logits(batch.images()), target, mask, false).total();
                p.putScalar(at, orig - H);
                double minus = loss.compute(model.logits(batch.images()), target, mask, false).total();
                p.putScalar(at, orig);
                double numeric = (plus - minus) / (2 * H);
                double analytic = g.getDouble(at);
                checked++;
                if (mismatch(analytic, numeric) > 1e-4) {
                    failures.add(name + java.util.Arrays.toString(at) + " analytic " + analytic + " numeric " + numeric);
                }
            }
            if (model.kindOf(name) != null) {
                kindsChecked.add(model.kindOf(name));
            }
        }
        assertThat(failures).as("gradient mismatches out of %d checked entries", checked).isEmpty();
        assertThat(kindsChecked).containsExactlyInAnyOrder(PromptKind.values());
    }

    private static long[] randomIndex(long[] shape, SplittableRandom random) {
        long[] at = new long[shape.length];
        for (int d = 0; d < shape.length; d++) {
            at[d] = random.nextLong(shape[d]);
        }
        return at;
    }

    /** Relative error, with gradients below 1e-3 compared absolutely (finite differences are noisy there). */
    private static double mismatch(double a, double b) {
        return Math.abs(a - b) / Math.max(1e-3, Math.max(Math.abs(a), Math.abs(b)));
    }
}
