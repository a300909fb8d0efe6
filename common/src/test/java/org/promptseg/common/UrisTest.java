package org.promptseg.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

class UrisTest {
    @Test
    void plainRelativePathBecomesAbsoluteFileUri() {
        String expected = Paths.get("data/x.nii.gz").toAbsolutePath().toUri().getPath();
        assertThat(Uris.toPath("data/x.nii.gz").toUri().getScheme()).isEqualTo("file");
        assertThat(Uris.toPath("data/x.nii.gz").toUri().getPath()).isEqualTo(expected);
    }

    @Test
    void relativeFileUriIsTheRelativeLocalPath() {
        assertThat(Uris.toPath("file:./store").toUri().getPath()).isEqualTo(Paths.get("store").toAbsolutePath().toUri().getPath());
        assertThat(Uris.toPath("file:store").toUri().getPath()).isEqualTo(Paths.get("store").toAbsolutePath().toUri().getPath());
    }

    @Test
    void schemesAreKept() {
        assertThat(Uris.toPath("hdfs://127.0.0.1:9000/a/b").toUri().getScheme()).isEqualTo("hdfs");
        assertThat(Uris.toPath("file:/tmp/x").toUri().getPath()).isEqualTo("/tmp/x");
    }
}
