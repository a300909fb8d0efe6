package org.promptseg.jobs.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.promptseg.jobs.config.ConfigurationException;
import org.promptseg.jobs.config.PromptsegConfig;

@DisplayName("pretrain objective")
class PretrainObjectiveTest {
    private static final int[] TINY = {32, 32, 32};

    @Nested
    @DisplayName("configuration")
    class Configuration {
        @Test
        @DisplayName("defaults: seg, every case labelled; cpa+seg gets 32 prototypes at 32³ and 256 at 128³ (auto), PUNet's temperatures")
        void defaults() {
            PretrainObjective seg = PretrainObjective.fromConfig(PromptsegConfig.of(), TINY, null);
            assertThat(seg.kind()).isEqualTo(PretrainObjective.Kind.SEG);
            assertThat(seg.usesCpa()).isFalse();
            assertThat(seg.labelledFraction()).isEqualTo(1.0);
            PretrainObjective cpa = PretrainObjective.fromConfig(PromptsegConfig.of(), TINY, "cpa+seg");
            assertThat(cpa.cpa().prototypes()).isEqualTo(32);
            assertThat(cpa.cpa().spatialFwhm()).isEqualTo(16.0);
            assertThat(cpa.momentum()).isEqualTo(0.99);
            assertThat(PretrainObjective.fromConfig(PromptsegConfig.of(), new int[] {128, 128, 128}, "cpa+seg").cpa().prototypes()).isEqualTo(256);
            assertThat(PretrainObjective.fromConfig(PromptsegConfig.of("promptseg.pretrain.cpa.prototypes=12"), TINY, "cpa+seg").cpa().prototypes())
                    .isEqualTo(12);
        }

        @Test
        @DisplayName("bad values are refused with the field's name")
        void refused() {
            assertThatThrownBy(() -> PretrainObjective.fromConfig(PromptsegConfig.of(), TINY, "cpa")).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("--objective");
            assertThatThrownBy(() -> PretrainObjective.fromConfig(PromptsegConfig.of("promptseg.pretrain.objective=dino"), TINY, null))
                    .hasMessageContaining("promptseg.pretrain.objective");
            for (String[] bad : List.of(new String[] {"promptseg.pretrain.cpa.momentum=1", "cpa.momentum"},
                    new String[] {"promptseg.pretrain.cpa.prototypes=many", "cpa.prototypes"},
                    new String[] {"promptseg.pretrain.cpa.prototypes=1", "cpa.prototypes"},
                    new String[] {"promptseg.pretrain.cpa.temperatures.teacher=0.5", "cpa.temperatures.teacher"},
                    new String[] {"promptseg.pretrain.cpa.weight=-1", "cpa.weight"},
                    new String[] {"promptseg.pretrain.labelled-fraction=0", "labelled-fraction"},
                    new String[] {"promptseg.pretrain.cpa.student-view.crop=[0.9]", "cpa.student-view.crop"},
                    new String[] {"promptseg.pretrain.cpa.teacher-view.flip=2", "cpa.teacher-view"})) {
                assertThatThrownBy(() -> PretrainObjective.fromConfig(PromptsegConfig.of(bad[0]), TINY, "cpa+seg"))
                        .as(bad[0]).isInstanceOf(ConfigurationException.class).hasMessageContaining("promptseg.pretrain." + bad[1]);
            }
        }
    }

    @Test
    @DisplayName("unlabelled cases: the same share of each center, chosen by the seed, at least one labelled case per center")
    void unlabelledCases() {
        Map<String, List<String>> cases = Map.of("a", List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"), "b", List.of("x", "y"));
        Set<String> u = PretrainJob.unlabelledCases(cases, 0.3, 1);
        assertThat(u.stream().filter(k -> k.startsWith("a/"))).hasSize(7);
        assertThat(u.stream().filter(k -> k.startsWith("b/"))).hasSize(1);
        assertThat(PretrainJob.unlabelledCases(cases, 0.3, 1)).isEqualTo(u);
        assertThat(PretrainJob.unlabelledCases(cases, 0.3, 2)).isNotEqualTo(u);
        assertThat(PretrainJob.unlabelledCases(Map.of("b", List.of("x")), 0.01, 1)).isEmpty();
    }
}
