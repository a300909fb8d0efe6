package org.promptseg.volume.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.common.HadoopFiles;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.Shape;
import org.promptseg.volume.TestFiles;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VolumeFormatException;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.nifti.NiftiDatatype;
import org.promptseg.volume.nifti.NiftiEncoding;
import org.promptseg.volume.nifti.NiftiWriter;

@DisplayName("dataset layout")
class DatasetLayoutTest {
    static final String MSD = """
            {"name": "Spleen", "modality": {"0": "CT"}, "labels": {"0": "background", "1": "spleen"},
             "numTraining": 2, "numTest": 1,
             "training": [{"image": "./imagesTr/spleen_2.nii.gz", "label": "./labelsTr/spleen_2.nii.gz"},
                          {"image": "./imagesTr/spleen_10.nii.gz", "label": "./labelsTr/spleen_10.nii.gz"}],
             "test": ["./imagesTs/spleen_1.nii.gz"]}""";
    static final String V2 = """
            {"channel_names": {"0": "CT"}, "labels": {"background": 0, "Liver": 1, "left kidney": 2},
             "numTraining": 2, "file_ending": ".nii.gz"}""";

    private final Configuration conf = new Configuration();

    @TempDir
    java.nio.file.Path tmp;

    @Nested
    @DisplayName("dataset.json")
    class Descriptor {
        @Test
        @DisplayName("MSD dialect: value -> name labels, modality, explicit training and test lists")
        void msd() {
            DatasetDescriptor d = DatasetDescriptor.parse(MSD, "x/dataset.json");
            assertThat(d.labels()).containsExactly(Map.entry("background", 0), Map.entry("spleen", 1));
            assertThat(d.channelNames()).containsExactly("CT");
            assertThat(d.training()).extracting(DatasetDescriptor.TrainingEntry::image).containsExactly("imagesTr/spleen_2.nii.gz", "imagesTr/spleen_10.nii.gz");
            assertThat(d.test()).containsExactly("imagesTs/spleen_1.nii.gz");
            assertThat(d.fileEnding()).isEqualTo(".nii.gz");
        }

        @Test
        @DisplayName("nnU-Net v2 dialect: name -> value labels, channel_names, file_ending; round trip through toJson")
        void v2() {
            DatasetDescriptor d = DatasetDescriptor.parse(V2, "x/dataset.json");
            assertThat(d.labels()).containsEntry("Liver", 1).containsEntry("left kidney", 2);
            assertThat(d.training()).isEmpty();
            assertThat(DatasetDescriptor.parse(d.toJson(), "again")).isEqualTo(d);
        }

        @Test
        @DisplayName("bad files name the file and the field")
        void errors() {
            assertThatThrownBy(() -> DatasetDescriptor.parse("{", "a.json")).isInstanceOf(DatasetFormatException.class).hasMessageContaining("a.json: json");
            assertThatThrownBy(() -> DatasetDescriptor.parse("{\"labels\": {\"liver\": 1}}", "b.json"))
                    .hasMessageContaining("background");
            assertThatThrownBy(() -> DatasetDescriptor.parse("{\"labels\": {\"background\": 0, \"r\": [1, 2]}}", "c.json"))
                    .hasMessageContaining("labels.r").hasMessageContaining("region");
            assertThatThrownBy(() -> DatasetDescriptor.parse(MSD.replace("./imagesTr/spleen_2", "../../etc/spleen_2"), "d.json"))
                    .isInstanceOf(DatasetFormatException.class).hasMessageContaining("training[0].image");
            assertThatThrownBy(() -> DatasetDescriptor.parse(MSD.replace("./imagesTs/spleen_1", "hdfs://x/y"), "e.json"))
                    .hasMessageContaining("test[0]");
        }
    }

    @Nested
    @DisplayName("class mapping")
    class Classes {
        @Test
        @DisplayName("center labels map onto global classes by name; unlabelled global classes are listed")
        void mapping() {
            DatasetDescriptor d = DatasetDescriptor.parse(V2, "x/dataset.json");
            ClassMapping m = ClassMapping.of(List.of("background", "liver", "spleen", "left_kidney"), d.labels(), "x/dataset.json");
            assertThat(m.globalIndex(0)).isZero();
            assertThat(m.globalIndex(1)).isEqualTo(1);
            assertThat(m.globalIndex(2)).isEqualTo(3);
            assertThat(m.globalIndex(3)).isEqualTo(-1);
            assertThat(m.labelledClasses()).containsExactly(true, true, false, true);
            assertThat(m.unlabelledClasses()).containsExactly("spleen");
            Volume lab = Volume.ofLabels(new Shape(1, 1, 3), Geometry.axisAligned(1, 1, 1, 0, 0, 0), new byte[] {0, 2, 1});
            assertThat(m.remap(lab, "lab.nii.gz").labels()).containsExactly(0, 3, 1);
            Volume bad = Volume.ofLabels(new Shape(1, 1, 2), Geometry.axisAligned(1, 1, 1, 0, 0, 0), new byte[] {0, 7});
            assertThatThrownBy(() -> m.remap(bad, "bad.nii.gz")).isInstanceOf(DatasetFormatException.class)
                    .hasMessageContaining("bad.nii.gz").hasMessageContaining("7.0");
        }

