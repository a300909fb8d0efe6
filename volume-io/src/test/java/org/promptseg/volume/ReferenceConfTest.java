package org.promptseg.volume;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.promptseg.volume.dataset.CheckOptions;
import org.promptseg.volume.dataset.SplitOptions;
import org.promptseg.volume.preprocess.PreprocessOptions;
import org.promptseg.volume.preprocess.SamplerOptions;
import org.promptseg.volume.synth.SynthOptions;

@DisplayName("reference.conf")
class ReferenceConfTest {
    @Test
    @DisplayName("every key has a comment directly above it and lives under promptseg.volume/preprocess/sampler/synth")
    void documented() throws IOException {
        String text;
        try (InputStream in = getClass().getResourceAsStream("/reference.conf")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String[] lines = text.split("\n");
        List<String> undocumented = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].trim();
            if (l.matches("[a-z0-9-]+\\s*=.*")) {
                String above = lines[i - 1].trim();
                if (!above.startsWith("#")) {
                    undocumented.add(l);
                }
            }
        }
        assertThat(undocumented).isEmpty();
        Config c = ConfigFactory.parseString(text);
        for (Map.Entry<String, ?> e : c.entrySet()) {
            assertThat(e.getKey()).matches("promptseg\\.(volume|preprocess|sampler|synth)\\..+");
        }
    }

    @Test
    @DisplayName("every options record reads its defaults, and a user override reaches it")
    void optionsRead() {
        Config ref = ConfigFactory.defaultReference();
        assertThat(VolumeOptions.fromConfig(ref).maxVolumeBytes()).isEqualTo(2L << 30);
        assertThat(SplitOptions.fromConfig(ref)).isEqualTo(new SplitOptions(0.7, 0.1, 0.2));
        assertThat(CheckOptions.fromConfig(ref).ctMinHu()).isEqualTo(-2048);
        assertThat(PreprocessOptions.fromConfig(ref).targetSpacingZyx()).isNull();
        assertThat(SamplerOptions.fromConfig(ref).foregroundFraction()).isEqualTo(0.33);
        assertThat(SynthOptions.fromConfig(ref).centers()).isEqualTo(4);
        Config user = ConfigFactory.parseString("promptseg.preprocess.target-spacing-zyx = [2.5, 1.5, 1.5]\npromptseg.volume.max-volume-bytes = 64m")
                .withFallback(ref);
        assertThat(PreprocessOptions.fromConfig(user).targetSpacingZyx()).containsExactly(2.5, 1.5, 1.5);
        assertThat(VolumeOptions.fromConfig(user).maxVolumeBytes()).isEqualTo(64L << 20);
    }
}
