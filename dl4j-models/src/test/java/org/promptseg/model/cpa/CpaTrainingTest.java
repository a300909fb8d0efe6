package org.promptseg.model.cpa;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.promptseg.model.FeatureExtractor;
import org.promptseg.model.ModelSpec;
import org.promptseg.model.ParamRole;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TestModels;
import org.promptseg.model.TuningMode;
import org.promptseg.model.layers.BottleneckPrompt;
import org.promptseg.model.loss.LossSettings;
import org.promptseg.model.loss.SegmentationLoss;
import org.promptseg.model.train.DataBatch;
import org.promptseg.model.train.OptimSettings;
import org.promptseg.model.train.Trainer;
import org.promptseg.volume.preprocess.PatchView;

@DisplayName("CPA training through the DL4J graph")
class CpaTrainingTest {
    private static final double H = 1e-6;
    private static final double WEIGHT = 0.5;

    private static PromptableUNet micro(long seed) {
        PromptableUNet model = PromptableUNet.create(TestModels.micro(TestModels.all()), seed, DataType.DOUBLE);
        // open the zero-initialised prompt parts, or the parameters behind them would have zero gradient and check nothing
        Nd4j.getRandom().setSeed(seed);
        model.parameterViews(ParamRole.PROMPT).forEach((name, p) -> {
            if (name.endsWith(BottleneckPrompt.GATE)) {
                p.assign(0.7);
            } else if (name.startsWith("input_prompt")) {
                p.assign(Nd4j.randn(DataType.DOUBLE, p.shape()).muli(0.3));
            }
        });
        return model;
    }

    private static List<PatchView> views(PatchView.Augmentation a, SplittableRandom rnd) {
        return List.of(PatchView.random(new int[] {8, 8, 8}, a, rnd), PatchView.random(new int[] {8, 8, 8}, a, rnd));
    }

    @Test
    @Tag("slow") // ~3 min: two double-precision forward passes per finite difference
    @DisplayName("segmentation on the labelled sample + weighted CPA on both: every parameter tensor's gradient matches finite differences")
    void combinedGradient() {
        ModelSpec spec = TestModels.micro(TestModels.all());
        PromptableUNet student = micro(5);
        PromptableUNet teacher = micro(6);
        DataBatch batch = TestModels.batch(spec, 2, 9, DataType.DOUBLE);
        SplittableRandom rnd = new SplittableRandom(3);
        List<PatchView> sv = views(new PatchView.Augmentation(0.6, 0.9, 0.5, 0, 0, 0, 0), rnd);
        List<PatchView> tv = views(new PatchView.Augmentation(0.9, 1, 0, 0, 0, 0, 0), rnd);
        INDArray teacherFeatures = FeatureExtractor.decoder(teacher, batch.images());
        CpaLoss cpa = new CpaLoss(new CpaSettings(4, 0.066, 0.033, 2, 6, 2, 1.5, WEIGHT));
        boolean[] segmented = {true, false};
        Trainer trainer = new Trainer(student, TuningMode.FULL, OptimSettings.adam(1e-3), LossSettings.defaults());
        Trainer.Terms terms = trainer.computeGradients(batch, segmented, f -> {
            CpaLoss.Result r = cpa.compute(f, teacherFeatures, sv, tv, true);
            return new Trainer.FeatureLoss.Value(r.loss(), r.gradient());
        }, WEIGHT);
        assertThat(terms.feature()).isPositive();
        Map<String, INDArray> grads = trainer.lastGradients();
        SegmentationLoss seg = new SegmentationLoss(LossSettings.defaults());
        INDArray target0 = batch.target().get(NDArrayIndex.interval(0, 1)).dup();
        INDArray mask0 = batch.classMask().get(NDArrayIndex.interval(0, 1)).dup();
        java.util.function.DoubleSupplier total = () -> {
            double s = seg.compute(student.logits(batch.images()).get(NDArrayIndex.interval(0, 1)).dup(), target0, mask0, false).total();
            double c = cpa.compute(FeatureExtractor.decoder(student, batch.images()), teacherFeatures, sv, tv, false).loss();
            return s + WEIGHT * c;
        };
        assertThat(total.getAsDouble()).isCloseTo(terms.total(), org.assertj.core.api.Assertions.within(1e-9));
        SplittableRandom pick = new SplittableRandom(17);
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (String name : student.trainableNames(TuningMode.FULL)) {
            INDArray p = student.graph().getParam(name);
            INDArray g = grads.get(name);
            long[] at = new long[p.rank()];
            for (int d = 0; d < at.length; d++) {
                at[d] = pick.nextLong(p.shape()[d]);
            }
            double orig = p.getDouble(at);
            p.putScalar(at, orig + H);
            double plus = total.getAsDouble();
            p.putScalar(at, orig - H);
            double minus = total.getAsDouble();
            p.putScalar(at, orig);
            double numeric = (plus - minus) / (2 * H);
            double analytic = g.getDouble(at);
            checked++;
            if (Math.abs(analytic - numeric) / Math.max(1e-3, Math.max(Math.abs(analytic), Math.abs(numeric))) > 1e-4) {
                failures.add(name + java.util.Arrays.toString(at) + " analytic " + analytic + " numeric " + numeric);
            }
        }
        assertThat(failures).as("gradient mismatches out of %d checked entries", checked).isEmpty();
    }

    @Test
    @DisplayName("the teacher receives no gradient: its parameters are bit-identical after student steps that use its features")
    void teacherUntouched() {
        ModelSpec spec = TestModels.micro(TestModels.all());
        PromptableUNet student = PromptableUNet.create(spec, 5); // float: this test checks identity, not precision
        PromptableUNet teacher = student.copy();
        INDArray before = teacher.graph().params().dup();
        INDArray studentBefore = student.graph().params().dup();
        DataBatch batch = TestModels.batch(spec, 2, 9, DataType.FLOAT);
        CpaLoss cpa = new CpaLoss(new CpaSettings(4, 0.066, 0.033, 2, 6, 2, 1.5, WEIGHT));
        Trainer trainer = new Trainer(student, TuningMode.FULL, OptimSettings.adam(1e-2), LossSettings.defaults());
        SplittableRandom rnd = new SplittableRandom(3);
        for (int step = 0; step < 2; step++) {
            List<PatchView> sv = views(new PatchView.Augmentation(0.6, 0.9, 0.5, 0, 0, 0, 0), rnd);
            List<PatchView> tv = views(new PatchView.Augmentation(0.9, 1, 0, 0, 0, 0, 0), rnd);
            INDArray tf = FeatureExtractor.decoder(teacher, batch.images());
            trainer.step(batch, new boolean[] {false, false}, f -> {
                CpaLoss.Result r = cpa.compute(f, tf, sv, tv, true);
                return new Trainer.FeatureLoss.Value(r.loss(), r.gradient());
            }, WEIGHT);
        }
        assertThat(teacher.graph().params().equals(before)).as("teacher parameters unchanged").isTrue();
        assertThat(student.graph().params().equals(studentBefore)).as("student parameters changed").isFalse();
        // with CPA only (no labelled sample), the head gets no gradient: it is only reached through the segmentation loss
        assertThat(trainer.lastGradients().get("head_W").amaxNumber().doubleValue()).isZero();
    }
}
