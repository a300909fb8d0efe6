package org.promptseg.volume.nifti;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.common.Json;
import org.promptseg.volume.TestFiles;
import org.promptseg.volume.VolumeOptions;

@DisplayName("NIfTI read benchmark")
class NiftiReadBenchmarkTest {
    @TempDir
    java.nio.file.Path tmp;

    @Test
    @DisplayName("measures reader and plain gunzip on the same file and reports consistent sizes (no timing asserted)")
    void runs() throws IOException {
        Configuration conf = new Configuration();
        Path file = NiftiReadBenchmark.writeSample(TestFiles.local(tmp, "sample"), conf, 32);
        NiftiReadBenchmark.Result r = NiftiReadBenchmark.run(file, conf, VolumeOptions.defaults(), 3);
        NiftiHeader h = new NiftiReader(conf).readHeader(file);
        assertThat(r.voxelBytes()).isEqualTo(h.bytesPerChannel());
        assertThat(r.decompressedBytes()).isEqualTo(r.voxelBytes() + NiftiHeaderCodec.NIFTI1_DATA_OFFSET);
        assertThat(r.fileBytes()).isLessThan(r.decompressedBytes());
        assertThat(r.readerMBps()).isPositive();
        assertThat(r.gunzipMBps()).isPositive();
        assertThat(r.toText()).contains("MB/s");
        assertThat(Json.mapper().readTree(r.toJson()).get("ratio").asDouble()).isEqualTo(r.ratio());
    }
}
