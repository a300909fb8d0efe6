package org.promptseg.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.promptseg.model.train.DataBatch;

@DisplayName("PromptableUNet")
class PromptableUNetTest {
    private static final ModelSpec SPEC = TestModels.small(TestModels.all());

    @Nested
    @DisplayName("inference")
    class Inference {
        @Test
        @DisplayName("maps [N, D, H, W, 1] windows to class probabilities [N, D, H, W, C] summing to 1")
        void probabilities() {
            PromptableUNet m = PromptableUNet.create(SPEC, 1);
            INDArray x = TestModels.batch(SPEC, 2, 3, DataType.FLOAT).images();
            INDArray p = m.predictProbabilities(x);
            assertThat(p.shape()).containsExactly(2, 16, 16, 16, 3);
            INDArray sums = p.sum(4);
            assertThat(sums.minNumber().doubleValue()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            assertThat(sums.maxNumber().doubleValue()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }

        @Test
        @DisplayName("rejects windows of another size, naming the expected shape")
        void wrongWindow() {
            PromptableUNet m = PromptableUNet.create(SPEC, 1);
            assertThatThrownBy(() -> m.predictProbabilities(Nd4j.zeros(DataType.FLOAT, 1, 8, 16, 16, 1)))
                    .isInstanceOf(ModelConfigException.class)
                    .hasMessageContaining("[N, 16, 16, 16, 1]").hasMessageContaining("[1, 8, 16, 16, 1]");
        }

        @Test
        @DisplayName("a fresh input or bottleneck prompt leaves the backbone's output unchanged")
        void freshPromptsAreIdentity() {
            ModelSpec plain = SPEC.withPromptKinds(Set.of());
            ModelSpec prompted = SPEC.withPromptKinds(EnumSet.of(PromptKind.INPUT, PromptKind.BOTTLENECK));
            PromptableUNet a = PromptableUNet.create(plain, 4);
            PromptableUNet b = PromptableUNet.create(prompted, 4);
            b.insert(TuningMode.FULL, a.extract(TuningMode.FULL));
            INDArray x = TestModels.batch(SPEC, 1, 5, DataType.FLOAT).images();
            assertThat(b.predictProbabilities(x).equalsWithEps(a.predictProbabilities(x), 1e-6)).isTrue();
        }
    }

    @Nested
    @DisplayName("parameters")
    class Parameters {
        @Test
        @DisplayName("the same seed gives bit-identical parameters, another seed different ones")
        void seeded() {
            INDArray a = PromptableUNet.create(SPEC, 7).graph().params();
            INDArray b = PromptableUNet.create(SPEC, 7).graph().params();
            INDArray c = PromptableUNet.create(SPEC, 8).graph().params();
            assertThat(a.data().asFloat()).isEqualTo(b.data().asFloat());
            assertThat(a.data().asFloat()).isNotEqualTo(c.data().asFloat());
        }

        @Test
        @DisplayName("classifies attention projections as backbone and tokens as prompt, by kind")
        void roles() {
            PromptableUNet m = PromptableUNet.create(SPEC, 1);
            assertThat(m.roleOf("mid_attn_wq")).isEqualTo(ParamRole.BACKBONE);
            assertThat(m.roleOf("mid_attn_tokens")).isEqualTo(ParamRole.PROMPT);
            assertThat(m.kindOf("mid_attn_tokens")).isEqualTo(PromptKind.DEEP);
            assertThat(m.kindOf("input_prompt_grid")).isEqualTo(PromptKind.INPUT);
            assertThat(m.kindOf("mid_bprompt_queries")).isEqualTo(PromptKind.BOTTLENECK);
            assertThat(m.roleOf("mid_attn_activeTokens")).isEqualTo(ParamRole.STATE);
            assertThat(m.roleOf("head_W")).isEqualTo(ParamRole.HEAD);
            assertThat(m.roleOf("enc0_conv0_W")).isEqualTo(ParamRole.BACKBONE);
            assertThat(m.parameterNames()).isSorted();
            assertThat(m.trainableNames(TuningMode.HEAD)).containsExactly("head_W", "head_b");
            assertThat(m.trainableNames(TuningMode.FULL)).doesNotContain("mid_attn_activeTokens");
        }

        @Test
        @DisplayName("deep attention sits at the three lowest levels (encoder and decoder) and the bottleneck")
        void attentionPlacement() {
            ModelSpec tiny = ModelSpec.fromConfig(ConfigFactory.load(), "tiny");
            PromptableUNet m = PromptableUNet.create(tiny, 1);
            assertThat(m.parameterNames().stream().filter(n -> n.endsWith("_tokens")))
                    .containsExactly("dec1_attn_tokens", "dec2_attn_tokens", "dec3_attn_tokens",
                            "enc1_attn_tokens", "enc2_attn_tokens", "enc3_attn_tokens", "mid_attn_tokens");
            assertThat(m.graph().getParam("enc1_attn_tokens").shape()).containsExactly(3 * 16, 32);
        }

        @Test
        @DisplayName("extract/insert round-trips the prompt set between two networks")
        void extractInsert() {
            PromptableUNet a = PromptableUNet.create(SPEC, 1);
            PromptableUNet b = PromptableUNet.create(SPEC, 2);
            b.insert(TuningMode.FULL, a.extract(TuningMode.FULL));
            INDArray x = TestModels.batch(SPEC, 1, 5, DataType.FLOAT).images();
            assertThat(b.predictProbabilities(x).equalsWithEps(a.predictProbabilities(x), 1e-6)).isTrue();
            Map<String, INDArray> prompts = a.extract(TuningMode.PROMPT);
            assertThat(prompts.keySet()).allMatch(n -> a.roleOf(n) == ParamRole.PROMPT);
            prompts.values().iterator().next().addi(1); // a copy: the network does not change
            assertThat(a.extract(TuningMode.PROMPT).values().iterator().next())
                    .isNotEqualTo(prompts.values().iterator().next());
        }

        @Test
        @DisplayName("insert names the parameter and both shapes when a shape is wrong, and writes nothing")
        void insertWrongShape() {
            PromptableUNet m = PromptableUNet.create(SPEC, 1);
            Map<String, INDArray> bad = new LinkedHashMap<>();
            bad.put("enc1_attn_tokens", Nd4j.ones(DataType.FLOAT, 4, 16));
            bad.put("mid_attn_tokens", Nd4j.ones(DataType.FLOAT, 7, 16));
            INDArray before = m.graph().getParam("enc1_attn_tokens").dup();
            assertThatThrownBy(() -> m.insert(TuningMode.PROMPT, bad))
                    .isInstanceOf(ModelConfigException.class)
                    .hasMessageContaining("mid_attn_tokens").hasMessageContaining("[4, 16]").hasMessageContaining("[7, 16]");
            assertThat(m.graph().getParam("enc1_attn_tokens")).isEqualTo(before);
        }

        @Test
        @DisplayName("insert rejects unknown names and backbone parameters in prompt mode, naming them")
        void insertWrongName() {
            PromptableUNet m = PromptableUNet.create(SPEC, 1);
            assertThatThrownBy(() -> m.insert(TuningMode.PROMPT, Map.of("mid_attn_tokenz", Nd4j.ones(1))))
                    .isInstanceOf(ModelConfigException.class).hasMessageContaining("mid_attn_tokenz").hasMessageContaining("unknown");
            assertThatThrownBy(() -> m.insert(TuningMode.PROMPT, Map.of("mid_attn_wq", Nd4j.ones(DataType.FLOAT, 16, 16))))
                    .isInstanceOf(ModelConfigException.class).hasMessageContaining("mid_attn_wq").hasMessageContaining("backbone");
        }

        @Test
        @DisplayName("deactivating a class changes the output and cuts its tokens out of the attention")
        void activeClasses() {
            PromptableUNet m = PromptableUNet.create(SPEC, 1);
            INDArray x = TestModels.batch(SPEC, 1, 5, DataType.FLOAT).images();
            INDArray all = m.predictProbabilities(x);
            m.setActiveClasses(new boolean[] {true, true, false});
            INDArray partial = m.predictProbabilities(x);
            assertThat(partial.equalsWithEps(all, 1e-6)).isFalse();
            // class 2's tokens no longer matter
            m.graph().getParam("mid_attn_tokens").get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2, 4),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()).addi(5);
            assertThat(m.predictProbabilities(x).equalsWithEps(partial, 1e-6)).isTrue();
            assertThatThrownBy(() -> m.setActiveClasses(new boolean[] {true}))
                    .isInstanceOf(ModelConfigException.class).hasMessageContaining("3 flags");
        }
    }