        @Test
        @DisplayName("a center label that is no global class is an error naming it")
        void unknownClass() {
            assertThatThrownBy(() -> ClassMapping.of(List.of("background", "liver"), Map.of("background", 0, "tumour", 1), "c/dataset.json"))
                    .isInstanceOf(DatasetFormatException.class).hasMessageContaining("labels.tumour");
        }
    }

    @Nested
    @DisplayName("splits")
    class Splits {
        final List<String> ids = IntStream.range(0, 20).mapToObj(i -> "case_" + i).toList();

        @Test
        @DisplayName("70/10/20 of 20 cases, a partition, same for the same seed in any input order, different for another seed")
        void deterministic() {
            CaseSplit a = CaseSplit.of(ids, 42, SplitOptions.defaults());
            assertThat(a.train()).hasSize(14);
            assertThat(a.val()).hasSize(2);
            assertThat(a.test()).hasSize(4);
            List<String> all = new ArrayList<>(a.train());
            all.addAll(a.val());
            all.addAll(a.test());
            assertThat(new HashSet<>(all)).hasSize(20).containsAll(ids);
            List<String> reversed = new ArrayList<>(ids);
            java.util.Collections.reverse(reversed);
            assertThat(CaseSplit.of(reversed, 42, SplitOptions.defaults())).isEqualTo(a);
            assertThat(CaseSplit.of(ids, 43, SplitOptions.defaults())).isNotEqualTo(a);
            assertThat(a.splitOf(a.val().get(0))).isEqualTo("val");
        }

        @Test
        @DisplayName("small centers still get one validation and one test case")
        void small() {
            CaseSplit s = CaseSplit.of(ids.subList(0, 4), 1, SplitOptions.defaults());
            assertThat(s.train()).hasSize(2);
            assertThat(s.val()).hasSize(1);
            assertThat(s.test()).hasSize(1);
            assertThat(CaseSplit.of(ids.subList(0, 1), 1, SplitOptions.defaults()).train()).hasSize(1);
            assertThatThrownBy(() -> new SplitOptions(0.5, 0.1, 0.1)).hasMessageContaining("promptseg.volume.split");
        }
    }

    @Nested
    @DisplayName("folders")
    class Folders {
        private void volume(java.nio.file.Path dir, String rel, Volume v, NiftiDatatype d) throws IOException {
            new NiftiWriter(conf).write(TestFiles.local(dir, rel), v, NiftiEncoding.of(d), false);
        }

        @Test
        @DisplayName("MSD layout with an explicit list, and nnU-Net v2 implicit naming with stray files ignored")
        void open() throws IOException {
            Shape s = new Shape(2, 3, 4);
            Geometry g = Geometry.axisAligned(1, 1, 2, 0, 0, 0);
            Volume img = Volume.ofShorts(s, g, new short[s.voxelCount()]);
            Volume lab = Volume.ofLabels(s, g, new byte[s.voxelCount()]);
            java.nio.file.Path msd = tmp.resolve("msd");
            HadoopFiles.writeStringAtomically(TestFiles.local(msd, "dataset.json"), conf, false, MSD);
            for (String c : new String[] {"spleen_2", "spleen_10"}) {
                volume(msd, "imagesTr/" + c + ".nii.gz", img, NiftiDatatype.INT16);
                volume(msd, "labelsTr/" + c + ".nii.gz", lab, NiftiDatatype.UINT8);
            }
            volume(msd, "imagesTs/spleen_1.nii.gz", img, NiftiDatatype.INT16);
            Dataset d = Dataset.open(msd.toString(), conf);
            assertThat(d.labelledCaseIds()).containsExactly("spleen_2", "spleen_10");
            assertThat(d.unlabelled()).extracting(CaseRef::caseId).containsExactly("spleen_1");
            assertThat(d.labelled().get(0).channels().get(0).uri()).endsWith("imagesTr/spleen_2.nii.gz");

            java.nio.file.Path v2 = tmp.resolve("v2");
            HadoopFiles.writeStringAtomically(TestFiles.local(v2, "dataset.json"), conf, false, V2);
            for (String c : new String[] {"b", "a"}) {
                volume(v2, "imagesTr/" + c + "_0000.nii.gz", img, NiftiDatatype.INT16);
                volume(v2, "labelsTr/" + c + ".nii.gz", lab, NiftiDatatype.UINT8);
            }
            volume(v2, "imagesTr/notes.nii.gz", img, NiftiDatatype.INT16);
            volume(v2, "imagesTr/-odd name_0000.nii.gz", img, NiftiDatatype.INT16);
            Dataset d2 = Dataset.open(v2.toString(), conf);
            assertThat(d2.labelledCaseIds()).containsExactly("a", "b");
            assertThat(d2.strayFiles()).hasSize(2).anySatisfy(f -> assertThat(f).endsWith("notes.nii.gz"));
            assertThat(d2.unlabelled()).isEmpty();
            LabelledCase lc = new CaseLoader(conf, VolumeOptions.defaults()).load(d2.caseById("a"));
            assertThat(lc.label().labels()).hasSize(s.voxelCount());
        }

