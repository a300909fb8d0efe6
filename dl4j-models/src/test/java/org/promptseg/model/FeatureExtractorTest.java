package org.promptseg.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

@DisplayName("FeatureExtractor: bottleneck features for case embeddings")
class FeatureExtractorTest {

    @Test
    @DisplayName("reads the vertex the first up-sampling reads, after the bottleneck's prompt modules")
    void vertexFollowsPromptModules() {
        assertThat(FeatureExtractor.bottleneckVertex(PromptableUNet.create(TestModels.small(Set.of()), 1))).isEqualTo("mid_norm1");
        assertThat(FeatureExtractor.bottleneckVertex(PromptableUNet.create(TestModels.small(Set.of(PromptKind.DEEP)), 1))).isEqualTo("mid_attn");
        assertThat(FeatureExtractor.bottleneckVertex(PromptableUNet.create(TestModels.small(TestModels.all()), 1))).isEqualTo("mid_bprompt");
    }

    @Test
    @DisplayName("gives [N, d, h, w, C] equal to that vertex's activation in a full forward pass")
    void equalsFullForward() {
        ModelSpec spec = TestModels.small(TestModels.all());
        PromptableUNet model = PromptableUNet.create(spec, 7);
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 16, 16, 16, 1);
        FeatureExtractor f = new FeatureExtractor(model);
        INDArray features = f.bottleneck(x);
        assertThat(features.shape()).containsExactly(2, 4, 4, 4, f.channels());
        Map<String, INDArray> all = model.graph().feedForward(x, false);
        assertThat(features.equalsWithEps(all.get(f.vertex()), 1e-5)).isTrue();
        assertThat(features.std(true, 0, 1, 2, 3, 4).getDouble(0)).isGreaterThan(0);
    }

    @Test
    @DisplayName("leaves the network's predictions unchanged")
    void noSideEffects() {
        PromptableUNet model = PromptableUNet.create(TestModels.small(Set.of(PromptKind.DEEP)), 5);
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.randn(DataType.FLOAT, 1, 16, 16, 16, 1);
        INDArray before = model.predictProbabilities(x).dup();
        new FeatureExtractor(model).bottleneck(x);
        assertThat(model.predictProbabilities(x).equalsWithEps(before, 1e-6)).isTrue();
    }

    @Test
    @DisplayName("refuses windows of another size")
    void wrongWindow() {
        FeatureExtractor f = new FeatureExtractor(PromptableUNet.create(TestModels.small(Set.of()), 1));
        assertThatThrownBy(() -> f.bottleneck(Nd4j.zeros(DataType.FLOAT, 1, 8, 16, 16, 1))).isInstanceOf(ModelConfigException.class)
                .hasMessageContaining("windows");
    }
}
