package org.promptseg.jobs.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.promptseg.jobs.config.PromptsegConfig;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.model.ModelSpec;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TuningMode;

@DisplayName("executor model pool")
class ExecutorModelsTest {
    static final ModelSource SOURCE = ModelSource.Fresh.of(ModelSpec.fromConfig(
            PromptsegConfig.of("promptseg.model.presets.tiny.channels=[4,8,16,32]", "promptseg.prompt.kinds=[input,deep]"), "tiny").withNumClasses(3), 5);
    static final boolean[] ALL = {true, true, true};

    @AfterEach
    void clear() {
        ExecutorModels.clear();
    }

    @Test
    @DisplayName("a copy whose backbone was fine-tuned goes back to the pool with the source's weights; prompt tuning never sees them")
    void fineTunedWeightsDoNotLeakIntoTheNextBorrower() {
        PromptableUNet reference = SOURCE.load();
        INDArray frozen = reference.graph().params().dup();
        try (ExecutorModels.Lease full = ExecutorModels.borrow(SOURCE)) {
            ParamSet shifted = ModelGroups.trainable(full.model(), TuningMode.FULL).plusScaled(
                    ModelGroups.trainable(full.model(), TuningMode.FULL), 1.0); // every weight doubled
            full.apply(new ModelState(TuningMode.FULL, null, Map.of("model/c", shifted), ALL));
            assertThat(full.model().graph().params()).isNotEqualTo(frozen);
        }
        assertThat(ExecutorModels.idleCopies(SOURCE)).as("the copy is reused, not rebuilt").isEqualTo(1);
        try (ExecutorModels.Lease prompt = ExecutorModels.borrow(SOURCE)) {
            ParamSet prompts = ModelGroups.prompts(prompt.model());
            prompt.apply(new ModelState(TuningMode.PROMPT, null, Map.of("prompt/c", prompts), ALL));
            assertThat(prompt.model().graph().params()).isEqualTo(frozen);
        }
    }

    @Test
    @DisplayName("prompt tuning leaves the backbone alone, so its copy goes back as it is")
    void promptTuningKeepsTheCopy() {
        PromptableUNet reference = SOURCE.load();
        ParamSet before;
        try (ExecutorModels.Lease lease = ExecutorModels.borrow(SOURCE)) {
            before = ModelGroups.backbone(lease.model());
            ParamSet prompts = ModelGroups.prompts(lease.model());
            lease.apply(new ModelState(TuningMode.PROMPT, null, Map.of("prompt/c", prompts.plusScaled(prompts, 1.0)), ALL));
        }
        try (ExecutorModels.Lease lease = ExecutorModels.borrow(SOURCE)) {
            assertThat(ModelGroups.backbone(lease.model()).maxAbsDifference(before)).isZero();
            assertThat(ModelGroups.backbone(lease.model()).maxAbsDifference(ModelGroups.backbone(reference))).isZero();
        }
    }
}
