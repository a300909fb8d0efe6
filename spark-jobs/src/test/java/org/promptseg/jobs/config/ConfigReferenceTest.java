package org.promptseg.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {
    /** spark-jobs/../docs/configuration.md, found from the module directory tests run in. */
    static final Path DOC = Path.of("..", "docs", "configuration.md");

    @Test
    @DisplayName("every declared key has a doc comment")
    void everyKeyIsDocumented() {
        assertThat(ConfigReference.entries(PromptsegConfig.defaults()))
                .allSatisfy(e -> assertThat(e.doc()).as("doc comment of %s", e.key()).isNotBlank());
    }

    @Test
    @DisplayName("docs/configuration.md is generated from the declarations (regenerate: bin/promptseg config reference > docs/configuration.md)")
    void docIsUpToDate() throws IOException {
        String generated = ConfigReference.markdown(PromptsegConfig.defaults());
        if (Boolean.getBoolean("regenerate.docs")) {
            Files.writeString(DOC, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(DOC, StandardCharsets.UTF_8)).isEqualTo(generated);
    }
}
