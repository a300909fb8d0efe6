package org.promptseg.model.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.promptseg.model.ModelConfigException;

@DisplayName("Inference options")
class InferenceOptionsTest {

    private static Config withOverride(String hocon) {
        return ConfigFactory.parseString(hocon).withFallback(ConfigFactory.defaultReference()).resolve();
    }

    @Test
    @DisplayName("default to reference.conf, which matches defaults()")
    void referenceDefaults() {
        InferenceOptions options = InferenceOptions.fromConfig(ConfigFactory.defaultReference());
        assertThat(options).isEqualTo(InferenceOptions.defaults());
        assertThat(options.overlap()).isEqualTo(0.5);
        assertThat(options.gaussianSigmaFraction()).isEqualTo(0.125);
        assertThat(options.weighting()).isEqualTo(InferenceOptions.Weighting.GAUSSIAN);
        assertThat(options.mirrorAxes()).isEmpty();
    }

    @Test
    @DisplayName("read every key from configuration")
    void readsEveryKey() {
        InferenceOptions options = InferenceOptions.fromConfig(withOverride("""
                promptseg.inference { overlap = 0.25, batch-size = 6, weighting = constant,
                  gaussian-sigma-fraction = 0.2, mirror-axes = [x, Z] }"""));
        assertThat(options).isEqualTo(new InferenceOptions(0.25, 6, InferenceOptions.Weighting.CONSTANT, 0.2,
                EnumSet.of(Axis.Z, Axis.X)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', value = {
            "overlap | 1.0 | a fraction in [0, 1)",
            "overlap | -0.1 | a fraction in [0, 1)",
            "batch-size | 0 | an integer >= 1",
            "gaussian-sigma-fraction | 0 | a number > 0",
            "weighting | median | gaussian or constant",
            "mirror-axes | [x, w] | a subset of [z, y, x]",
            "mirror-axes | [x, x] | each of z, y, x at most once"})
    @DisplayName("reject an out-of-range value, naming the key, the expectation and where it was set")
    void rejectsNamingTheKey(String key, String value, String expected) {
        Config config = withOverride("promptseg.inference." + key + " = " + value);
        assertThatThrownBy(() -> InferenceOptions.fromConfig(config))
                .isInstanceOf(ModelConfigException.class)
                .hasMessageStartingWith("promptseg.inference." + key + ": expected " + expected)
                .hasMessageContaining("set in");
    }

    @Test
    @DisplayName("reject invalid values when built directly, too")
    void validatesOnConstruction() {
        assertThatThrownBy(() -> InferenceOptions.defaults().withOverlap(1.5))
                .isInstanceOf(ModelConfigException.class).hasMessageContaining("overlap");
        assertThatThrownBy(() -> InferenceOptions.defaults().withBatchSize(0))
                .isInstanceOf(ModelConfigException.class).hasMessageContaining("batchSize");
    }

    @Test
    @DisplayName("keep their mirror axes immutable")
    void immutableAxes() {
        Set<Axis> axes = EnumSet.of(Axis.X);
        InferenceOptions options = InferenceOptions.defaults().withMirrorAxes(axes);
        axes.add(Axis.Y);
        assertThat(options.mirrorAxes()).containsExactly(Axis.X);
        assertThatThrownBy(() -> options.mirrorAxes().add(Axis.Z)).isInstanceOf(UnsupportedOperationException.class);
    }
}
