package org.promptseg.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptsegConfigTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("defaults come from reference.conf")
    void defaults() {
        Config c = PromptsegConfig.load(List.of(), List.of(), null);
        assertThat(c.getString("promptseg.spark.master")).isEqualTo("local[*]");
        assertThat(c.getInt("promptseg.spark.threads-per-task")).isEqualTo(1);
    }

    @Test
    @DisplayName("later layers win: file < later file < --set")
    void precedence() throws IOException {
        Path a = Files.writeString(dir.resolve("a.conf"), "promptseg.spark { master = \"local[1]\", threads-per-task = 2 }");
        Path b = Files.writeString(dir.resolve("b.conf"), "promptseg.spark.master = \"local[2]\"");
        Config c = PromptsegConfig.load(List.of(a.toString(), b.toString()), List.of("promptseg.spark.app-name=x"), null);
        assertThat(c.getString("promptseg.spark.master")).isEqualTo("local[2]");
        assertThat(c.getInt("promptseg.spark.threads-per-task")).isEqualTo(2);
        assertThat(c.getString("promptseg.spark.app-name")).isEqualTo("x");
        Config d = PromptsegConfig.load(List.of(a.toString()), List.of("promptseg.spark.threads-per-task=1"), null);
        assertThat(d.getInt("promptseg.spark.threads-per-task")).isEqualTo(1);
    }

    @Test
    @DisplayName("the PROMPTSEG_CONF file is used when no --conf is given")
    void environmentFile() throws IOException {
        Path a = Files.writeString(dir.resolve("env.conf"), "promptseg.spark.master = \"local[1]\"");
        assertThat(PromptsegConfig.load(List.of(), List.of(), a.toString()).getString("promptseg.spark.master")).isEqualTo("local[1]");
    }

    @Test
    @DisplayName("--set takes URIs literally and parses lists")
    void setValues() {
        Config c = PromptsegConfig.load(List.of(), List.of("promptseg.spark.app-name=hdfs://nn:8020/x", "promptseg.spark.conf={\"spark.a\" = 1}"), null);
        assertThat(c.getString("promptseg.spark.app-name")).isEqualTo("hdfs://nn:8020/x");
        assertThat(c.getConfig("promptseg.spark.conf").getInt("\"spark.a\"")).isEqualTo(1);
    }

    @Test
    @DisplayName("every problem is reported at once, each with its key and origin")
    void allProblems() throws IOException {
        Path f = Files.writeString(dir.resolve("p.conf"), "promptseg {\n spark {\n  ui = maybe\n  mastr = x\n }\n nothing = 1\n}\n");
        assertThatThrownBy(() -> PromptsegConfig.load(List.of(f.toString()), List.of(), null))
                .isInstanceOf(ConfigurationException.class)
                .satisfies(e -> {
                    List<String> problems = ((ConfigurationException) e).problems();
                    assertThat(problems).hasSize(3);
                    assertThat(problems).anySatisfy(p -> assertThat(p).contains("promptseg.spark.ui").contains("p.conf: 3").contains("boolean"));
                    assertThat(problems).anySatisfy(p -> assertThat(p).contains("unknown configuration key 'promptseg.spark.mastr'").contains("did you mean 'master'"));
                    assertThat(problems).anySatisfy(p -> assertThat(p).contains("unknown configuration key 'promptseg.nothing'"));
                });
    }

    @Test
    @DisplayName("open maps accept any key")
    void openMap() {
        Config c = PromptsegConfig.load(List.of(), List.of("promptseg.spark.conf.\"spark.executor.memory\"=2g"), null);
        assertThat(c.getString("promptseg.spark.conf.\"spark.executor.memory\"")).isEqualTo("2g");
    }

    @Test
    @DisplayName("a --set without '=' is a usage error naming the argument")
    void badSet() {
        assertThatThrownBy(() -> PromptsegConfig.load(List.of(), List.of("promptseg.spark.master"), null))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("expected key=value");
    }
}
