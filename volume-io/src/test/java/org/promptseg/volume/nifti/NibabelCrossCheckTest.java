package org.promptseg.volume.nifti;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.common.Json;
import org.promptseg.volume.Affine;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.Shape;
import org.promptseg.volume.TestFiles;
import org.promptseg.volume.Volume;

/**
 * Cross-checks with nibabel, the reference NIfTI implementation of the Python imaging world: files we write must open
 * in nibabel with the same geometry and values, and files nibabel writes must read the same in promptseg. Needs
 * python3 with nibabel (Debian package {@code python3-nibabel}); skipped with a message when absent.
 */
@DisplayName("NIfTI cross-check with nibabel")
class NibabelCrossCheckTest {
    private static String python;

    private final Configuration conf = new Configuration();
    private final NiftiReader reader = new NiftiReader(conf);
    private final NiftiWriter writer = new NiftiWriter(conf);

    @TempDir
    java.nio.file.Path tmp;

    @BeforeAll
    static void findPython() {
        for (String candidate : new String[] {"/usr/bin/python3", "python3"}) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import nibabel, numpy").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    python = candidate;
                    return;
                }
            } catch (IOException | InterruptedException e) {
                // try the next candidate
            }
        }
    }

    private JsonNode runScript(String... args) throws IOException, InterruptedException {
        Assumptions.assumeTrue(python != null, "python3 with nibabel not found: install the Debian package python3-nibabel to run this cross-check");
        java.nio.file.Path script = tmp.resolve("nibabel_check.py");
        try (InputStream in = getClass().getResourceAsStream("nibabel_check.py")) {
            Files.write(script, in.readAllBytes());
        }
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("nibabel script exit code, output: " + out).isZero();
        return Json.mapper().readTree(out);
    }

    private static double[] f8(String file) throws IOException {
        byte[] b = Files.readAllBytes(java.nio.file.Path.of(file + ".f8"));
        double[] d = new double[b.length / 8];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(d);
        return d;
    }

    private static void assertAffine(JsonNode rows, Affine ours, double tol) {
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                assertThat(ours.get(r, c)).as("affine[%d][%d]", r, c).isCloseTo(rows.get(r).get(c).asDouble(), within(tol));
            }
        }
    }

    /** Our values (all channels, x fastest) equal nibabel's, rounded to float32 as we hold them. */
    private static void assertSameValues(NiftiImage ours, String file) throws IOException {
        double[] theirs = f8(file);
        int n = ours.header().shape().voxelCount();
        assertThat(theirs).hasSize(n * ours.channels().size());
        for (int c = 0; c < ours.channels().size(); c++) {
            Volume v = ours.channel(c);
            for (int i = 0; i < n; i++) {
                if ((float) theirs[c * n + i] != v.voxels().get(i)) {
                    assertThat(v.voxels().get(i)).as("%s channel %d voxel %d", file, c, i).isEqualTo((float) theirs[c * n + i]);
                }
            }
        }
    }

    @Test
    @DisplayName("files promptseg writes open in nibabel with the same shape, affine, codes, orientation and values")
    void oursInNibabel() throws Exception {
        Shape shape = new Shape(5, 6, 7);
        Geometry oblique = new Geometry(Affine.ofRows(new double[] {0.75, 0.125, 0, -90, -0.125, 0.75, 0.0625, 40, 0, -0.0625, 2.5, -120}));
        Geometry lps = new Geometry(Affine.ofRows(new double[] {-0.5, 0, 0, 150, 0, -0.5, 0, 120, 0, 0, 3, -60}));
        List<String> files = new ArrayList<>();
        List<NiftiEncoding> encodings = new ArrayList<>();
        int k = 0;
        for (NiftiDatatype d : NiftiDatatype.values()) {
            for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                String name = d.label() + (o == ByteOrder.BIG_ENDIAN ? "-be" : "-le") + (k++ % 2 == 0 ? ".nii.gz" : ".nii");
                NiftiEncoding enc = NiftiEncoding.of(d).withByteOrder(o);
                Geometry g = k % 3 == 0 ? oblique : lps;
                float[] values = NiftiRoundTripTest.valuesFor(d, shape.voxelCount(), k);
                writer.write(TestFiles.local(tmp, name), Volume.ofFloats(shape, g, values), enc, false);
                files.add(tmp.resolve(name).toString());
                encodings.add(enc);
            }
        }
        // scaled int16, NIfTI-2, and a 4D stack
        float[] hu = new float[shape.voxelCount()];
        for (int i = 0; i < hu.length; i++) {
            hu[i] = -1024 + 0.5f * (i % 5000);
        }
        writer.write(TestFiles.local(tmp, "scaled.nii.gz"), Volume.ofFloats(shape, oblique, hu),
                NiftiEncoding.of(NiftiDatatype.INT16).withScaling(0.5, -1024), false);
        files.add(tmp.resolve("scaled.nii.gz").toString());
        writer.write(TestFiles.local(tmp, "v2.nii.gz"), Volume.ofFloats(shape, oblique, hu),
                NiftiEncoding.of(NiftiDatatype.FLOAT32).withVersion(2), false);
        files.add(tmp.resolve("v2.nii.gz").toString());
        Volume a = Volume.ofFloats(shape, lps, hu);
        Volume b = Volume.ofFloats(shape, lps, NiftiRoundTripTest.valuesFor(NiftiDatatype.INT16, shape.voxelCount(), 77));
        writer.write(TestFiles.local(tmp, "four.nii.gz"), List.of(a, b), NiftiEncoding.of(NiftiDatatype.FLOAT32), false);
        files.add(tmp.resolve("four.nii.gz").toString());

        List<String> args = new ArrayList<>(List.of("describe"));
        args.addAll(files);
        JsonNode described = runScript(args.toArray(String[]::new));
        assertThat(described).hasSize(files.size());
        for (JsonNode nib : described) {
            String file = nib.get("file").asText();
            NiftiImage ours = reader.readAllChannels(new Path("file://" + file), VoxelStorage.FLOAT);
            NiftiHeader h = ours.header();
            assertThat(nib.get("shape").get(0).asInt()).as(file).isEqualTo(h.shape().nx());
            assertThat(nib.get("shape").get(1).asInt()).isEqualTo(h.shape().ny());
            assertThat(nib.get("shape").get(2).asInt()).isEqualTo(h.shape().nz());
            assertThat(nib.get("shape").size() == 4 ? nib.get("shape").get(3).asInt() : 1).isEqualTo(h.channels());
            assertThat(nib.get("dtype").asText()).isEqualTo(h.datatype().label());
            assertThat(nib.get("big_endian").asBoolean()).isEqualTo(h.byteOrder() == ByteOrder.BIG_ENDIAN);
            assertThat(nib.get("version").asInt()).isEqualTo(h.version());
            assertThat(nib.get("qform_code").asInt()).isEqualTo(h.qformCode());
            assertThat(nib.get("sform_code").asInt()).isEqualTo(h.sformCode());
            assertAffine(nib.get("affine"), h.geometry().voxelToWorld(), 0);
            assertAffine(nib.get("qform"), h.qformAffine(), 2e-6);
            assertThat(nib.get("axcodes").asText()).isEqualTo(h.geometry().orientation().code());
            assertThat(nib.get("slope").asDouble()).isEqualTo(h.effectiveSlope());
            assertThat(nib.get("inter").asDouble()).isEqualTo(h.effectiveInter());
            assertSameValues(ours, file);
        }
    }

    @Test
    @DisplayName("files nibabel writes (NIfTI-2, big endian, scaled int16, 4D qform-only, .hdr/.img pair) read the same in promptseg")
    void nibabelInOurs() throws Exception {
        JsonNode written = runScript("write", tmp.toString());
        assertThat(written.size()).isGreaterThanOrEqualTo(7);
        for (JsonNode nib : written) {
            String file = nib.get("file").asText();
            NiftiImage ours = reader.readAllChannels(new Path("file://" + file), VoxelStorage.COMPACT);
            NiftiHeader h = ours.header();
            assertThat(h.version()).as(file).isEqualTo(nib.get("version").asInt());
            assertThat(h.byteOrder() == ByteOrder.BIG_ENDIAN).as(file).isEqualTo(nib.get("big_endian").asBoolean());
            assertThat(h.datatype().label()).as(file).isEqualTo(nib.get("dtype").asText());
            assertThat(h.qformCode()).isEqualTo(nib.get("qform_code").asInt());
            assertThat(h.sformCode()).isEqualTo(nib.get("sform_code").asInt());
            assertAffine(nib.get("affine"), h.geometry().voxelToWorld(), 1e-9);
            assertAffine(nib.get("qform"), h.qformAffine(), 2e-6);
            assertThat(h.geometry().orientation().code()).as(file).isEqualTo(nib.get("axcodes").asText());
            assertThat(h.effectiveSlope()).isEqualTo(nib.get("slope").asDouble());
            assertThat(h.effectiveInter()).isEqualTo(nib.get("inter").asDouble());
            assertSameValues(ours, file);
        }
    }
}
