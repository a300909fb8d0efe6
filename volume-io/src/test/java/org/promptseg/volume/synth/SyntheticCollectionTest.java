package org.promptseg.volume.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.common.PromptsegException;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.dataset.CaseLoader;
import org.promptseg.volume.dataset.CaseRef;
import org.promptseg.volume.dataset.CenterCollection;
import org.promptseg.volume.dataset.CheckOptions;
import org.promptseg.volume.dataset.ClassMapping;
import org.promptseg.volume.dataset.CollectionChecker;
import org.promptseg.volume.dataset.Dataset;
import org.promptseg.volume.dataset.LabelledCase;
import org.promptseg.volume.nifti.NiftiDatatype;
import org.promptseg.volume.nifti.NiftiHeader;
import org.promptseg.volume.nifti.NiftiReader;

@DisplayName("synthetic multi-center collections")
class SyntheticCollectionTest {
    static final SynthOptions SMALL = SynthOptions.defaults().with(4, 3, 2, 32, 7).withThreads(2);
    static final Configuration CONF = new Configuration();

    @TempDir
    static java.nio.file.Path tmp;
    static java.nio.file.Path small;
    static SyntheticCollection.Result result;

    @BeforeAll
    static void generate() throws IOException {
        small = tmp.resolve("small");
        result = SyntheticCollection.generate(SMALL, small.toString(), CONF, false);
    }

    @Test
    @DisplayName("writes centers.json and one nnU-Net v2 dataset per center, with imagesTs and labelsTs for the pool")
    void layout() throws IOException {
        assertThat(result.centers()).containsExactly("c0", "c1", "c2", "c3");
        assertThat(result.labelledCases()).isEqualTo(12);
        assertThat(result.unlabelledCases()).isEqualTo(8);
        CenterCollection cc = CenterCollection.open(small.toString(), CONF);
        assertThat(cc.classes()).containsExactly("background", "liver", "spleen", "kidney_left", "kidney_right", "aorta");
        for (String c : cc.centerIds()) {
            Dataset d = cc.dataset(c);
            assertThat(d.labelledCaseIds()).containsExactly("case_000", "case_001", "case_002");
            assertThat(d.unlabelled()).extracting(CaseRef::caseId).containsExactly("pool_000", "pool_001");
            assertThat(d.unlabelled()).allSatisfy(u -> {
                assertThat(u.labelUri()).isNull();
                assertThat(u.referenceLabelUri()).contains("/labelsTs/");
            });
            assertThat(d.strayFiles()).isEmpty();
        }
        assertThat(cc.classMapping("c3").unlabelledClasses()).containsExactly("aorta");
        assertThat(cc.classMapping("c0").unlabelledClasses()).isEmpty();
        assertThat(cc.manifest().center("c1").scanner()).contains("arterial");
    }

    @Test
    @DisplayName("centers differ in orientation, spacing and storage; labels map onto the global classes by name")
    void centersDiffer() throws IOException {
        CenterCollection cc = CenterCollection.open(small.toString(), CONF);
        NiftiReader reader = new NiftiReader(CONF);
        CaseLoader loader = new CaseLoader(CONF, VolumeOptions.defaults());
        Map<String, String> orientation = new TreeMap<>();
        Map<String, NiftiDatatype> datatype = new TreeMap<>();
        Map<String, Double> sliceSpacing = new TreeMap<>();
        for (String c : cc.centerIds()) {
            CaseRef ref = cc.dataset(c).labelled().get(0);
            NiftiHeader h = reader.readHeader(ref.channels().get(0).uri());
            orientation.put(c, h.geometry().orientation().code());
            datatype.put(c, h.datatype());
            sliceSpacing.put(c, h.geometry().spacingZyx()[0]);
            LabelledCase lc = loader.load(ref);
            ClassMapping m = cc.classMapping(c);
            Volume global = m.remap(lc.label(), ref.labelUri());
            boolean[] present = new boolean[6];
            for (byte b : global.labels()) {
                present[b] = true;
            }
            // liver, spleen and both kidneys in every case; the aorta wherever the center labels it
            assertThat(present).as(c).containsExactly(true, true, true, true, true, m.labels(5));
            // an image voxel labelled liver is brighter than air and below bone
            float[] img = lc.image().voxels().toFloats();
            double liver = 0;
            int n = 0;
            for (int i = 0; i < img.length; i++) {
                if (global.labels()[i] == 1) {
                    liver += img[i];
                    n++;
                }
            }
            assertThat(liver / n).as(c + " liver mean HU").isBetween(0.0, 200.0);
        }
        assertThat(orientation).containsEntry("c0", "RAS").containsEntry("c1", "LPS").containsEntry("c2", "LAS").containsEntry("c3", "RAI");
        assertThat(datatype).containsEntry("c1", NiftiDatatype.UINT16).containsEntry("c0", NiftiDatatype.INT16);
        assertThat(sliceSpacing.values()).doesNotHaveDuplicates();
    }

    @Test
    @DisplayName("the same seed gives byte-identical files whatever the thread count; another seed gives other images")
    void deterministic() throws IOException {
        java.nio.file.Path again = tmp.resolve("again");
        SyntheticCollection.generate(SMALL.withThreads(1), again.toString(), CONF, false);
        Map<String, byte[]> a = contents(small);
        Map<String, byte[]> b = contents(again);
        assertThat(b.keySet()).isEqualTo(a.keySet());
        a.forEach((k, v) -> assertThat(b.get(k)).as(k).isEqualTo(v));

        java.nio.file.Path other = tmp.resolve("other");
        SyntheticCollection.generate(SMALL.with(1, 1, 0, 32, 8), other.toString(), CONF, false);
        assertThat(contents(other).get("c0/imagesTr/case_000_0000.nii.gz")).isNotEqualTo(a.get("c0/imagesTr/case_000_0000.nii.gz"));
    }

    @Test
    @DisplayName("an existing collection is not overwritten unless asked")
    void noOverwrite() {
        assertThatThrownBy(() -> SyntheticCollection.generate(SMALL, small.toString(), CONF, false))
                .isInstanceOf(PromptsegException.class).hasMessageContaining("centers.json").hasMessageContaining("already exists");
    }

    @Test
    @DisplayName("dataset check finds no problem in a generated collection")
    void checkPasses() {
        CollectionChecker.Report r = new CollectionChecker(CONF, VolumeOptions.defaults(), CheckOptions.defaults()).check(small.toString());
        assertThat(r.problems()).isEmpty();
        assertThat(r.ok()).isTrue();
        assertThat(r.centers()).isEqualTo(4);
        assertThat(r.casesChecked()).isEqualTo(20);
    }

    static Map<String, byte[]> contents(java.nio.file.Path root) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<java.nio.file.Path> files = Files.walk(root)) {
            for (java.nio.file.Path p : files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".")).toList()) {
                m.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    static List<String> names(Map<String, byte[]> m) {
        return List.copyOf(m.keySet());
    }
}
