package org.promptseg.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StoreOptionsTest {

    @Test
    @DisplayName("defaults come from reference.conf")
    void defaults() {
        StoreOptions o = StoreOptions.defaults();
        assertThat(o.uri()).isEqualTo("file:./promptseg-store");
        assertThat(o.gcKeep()).isEqualTo(5);
        assertThat(o.leftoverMaxAge()).isEqualTo(Duration.ofHours(1));
        assertThat(o.staleLockAge()).isEqualTo(Duration.ofHours(6));
    }

    @Test
    @DisplayName("user configuration overrides the defaults")
    void overrides() {
        StoreOptions o = StoreOptions.fromConfig(ConfigFactory.parseString(
                "promptseg.store { uri = \"hdfs://nn/store\", gc-keep = 2, leftover-max-age = 10m, stale-lock-age = 1d }"));
        assertThat(o).isEqualTo(new StoreOptions("hdfs://nn/store", 2, Duration.ofMinutes(10), Duration.ofDays(1)));
    }

    @Test
    @DisplayName("bad values name the key")
    void badValues() {
        assertThatThrownBy(() -> StoreOptions.fromConfig(ConfigFactory.parseString("promptseg.store.gc-keep = 0")))
                .isInstanceOf(InvalidStoreArgumentException.class).hasMessageContaining("promptseg.store.gc-keep");
        assertThatThrownBy(() -> StoreOptions.fromConfig(ConfigFactory.parseString("promptseg.store.stale-lock-age = soon")))
                .isInstanceOf(InvalidStoreArgumentException.class).hasMessageContaining("stale-lock-age");
    }

    @Test
    @DisplayName("every key in reference.conf has a comment directly above it (the configuration reference is generated from them)")
    void everyKeyDocumented() throws IOException {
        List<String> lines;
        try (InputStream in = StoreOptions.class.getResourceAsStream("/reference.conf")) {
            lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        List<String> undocumented = new ArrayList<>();
        int keys = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.matches("[a-z-]+\\s*=.*")) {
                keys++;
                if (i == 0 || !lines.get(i - 1).trim().startsWith("#")) {
                    undocumented.add(line);
                }
            }
        }
        assertThat(keys).isEqualTo(4);
        assertThat(undocumented).isEmpty();
        assertThat(ConfigFactory.defaultReference().getConfig("promptseg.store").root().keySet())
                .containsExactlyInAnyOrder("uri", "gc-keep", "leftover-max-age", "stale-lock-age");
    }
}
