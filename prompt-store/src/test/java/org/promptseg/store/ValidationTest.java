package org.promptseg.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {
    @TempDir
    Path dir;

    static Stream<String> hostileIds() {
        return Stream.of("..", "../x", "a/b", "/etc", "C:\\x", "Ebc", "", " ebc", "ebc ", "e\u0301bc", "\u0435bc" /* Cyrillic e */,
                "ebc\u202e", "a".repeat(65), "-ebc", "_x", "ebc\n", "ebc/../../x", "%2e%2e");
    }

    @ParameterizedTest
    @MethodSource("hostileIds")
    @DisplayName("hostile center ids are rejected before the filesystem is touched")
    void hostileCenters(String center) throws IOException {
        Path root = dir.resolve("store");
        PromptStore store = PromptStore.open(root.toUri().toString());
        String backbone = "a".repeat(64);
        assertThatThrownBy(() -> store.publish(PromptPublication.builder(center, backbone, StoreFixtures.prompts(1)).build()))
                .isInstanceOf(InvalidStoreArgumentException.class).hasMessageContaining("center id");
        assertThatThrownBy(() -> store.load(center, "1", backbone)).isInstanceOf(InvalidStoreArgumentException.class);
        assertThatThrownBy(() -> store.versions(center)).isInstanceOf(InvalidStoreArgumentException.class);
        assertThatThrownBy(() -> store.promote(center, "production", "1")).isInstanceOf(InvalidStoreArgumentException.class);
        assertThatThrownBy(() -> store.run(center)).isInstanceOf(InvalidStoreArgumentException.class);
        assertThatThrownBy(() -> store.tryLock(center, "me")).isInstanceOf(InvalidStoreArgumentException.class);
        assertThat(Files.exists(root)).as("nothing was created").isFalse();
    }

    @Test
    @DisplayName("the message escapes invisible and non-ASCII characters so it cannot be spoofed")
    void escapedMessage() throws IOException {
        PromptStore store = PromptStore.open(dir.resolve("s").toUri().toString());
        assertThatThrownBy(() -> store.versions("ebc\u202e"))
                .hasMessageContaining("ebc\\u202e").hasMessageContaining("a-z, 0-9");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "00", "-1", "1.0", "1234567890", "Prod", "../1"})
    @DisplayName("version references that are neither numbers 1..999999999 nor alias names are rejected")
    void badVersions(String version) throws IOException {
        PromptStore store = PromptStore.open(dir.resolve("s").toUri().toString());
        assertThatThrownBy(() -> store.load("ebc", version, "a".repeat(64))).isInstanceOf(InvalidStoreArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "0x1", "production"})
    @DisplayName("anything else is an alias name, and an unknown alias is reported as such")
    void aliasNames(String ref) throws IOException {
        PromptStore store = PromptStore.open(dir.resolve("s").toUri().toString());
        assertThatThrownBy(() -> store.load("ebc", ref, "a".repeat(64))).isInstanceOf(StoreEntryNotFoundException.class)
                .hasMessageContaining("no alias '" + ref + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3a://bucket/store", "gs://bucket/store", "abfss://c@acct.dfs.core.windows.net/store", "S3://b/x"})
    @DisplayName("object stores without atomic rename are refused for the store root, saying why")
    void objectStoresRefused(String uri) {
        assertThatThrownBy(() -> PromptStore.open(uri, new Configuration()))
                .isInstanceOf(UnsupportedStoreLocationException.class)
                .hasMessageContaining(uri).hasMessageContaining("atomic rename").hasMessageContaining("HDFS");
    }

    @Test
    @DisplayName("the default file:./promptseg-store and plain relative paths resolve against the working directory")
    void relativeRoots() {
        String expected = "file:" + Path.of("").toAbsolutePath().resolve("promptseg-store");
        assertThat(PromptStore.resolveRoot("file:./promptseg-store").toString()).isEqualTo(expected);
        assertThat(PromptStore.resolveRoot("promptseg-store").toString()).isEqualTo(expected);
        assertThat(PromptStore.resolveRoot("hdfs://nn:8020/store").toString()).isEqualTo("hdfs://nn:8020/store");
    }

    @Test
    @DisplayName("a store written by a newer layout is refused at open")
    void newerFormatRefused() throws IOException {
        Path root = dir.resolve("newer");
        Files.createDirectories(root);
        Files.writeString(root.resolve("store.json"), "{\"format_version\": 99, \"kind\": \"promptseg-store\"}");
        assertThatThrownBy(() -> PromptStore.open(root.toUri().toString()))
                .isInstanceOf(StoreException.class).hasMessageContaining("format_version 99").hasMessageContaining("newer promptseg");
    }
}