        @Test
        @DisplayName("a label on another grid is refused with the file and field named")
        void mismatch() throws IOException {
            Shape s = new Shape(2, 3, 4);
            Volume img = Volume.ofShorts(s, Geometry.axisAligned(1, 1, 2, 0, 0, 0), new short[s.voxelCount()]);
            java.nio.file.Path v2 = tmp.resolve("mm");
            HadoopFiles.writeStringAtomically(TestFiles.local(v2, "dataset.json"), conf, false, V2);
            volume(v2, "imagesTr/a_0000.nii.gz", img, NiftiDatatype.INT16);
            volume(v2, "labelsTr/a.nii.gz", Volume.ofLabels(s, Geometry.axisAligned(1, 1, 2, 0.5, 0, 0), new byte[s.voxelCount()]), NiftiDatatype.UINT8);
            volume(v2, "imagesTr/b_0000.nii.gz", img, NiftiDatatype.INT16);
            volume(v2, "labelsTr/b.nii.gz", Volume.ofLabels(new Shape(2, 3, 5), img.geometry(), new byte[30]), NiftiDatatype.UINT8);
            Dataset d = Dataset.open(v2.toString(), conf);
            CaseLoader loader = new CaseLoader(conf, VolumeOptions.defaults());
            assertThatThrownBy(() -> loader.load(d.caseById("a"))).isInstanceOf(VolumeFormatException.class)
                    .hasMessageContaining("labelsTr/a.nii.gz").hasMessageContaining("affine").hasMessageContaining("0.5");
            assertThatThrownBy(() -> loader.load(d.caseById("b"))).isInstanceOf(VolumeFormatException.class)
                    .hasMessageContaining("labelsTr/b.nii.gz").hasMessageContaining("dim");
            // within a looser tolerance the same label is accepted and snapped onto the image grid
            CaseLoader loose = new CaseLoader(conf, new VolumeOptions(1L << 30, 1 << 20, 6, false, 1.0));
            assertThat(loose.load(d.caseById("a")).label().geometry()).isEqualTo(img.geometry());
        }
    }

    @Nested
    @DisplayName("centers.json")
    class Manifest {
        @Test
        @DisplayName("parses, resolves relative roots, and rejects invalid ids before any I/O")
        void parse() {
            String json = """
                    {"format_version": 1, "classes": ["background", "liver"],
                     "centers": [{"id": "site-a", "root": "a", "split_seed": 3, "scanner": "64-slice"},
                                 {"id": "b", "root": "hdfs://nn:8020/data/b", "split_seed": 4}]}""";
            CenterManifest m = CenterManifest.parse(json, "c.json");
            assertThat(m.centerIds()).containsExactly("site-a", "b");
            Path manifest = new Path("file:/data/coll/centers.json");
            assertThat(CenterManifest.resolveRoot(manifest, m.center("site-a")).toString()).isEqualTo("file:/data/coll/a");
            assertThat(CenterManifest.resolveRoot(manifest, m.center("b")).toString()).isEqualTo("hdfs://nn:8020/data/b");
            assertThat(CenterManifest.parse(m.toJson(), "again")).isEqualTo(m);
            assertThatThrownBy(() -> CenterManifest.parse(json.replace("site-a", "../x"), "c.json"))
                    .isInstanceOf(DatasetFormatException.class).hasMessageContaining("centers[0].id");
            assertThatThrownBy(() -> CenterManifest.parse(json.replace("\"b\"", "\"site-a\""), "c.json"))
                    .hasMessageContaining("twice");
            assertThatThrownBy(() -> CenterManifest.parse(json.replace("\"split_seed\": 4", "\"split_seed\": \"x\""), "c.json"))
                    .hasMessageContaining("centers[1].split_seed");
        }
    }
}
