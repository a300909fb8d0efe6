package org.promptseg.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HadoopFilesTest {

    abstract static class Contract {
        abstract Path dir();

        abstract Configuration conf();

        @Test
        @DisplayName("an atomic write leaves the file and no temporary sibling")
        void writesAndCleansUp() throws IOException {
            Path target = new Path(dir(), "a/b/manifest.json");
            HadoopFiles.writeStringAtomically(target, conf(), false, "{\"x\":1}");
            assertThat(HadoopFiles.readString(target, conf(), 1024)).isEqualTo("{\"x\":1}");
            assertThat(Uris.fileSystem(target, conf()).listStatus(target.getParent())).hasSize(1);
        }

        @Test
        @DisplayName("without overwrite an existing file is kept and the write fails")
        void refusesOverwrite() throws IOException {
            Path target = new Path(dir(), "alias");
            HadoopFiles.writeStringAtomically(target, conf(), false, "one");
            assertThatThrownBy(() -> HadoopFiles.writeStringAtomically(target, conf(), false, "two"))
                    .isInstanceOf(FileAlreadyExistsException.class);
            assertThat(HadoopFiles.readString(target, conf(), 1024)).isEqualTo("one");
            HadoopFiles.writeStringAtomically(target, conf(), true, "two");
            assertThat(HadoopFiles.readString(target, conf(), 1024)).isEqualTo("two");
        }

        @Test
        @DisplayName("a file larger than the limit is refused before reading")
        void sizeLimit() throws IOException {
            Path target = new Path(dir(), "big");
            HadoopFiles.writeAtomically(target, conf(), false, new byte[2048]);
            assertThatThrownBy(() -> HadoopFiles.readAllBytes(target, conf(), 1024))
                    .hasMessageContaining("2048 bytes").hasMessageContaining(target.toString());
        }
    }

    @Nested
    @DisplayName("on the local filesystem")
    class Local extends Contract {
        final Path dir;

        Local() throws IOException {
            dir = Uris.toPath(Files.createTempDirectory(Files.createDirectories(java.nio.file.Path.of("target", "test-files")).toAbsolutePath(), "hf").toString());
        }

        @Override
        Path dir() {
            return dir;
        }

        @Override
        Configuration conf() {
            return new Configuration();
        }
    }

    @Nested
    @DisplayName("on HDFS")
    class Hdfs extends Contract {
        final Path dir = MiniHdfs.newDir("hadoopfiles");

        @Override
        Path dir() {
            return dir;
        }

        @Override
        Configuration conf() {
            return MiniHdfs.conf();
        }
    }
}
