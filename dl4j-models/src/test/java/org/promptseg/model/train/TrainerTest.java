package org.promptseg.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.promptseg.model.ModelConfigException;
import org.promptseg.model.ModelSpec;
import org.promptseg.model.ParamRole;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TestModels;
import org.promptseg.model.TuningMode;
import org.promptseg.model.loss.LossSettings;

@DisplayName("Trainer")
class TrainerTest {
    private static final ModelSpec SPEC = TestModels.small(TestModels.all());

    private static Map<String, float[]> snapshot(PromptableUNet m, ParamRole... roles) {
        Map<String, float[]> out = new java.util.TreeMap<>();
        m.parameterViews(roles).forEach((k, v) -> out.put(k, v.dup().data().asFloat()));
        return out;
    }

    @Nested
    @DisplayName("prompt mode")
    class PromptMode {
        @Test
        @DisplayName("keeps every backbone, head and state parameter bit-identical and changes every prompt parameter")
        void freezesBackbone() {
            PromptableUNet m = PromptableUNet.create(SPEC, 1);
            Map<String, float[]> frozen = snapshot(m, ParamRole.BACKBONE, ParamRole.HEAD, ParamRole.STATE);
            Map<String, float[]> prompts = snapshot(m, ParamRole.PROMPT);
            Trainer t = new Trainer(m, TuningMode.PROMPT, OptimSettings.adam(1e-2), LossSettings.defaults());
            DataBatch b = TestModels.batch(SPEC, 2, 3, DataType.FLOAT);
            for (int i = 0; i < 3; i++) {
                t.step(b);
            }
            Map<String, float[]> frozenAfter = snapshot(m, ParamRole.BACKBONE, ParamRole.HEAD, ParamRole.STATE);
            frozen.forEach((k, v) -> assertThat(frozenAfter.get(k)).as(k).isEqualTo(v));
            Map<String, float[]> promptsAfter = snapshot(m, ParamRole.PROMPT);
            prompts.forEach((k, v) -> assertThat(promptsAfter.get(k)).as(k).isNotEqualTo(v));
            assertThat(prompts).isNotEmpty();
        }

        @Test
        @DisplayName("holds optimizer state only for the prompt parameters")
        void optimizerStateOnlyForPrompts() {
            PromptableUNet m = PromptableUNet.create(SPEC, 1);
            Trainer prompt = new Trainer(m, TuningMode.PROMPT, OptimSettings.adam(1e-2), LossSettings.defaults());
            long promptParams = m.parameterViews(ParamRole.PROMPT).values().stream().mapToLong(INDArray::length).sum();
            assertThat(prompt.optimizerStateBytes()).isEqualTo(2 * 4 * promptParams);
            assertThat(prompt.optimizerState().moments().keySet()).isEqualTo(Set.copyOf(m.trainableNames(TuningMode.PROMPT)));
            Trainer full = new Trainer(m, TuningMode.FULL, OptimSettings.adam(1e-2), LossSettings.defaults());
            assertThat(full.optimizerStateBytes()).isGreaterThan(10 * prompt.optimizerStateBytes());
        }

        @Test
        @DisplayName("refuses a network that has no prompts")
        void noPrompts() {
            PromptableUNet m = PromptableUNet.create(SPEC.withPromptKinds(Set.of()), 1);
            assertThatThrownBy(() -> new Trainer(m, TuningMode.PROMPT, OptimSettings.adam(1e-2), LossSettings.defaults()))
                    .isInstanceOf(ModelConfigException.class).hasMessageContaining("prompt");
        }
    }

    @Test
    @DisplayName("head mode changes only the head")
    void headMode() {
        PromptableUNet m = PromptableUNet.create(SPEC, 1);
        Map<String, float[]> before = snapshot(m, ParamRole.values());
        Trainer t = new Trainer(m, TuningMode.HEAD, OptimSettings.adam(1e-2), LossSettings.defaults());
        t.step(TestModels.batch(SPEC, 1, 3, DataType.FLOAT));
        Map<String, float[]> after = snapshot(m, ParamRole.values());
        before.forEach((k, v) -> {
            if (m.roleOf(k) == ParamRole.HEAD) {
                assertThat(after.get(k)).as(k).isNotEqualTo(v);
            } else {
                assertThat(after.get(k)).as(k).isEqualTo(v);
            }
        });
    }

