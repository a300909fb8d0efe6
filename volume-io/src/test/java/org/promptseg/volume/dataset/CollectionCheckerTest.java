package org.promptseg.volume.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.common.Json;
import org.promptseg.common.MiniHdfs;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.TestFiles;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.nifti.NiftiDatatype;
import org.promptseg.volume.nifti.NiftiEncoding;
import org.promptseg.volume.nifti.NiftiReader;
import org.promptseg.volume.nifti.NiftiWriter;
import org.promptseg.volume.synth.SynthOptions;
import org.promptseg.volume.synth.SyntheticCollection;

@DisplayName("dataset check")
class CollectionCheckerTest {
    static final SynthOptions TINY = SynthOptions.defaults().with(2, 2, 1, 24, 11).withThreads(2);
    private final Configuration conf = new Configuration();

    @TempDir
    java.nio.file.Path tmp;

    private CollectionChecker checker(Configuration c) {
        return new CollectionChecker(c, VolumeOptions.defaults(), CheckOptions.defaults());
    }

    @Test
    @DisplayName("lists every problem of a damaged collection at once, each with its file")
    void everyProblemAtOnce() throws IOException {
        java.nio.file.Path root = tmp.resolve("coll");
        SyntheticCollection.generate(TINY, root.toString(), conf, false);
        NiftiReader reader = new NiftiReader(conf);
        NiftiWriter writer = new NiftiWriter(conf);

        // 1. a missing label
        Files.delete(root.resolve("c0/labelsTr/case_001.nii.gz"));
        // 2. a label value not in the label map
        Path lab0 = TestFiles.local(root, "c0/labelsTr/case_000.nii.gz");
        Volume l0 = reader.read(lab0).volume();
        byte[] bad = l0.labels().clone();
        bad[5] = 9;
        writer.write(lab0, Volume.ofLabels(l0.shape(), l0.geometry(), bad), NiftiEncoding.of(NiftiDatatype.UINT8), true);
        // 3. a label on a shifted grid
        Path lab1 = TestFiles.local(root, "c1/labelsTr/case_000.nii.gz");
        Volume l1 = reader.read(lab1).volume();
        Geometry shifted = l1.geometry().subGrid(0, 0, 2, 1, 1, 1);
        writer.write(lab1, l1.withGeometry(shifted), NiftiEncoding.of(NiftiDatatype.UINT8), true);
        // 4. a stray file and 5. a label without image
        Files.writeString(root.resolve("c1/imagesTr/notes.txt"), "not an image");
        Files.copy(root.resolve("c1/labelsTr/case_001.nii.gz"), root.resolve("c1/labelsTr/ghost.nii.gz"));
        // 6. an unreadable image
        Files.write(root.resolve("c0/imagesTr/case_001_0000.nii.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0});
        // 7. an image without air: stored values without their -1024 intercept
        Path pool = TestFiles.local(root, "c1/imagesTs/pool_000_0000.nii.gz");
        Volume p = reader.read(pool).volume();
        float[] shiftedHu = p.voxels().toFloats();
        for (int i = 0; i < shiftedHu.length; i++) {
            shiftedHu[i] += 1024;
        }
        writer.write(pool, Volume.ofFloats(p.shape(), p.geometry(), shiftedHu), NiftiEncoding.of(NiftiDatatype.INT16), true);
        // 8. a center label that is not one of the collection's classes
        java.nio.file.Path json = root.resolve("c1/dataset.json");
        Files.writeString(json, Files.readString(json).replace("\"aorta\"", "\"tumour\""));

        CollectionChecker.Report r = checker(conf).check(root.toString());
        assertThat(r.ok()).isFalse();
        List<String> lines = r.problems().stream().map(pr -> pr.file() + " | " + pr.message()).toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("c0/labelsTr/case_001.nii.gz").contains("missing"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("c0/labelsTr/case_000.nii.gz").contains("label values [9]"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("c1/labelsTr/case_000.nii.gz").contains("affine"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("c1/imagesTr/notes.txt").contains("not part of any case"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("c1/labelsTr/ghost.nii.gz").contains("without an image"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("c0/imagesTr/case_001_0000.nii.gz").contains("gzip"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("c1/imagesTs/pool_000_0000.nii.gz").contains("no air"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("c1/dataset.json").contains("labels.tumour"));
        // the tumour label value now in c1's labels is allowed by c1's map, so no extra value problem for it
        assertThat(r.problems()).hasSize(8);
        assertThat(r.toText()).contains("8 problem(s)");
        assertThat(Json.mapper().readTree(r.toJson()).get("problems")).hasSize(8);
    }

    @Test
    @DisplayName("a missing or broken centers.json is one problem, not an exception")
    void badManifest() throws IOException {
        CollectionChecker.Report missing = checker(conf).check(tmp.resolve("nothing").toString());
        assertThat(missing.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("centers.json"));
        Files.writeString(tmp.resolve("centers.json"), "{\"centers\": [{\"id\": \"Bad Id\", \"root\": \"x\", \"split_seed\": 1}]}");
        CollectionChecker.Report bad = checker(conf).check(tmp.toString());
        assertThat(bad.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("centers[0].id"));
    }

    @Test
    @DisplayName("a collection generated on HDFS opens, loads and checks clean there")
    void onHdfs() throws IOException {
        Configuration hdfs = MiniHdfs.conf();
        Path dir = MiniHdfs.newDir("synth");
        SyntheticCollection.Result res = SyntheticCollection.generate(TINY, dir.toString(), hdfs, false);
        assertThat(res.manifestUri()).startsWith("hdfs://");
        CenterCollection cc = CenterCollection.open(dir.toString(), hdfs);
        assertThat(cc.centerIds()).containsExactly("c0", "c1");
        CaseRef ref = cc.dataset("c1").labelled().get(0);
        LabelledCase lc = new CaseLoader(hdfs, VolumeOptions.defaults()).load(ref);
        assertThat(lc.label().shape()).isEqualTo(lc.image().shape());
        assertThat(cc.split("c1", SplitOptions.defaults()).train()).isNotEmpty();
        CollectionChecker.Report r = checker(hdfs).check(res.manifestUri());
        assertThat(r.problems()).isEmpty();
        assertThat(r.casesChecked()).isEqualTo(6);
    }
}
