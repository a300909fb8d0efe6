package org.promptseg.model.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.promptseg.model.ModelSpec;
import org.promptseg.model.NativeThreads;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TestModels;

@DisplayName("ModelBenchmark (mechanics only; speed is reported, never asserted)")
class ModelBenchmarkTest {
    @Test
    @DisplayName("counts convolution FLOPs of a training step from the layer shapes")
    void convFlops() {
        // micro: 8³ -> 4³, channels 4, 8, one conv per level, 3 classes
        ModelSpec spec = TestModels.micro(Set.of());
        double perSample = 512 * (27.0 * 1 * 4)      // enc0_conv0 at 8³
                + 64 * (27.0 * 4 * 8)                 // mid_conv0 at 4³
                + 512 * (8.0 * 4)                     // dec0_up: 8³ outputs, 8 -> 4 channels, one tap each
                + 512 * (27.0 * 4 * 4)                // dec0_conv0
                + 512 * (1.0 * 4 * 3);                // head
        assertThat(ModelBenchmark.convFlopsPerTrainingStep(PromptableUNet.create(spec, 1), 2))
                .isEqualTo(3 * 2 * 2 * perSample);
    }

    @Test
    @DisplayName("runs every variant on a small network and reports consistent figures")
    void runsSmall() {
        int threads = NativeThreads.current();
        ModelSpec spec = TestModels.micro(TestModels.all());
        ModelBenchmark.Result r = ModelBenchmark.run(new ModelBenchmark.Options(spec, 1, threads, 0, 1, false, null));
        assertThat(r.trainFullMs()).isPositive();
        assertThat(r.trainPromptMs()).isPositive();
        assertThat(r.forwardMsPerWindow()).isPositive();
        assertThat(r.forwardPromptedMsPerWindow()).isPositive();
        assertThat(r.promptForwardRatio()).isEqualTo(r.forwardPromptedMsPerWindow() / r.forwardMsPerWindow());
        assertThat(r.promptTrainRatio()).isEqualTo(r.trainPromptMs() / r.trainFullMs());
        assertThat(r.optimizerBytesPrompt()).isPositive().isLessThan(r.optimizerBytesFull());
        assertThat(r.sgemmPeakGflops()).isPositive();
        assertThat(r.pytorch()).isNull();
        assertThat(r.pytorchSkipped()).isEqualTo("disabled by option");
        assertThat(r.toText()).contains("prompt mode").contains("skipped").contains("prompted / plain");
        assertThat(r.toJson()).contains("\"trainFullMs\"");
    }

    @Test
    @DisplayName("median of an odd and an even sample")
    void median() {
        assertThat(ModelBenchmark.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(ModelBenchmark.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
    }
}