    @Nested
    @DisplayName("identity and persistence")
    class Persistence {
        @Test
        @DisplayName("the graph configuration survives a JSON round trip with the custom layers")
        void jsonRoundTrip() {
            ComputationGraphConfiguration conf = PromptableUNet.create(SPEC, 1).graph().getConfiguration();
            ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
            assertThat(back.toJson()).isEqualTo(conf.toJson());
        }

        @Test
        @DisplayName("a model zip restores configuration, spec and every parameter; outputs are identical")
        void zipRoundTrip(@TempDir Path dir) {
            PromptableUNet m = PromptableUNet.create(SPEC, 1);
            m.setActiveClasses(new boolean[] {true, false, true});
            Path zip = dir.resolve("model.zip");
            m.save(zip);
            PromptableUNet back = PromptableUNet.load(zip);
            assertThat(back.spec()).isEqualTo(m.spec());
            assertThat(back.canonicalConfigurationJson()).isEqualTo(m.canonicalConfigurationJson());
            assertThat(back.graph().params().data().asFloat()).isEqualTo(m.graph().params().data().asFloat());
            INDArray x = TestModels.batch(SPEC, 1, 5, DataType.FLOAT).images();
            assertThat(back.predictProbabilities(x)).isEqualTo(m.predictProbabilities(x));
            PromptableUNet fromBytes = PromptableUNet.fromZipBytes(m.toZipBytes());
            assertThat(fromBytes.predictProbabilities(x)).isEqualTo(m.predictProbabilities(x));
        }

