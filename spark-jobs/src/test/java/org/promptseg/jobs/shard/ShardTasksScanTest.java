package org.promptseg.jobs.shard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.jobs.config.PromptsegConfig;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.dataset.CaseRef;
import org.promptseg.volume.dataset.CenterCollection;
import org.promptseg.volume.preprocess.PreprocessOptions;
import org.promptseg.volume.preprocess.SamplerOptions;
import org.promptseg.volume.synth.SynthOptions;
import org.promptseg.volume.synth.SyntheticCollection;

/** Pass 1 of shard on real NIfTI files, some of them damaged: a bad case names the file that is bad, not just the case. */
@DisplayName("shard's case scan names the unreadable file")
class ShardTasksScanTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("a garbage label is reported with the label's URI, a truncated image with the image's, a good case with none")
    void namesTheFileThatFailed() throws IOException {
        Configuration hadoop = new Configuration();
        String uri = dir.resolve("collection").toUri().toString();
        SyntheticCollection.generate(SynthOptions.fromConfig(PromptsegConfig.defaults()).with(1, 3, 0, 24, 3), uri, hadoop, false);
        CenterCollection collection = CenterCollection.open(uri, hadoop);
        String center = collection.centerIds().get(0);
        List<CaseRef> cases = collection.dataset(center).labelled();
        CaseRef badLabel = cases.get(0);
        CaseRef badImage = cases.get(1);
        CaseRef good = cases.get(2);
        Files.write(Path.of(java.net.URI.create(badLabel.labelUri())), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        Path image = Path.of(java.net.URI.create(badImage.channels().get(0).uri()));
        byte[] bytes = Files.readAllBytes(image);
        Files.write(image, Arrays.copyOf(bytes, bytes.length / 2));

        var config = PromptsegConfig.defaults();
        ShardTasks tasks = new ShardTasks(VolumeOptions.fromConfig(config), PreprocessOptions.fromConfig(config), SamplerOptions.fromConfig(config), 1);
        CaseScan label = tasks.scan(new CaseWork(center, badLabel, "train", collection.classMapping(center)));
        CaseScan img = tasks.scan(new CaseWork(center, badImage, "train", collection.classMapping(center)));
        CaseScan ok = tasks.scan(new CaseWork(center, good, "train", collection.classMapping(center)));

        assertThat(label.ok()).isFalse();
        assertThat(label.badFile()).isEqualTo(badLabel.labelUri());
        assertThat(img.ok()).isFalse();
        assertThat(img.badFile()).isEqualTo(badImage.channels().get(0).uri());
        assertThat(ok.ok()).as(String.valueOf(ok.reason())).isTrue();
        assertThat(ok.badFile()).isNull();
    }
}
