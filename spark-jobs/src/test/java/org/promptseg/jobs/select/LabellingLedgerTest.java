package org.promptseg.jobs.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.common.PromptsegException;
import org.promptseg.volume.dataset.Dataset;
import org.promptseg.volume.synth.SynthOptions;
import org.promptseg.volume.synth.SyntheticCollection;

@DisplayName("the labelling campaign folder next to a center's data")
class LabellingLedgerTest {
    @TempDir
    Path tmp;
    Dataset dataset;
    final Configuration conf = new Configuration();

    @BeforeEach
    void collection() throws IOException {
        SyntheticCollection.generate(SynthOptions.defaults().with(1, 1, 3, 16, 1), tmp.resolve("coll").toString(), conf, false);
        dataset = Dataset.open(tmp.resolve("coll/c0").toString(), conf);
    }

    static LabellingLedger.Entry entry(int rank, String id, String reason) {
        return new LabellingLedger.Entry(rank, id, "imagesTs/" + id + "_0000.nii.gz", "selection/labels/" + id + ".nii.gz", 0.5, reason, 0, "run-1");
    }

    @Test
    @DisplayName("a new campaign starts at round 0; written lists are read back in rank order and the next round follows")
    void rounds() throws IOException {
        LabellingLedger l = LabellingLedger.read(dataset, "selection", conf);
        assertThat(l.nextRound()).isZero();
        assertThat(l.rounds()).isEmpty();
        l.writeList(0, List.of(entry(1, "pool_002", "far, \"very\" far"), entry(2, "pool_000", "line\nbreak")), false);
        LabellingLedger again = LabellingLedger.read(dataset, "selection", conf);
        assertThat(again.rounds()).containsOnlyKeys(0);
        assertThat(again.rounds().get(0)).containsExactly("pool_002", "pool_000");
        assertThat(again.nextRound()).isEqualTo(1);
        assertThat(again.listedBefore(0)).isEmpty();
        assertThat(again.listedBefore(1)).containsExactly("pool_002", "pool_000");
        String text = Files.readString(tmp.resolve("coll/c0/selection/round-0.csv"));
        assertThat(text).startsWith("rank,case_id,image,deliver_label_to,score,reason,round,run_id\n1,pool_002,imagesTs/pool_002_0000.nii.gz,");
        assertThat(Csv.parse(text, "x").get(1).get(5)).isEqualTo("far, \"very\" far");
        assertThat(Csv.parse(text, "x").get(2).get(5)).isEqualTo("line\nbreak");
    }

    @Test
    @DisplayName("an existing round's list is not replaced unless asked")
    void noSilentOverwrite() throws IOException {
        LabellingLedger l = LabellingLedger.read(dataset, "selection", conf);
        l.writeList(0, List.of(entry(1, "pool_001", "a")), false);
        assertThatThrownBy(() -> l.writeList(0, List.of(entry(1, "pool_002", "b")), false)).isInstanceOf(PromptsegException.class)
                .hasMessageContaining("round-0.csv").hasMessageContaining("--overwrite");
        l.writeList(0, List.of(entry(1, "pool_002", "b")), true);
        assertThat(LabellingLedger.read(dataset, "selection", conf).rounds().get(0)).containsExactly("pool_002");
    }

    @Test
    @DisplayName("a delivered label makes a case labelled; files that are not case labels are ignored")
    void delivered() throws IOException {
        Path labels = Files.createDirectories(tmp.resolve("coll/c0/selection/labels"));
        Files.copy(tmp.resolve("coll/c0/labelsTs/pool_001.nii.gz"), labels.resolve("pool_001.nii.gz"));
        Files.writeString(labels.resolve("notes.txt"), "hello");
        Files.writeString(labels.resolve(".pool_002.nii.gz.tmp"), "partial");
        LabellingLedger l = LabellingLedger.read(dataset, "selection", conf);
        assertThat(l.deliveredLabels()).containsOnlyKeys("pool_001");
        assertThat(l.labelFile("pool_003").toString()).endsWith("/coll/c0/selection/labels/pool_003.nii.gz");
        assertThat(l.relative(l.labelFile("pool_003").toString())).isEqualTo("selection/labels/pool_003.nii.gz");
    }

    @Test
    @DisplayName("a list that is not ours is refused with its file name")
    void foreignList() throws IOException {
        Files.createDirectories(tmp.resolve("coll/c0/selection"));
        Files.writeString(tmp.resolve("coll/c0/selection/round-0.csv"), "id,score\npool_001,3\n");
        assertThatThrownBy(() -> LabellingLedger.read(dataset, "selection", conf)).isInstanceOf(PromptsegException.class)
                .hasMessageContaining("round-0.csv").hasMessageContaining("header");
    }
}