        @Test
        @DisplayName("loading something that is not a model zip names the file")
        void badZip(@TempDir Path dir) throws Exception {
            Path zip = dir.resolve("junk.zip");
            java.nio.file.Files.writeString(zip, "not a zip");
            assertThatThrownBy(() -> PromptableUNet.load(zip)).isInstanceOf(ModelConfigException.class)
                    .hasMessageContaining("junk.zip");
        }

        @Test
        @DisplayName("the backbone id inputs ignore prompts and per-center state but not backbone weights")
        void backboneIdInputs() {
            PromptableUNet m = PromptableUNet.create(SPEC, 1);
            Map<String, INDArray> before = m.backboneParameters();
            String conf = m.canonicalConfigurationJson();
            m.graph().getParam("mid_attn_tokens").addi(1);
            m.setActiveClasses(new boolean[] {true, false, true});
            assertThat(m.backboneParameters().keySet()).containsExactlyElementsOf(before.keySet());
            m.backboneParameters().forEach((k, v) -> assertThat(v).as(k).isEqualTo(before.get(k)));
            assertThat(m.canonicalConfigurationJson()).isEqualTo(conf);
            assertThat(before.keySet()).contains("mid_attn_wq", "head_W").doesNotContain("mid_attn_tokens");
            m.graph().getParam("mid_attn_wq").addi(1);
            assertThat(m.backboneParameters().get("mid_attn_wq")).isNotEqualTo(before.get("mid_attn_wq"));
        }

        @Test
        @DisplayName("a copy predicts the same and is independent of the original")
        void copy() {
            PromptableUNet m = PromptableUNet.create(SPEC, 1);
            PromptableUNet c = m.copy();
            INDArray x = TestModels.batch(SPEC, 1, 5, DataType.FLOAT).images();
            assertThat(c.predictProbabilities(x)).isEqualTo(m.predictProbabilities(x));
            c.graph().getParam("head_b").addi(1);
            assertThat(m.graph().getParam("head_b").sumNumber().doubleValue()).isZero();
        }
    }

    @Nested
    @DisplayName("configuration and accounting")
    class Accounting {
        private final Config conf = ConfigFactory.load();

        @Test
        @DisplayName("paper: ~6-7 M backbone parameters, deep prompts < 1 %, input prompt < 1 %")
        void paperReport() {
            ModelSpec paper = ModelSpec.fromConfig(conf, "paper").withPromptKinds(TestModels.all());
            ParamReport r = ParamReport.of(PromptableUNet.create(paper, 1));
            assertThat(r.frozen()).isBetween(6_000_000L, 7_000_000L);
            assertThat(r.sharePercent(PromptKind.DEEP)).isLessThan(1.0);
            assertThat(r.sharePercent(PromptKind.INPUT)).isLessThan(1.0);
            assertThat(r.toText()).contains("deep").contains("input").contains("bottleneck");
            assertThat(r.toJson()).contains("\"prompt_share_percent\"");
            System.out.println(r.toText());
        }

        @Test
        @DisplayName("the report adds up to the network's parameter count")
        void addsUp() {
            PromptableUNet m = PromptableUNet.create(SPEC, 1);
            ParamReport r = ParamReport.of(m);
            assertThat(r.backbone() + r.head() + r.prompts() + r.state()).isEqualTo(m.parameterCount());
            assertThat(r.promptsByKind()).containsOnlyKeys(PromptKind.values());
        }

        @Test
        @DisplayName("bad configuration names the key and what was expected")
        void badConfig() {
            Config bad = ConfigFactory.parseString("promptseg.prompt.kinds = [deep, shallow]").withFallback(conf);
            assertThatThrownBy(() -> ModelSpec.fromConfig(bad)).isInstanceOf(ModelConfigException.class)
                    .hasMessageContaining("promptseg.prompt.kinds").hasMessageContaining("shallow");
            Config bad2 = ConfigFactory.parseString("promptseg.model.presets.tiny.patch = [30, 32, 32]").withFallback(conf);
            assertThatThrownBy(() -> ModelSpec.fromConfig(bad2)).isInstanceOf(ModelConfigException.class)
                    .hasMessageContaining("patch").hasMessageContaining("divisible");
            assertThatThrownBy(() -> ModelSpec.fromConfig(conf, "huge")).isInstanceOf(ModelConfigException.class)
                    .hasMessageContaining("promptseg.model.preset").hasMessageContaining("tiny");
            Config bad3 = ConfigFactory.parseString("promptseg.prompt.deep.heads = 5").withFallback(conf);
            assertThatThrownBy(() -> ModelSpec.fromConfig(bad3)).isInstanceOf(ModelConfigException.class)
                    .hasMessageContaining("promptseg.prompt.deep.heads");
        }
    }
}