    @Test
    @DisplayName("full mode lowers the loss on a fixed batch and leaves per-center state alone")
    void fullModeLearns() {
        PromptableUNet m = PromptableUNet.create(SPEC, 1);
        Map<String, float[]> state = snapshot(m, ParamRole.STATE);
        Trainer t = new Trainer(m, TuningMode.FULL, OptimSettings.adam(1e-2), LossSettings.defaults());
        DataBatch b = TestModels.batch(SPEC, 2, 3, DataType.FLOAT);
        double first = t.step(b);
        double last = first;
        for (int i = 0; i < 8; i++) {
            last = t.step(b);
        }
        assertThat(last).isLessThan(0.7 * first);
        Map<String, float[]> stateAfter = snapshot(m, ParamRole.STATE);
        state.forEach((k, v) -> assertThat(stateAfter.get(k)).as(k).isEqualTo(v));
        assertThat(t.steps()).isEqualTo(9);
    }

    @Test
    @DisplayName("same parameters, batch and optimizer state give bit-identical results (reset and restore)")
    void deterministicAndRestorable() {
        DataBatch b = TestModels.batch(SPEC, 2, 3, DataType.FLOAT);
        PromptableUNet m1 = PromptableUNet.create(SPEC, 1);
        PromptableUNet m2 = m1.copy();
        Trainer t1 = new Trainer(m1, TuningMode.PROMPT, OptimSettings.adam(1e-2), LossSettings.defaults());
        Trainer t2 = new Trainer(m2, TuningMode.PROMPT, OptimSettings.adam(1e-2), LossSettings.defaults());
        t1.step(b);
        t2.step(b);
        // move t1's state to a fresh trainer on m2: both must continue identically
        t2.resetOptimizer();
        t2.loadOptimizerState(t1.optimizerState());
        assertThat(t2.steps()).isEqualTo(1);
        double l1 = t1.step(b);
        double l2 = t2.step(b);
        assertThat(l2).isEqualTo(l1);
        assertThat(m2.graph().params().data().asFloat()).isEqualTo(m1.graph().params().data().asFloat());
    }

    @Test
    @DisplayName("trainable params: extract, set, and reject a wrong name with both names")
    void trainableParams() {
        PromptableUNet m = PromptableUNet.create(SPEC, 1);
        Trainer t = new Trainer(m, TuningMode.PROMPT, OptimSettings.adam(1e-2), LossSettings.defaults());
        Map<String, INDArray> p = t.trainableParams();
        assertThat(p.keySet()).containsExactlyElementsOf(t.trainableNames());
        p.values().forEach(v -> v.assign(0.25));
        t.setTrainableParams(p);
        assertThat(m.graph().getParam("mid_attn_tokens").meanNumber().doubleValue()).isEqualTo(0.25);
        assertThatThrownBy(() -> t.setTrainableParams(Map.of("mid_attn_token", p.get("mid_attn_tokens"))))
                .isInstanceOf(ModelConfigException.class).hasMessageContaining("mid_attn_token").hasMessageContaining("prompt");
    }

    @Test
    @DisplayName("partial labels: a class the center does not label is not pushed towards background")
    void partialLabels() {
        // Two batches that differ only in the mask: with class 2 unlabelled, the class-2 region is
        // labelled background. The marginal loss must not punish predicting class 2 there.
        PromptableUNet m = PromptableUNet.create(SPEC.withPromptKinds(Set.of()), 1);
        DataBatch full = TestModels.batch(SPEC, 1, 3, DataType.FLOAT);
        Trainer t = new Trainer(m, TuningMode.FULL, OptimSettings.adam(1e-2), LossSettings.defaults());
        for (int i = 0; i < 15; i++) {
            t.step(full);
        }
        INDArray target = full.target().dup();
        INDArray class2 = target.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(2));
        target.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.point(0)).addi(class2);
        class2.assign(0);
        INDArray mask = org.nd4j.linalg.factory.Nd4j.ones(DataType.FLOAT, 1, 3);
        mask.putScalar(0, 2, 0);
        DataBatch partial = new DataBatch(full.images(), target, mask);
        DataBatch naive = DataBatch.ofOneHot(full.images(), target);
        double marginal = t.evaluate(partial).crossEntropy();
        double asBackground = t.evaluate(naive).crossEntropy();
        // the trained net predicts class 2 in its region: naive CE calls that wrong, marginal CE does not
        assertThat(marginal).isLessThan(0.5 * asBackground);
        assertThat(marginal).isCloseTo(t.evaluate(full).crossEntropy(), org.assertj.core.data.Offset.offset(0.2));
    }
}
