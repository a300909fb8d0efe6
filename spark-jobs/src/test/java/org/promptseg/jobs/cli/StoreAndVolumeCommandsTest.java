package org.promptseg.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.common.Uris;
import org.promptseg.store.BackboneDescription;
import org.promptseg.store.BackboneIds;
import org.promptseg.store.PromptPublication;
import org.promptseg.store.PromptStore;
import org.promptseg.store.tensor.Tensor;
import org.promptseg.store.tensor.TensorSet;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.Shape;
import org.promptseg.volume.Volume;
import org.promptseg.volume.nifti.NiftiDatatype;
import org.promptseg.volume.nifti.NiftiEncoding;
import org.promptseg.volume.nifti.NiftiWriter;

@DisplayName("store and volume commands")
class StoreAndVolumeCommandsTest {
    @TempDir
    Path dir;

    @Nested
    @DisplayName("promptseg store")
    class Store {
        String storeWithTwoVersions() throws IOException {
            String uri = dir.resolve("store").toString();
            PromptStore s = PromptStore.open(uri);
            TensorSet params = TensorSet.of("w", Tensor.ofFloats(new long[] {2}, 1f, 2f));
            String sha = BackboneIds.compute("{\"arch\":1}", params);
            s.putBackbone(sha, new ByteArrayInputStream(new byte[] {1, 2, 3}),
                    new BackboneDescription("tiny", List.of("background", "liver"), List.of(32, 32, 32), 2, null, null, null), null);
            for (float v : new float[] {0.5f, 0.25f}) {
                s.publish(PromptPublication.builder("c1", sha, TensorSet.of("deep/tokens", Tensor.ofFloats(new long[] {1, 2}, v, v))).build());
            }
            return uri;
        }

        @Test
        @DisplayName("list, promote, rollback and verify work on a real store")
        void lifecycle() throws IOException {
            String uri = storeWithTwoVersions();
            CliRun list = CliRun.of("store", "list", "--store", uri, "--json");
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out()).contains("\"c1\"").contains("0001").contains("0002");
            assertThat(CliRun.of("store", "promote", "--store", uri, "--center", "c1", "--version", "0001").exitCode()).isZero();
            assertThat(CliRun.of("store", "promote", "--store", uri, "--center", "c1", "--version", "0002").exitCode()).isZero();
            CliRun back = CliRun.of("store", "rollback", "--store", uri, "--center", "c1");
            assertThat(back.exitCode()).as(back.err()).isZero();
            assertThat(back.out()).contains("production -> 0001");
            CliRun diff = CliRun.of("store", "diff", "--store", uri, "--center", "c1", "0001", "0002");
            assertThat(diff.exitCode()).as(diff.err()).isZero();
            assertThat(diff.out()).contains("deep/tokens");
            assertThat(CliRun.of("store", "verify", "--store", uri).exitCode()).isZero();
        }

        @Test
        @DisplayName("verify exits 1 and names the file when a tensor file is corrupted")
        void verifyFindsCorruption() throws IOException {
            String uri = storeWithTwoVersions();
            Path tensors;
            try (var files = Files.walk(Path.of(uri))) {
                tensors = files.filter(p -> p.toString().endsWith("0002/prompts.safetensors")).findFirst().orElseThrow();
            }
            try (RandomAccessFile f = new RandomAccessFile(tensors.toFile(), "rw")) {
                f.seek(f.length() - 1);
                f.write(42);
            }
            CliRun r = CliRun.of("store", "verify", "--store", uri);
            assertThat(r.exitCode()).isEqualTo(ExitCodes.PROBLEMS_FOUND);
            assertThat(r.out()).contains("0002");
        }

        @Test
        @DisplayName("an invalid center id is a usage error (exit 2) before any I/O")
        void invalidCenter() throws IOException {
            CliRun r = CliRun.of("store", "show", "--store", storeWithTwoVersions(), "--center", "../etc");
            assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("../etc").doesNotContain("\tat ");
        }
    }

    @Nested
    @DisplayName("promptseg volume")
    class VolumeCommands {
        String writeVolume() throws IOException {
            Path file = dir.resolve("ct.nii.gz");
            short[] hu = new short[4 * 5 * 6];
            for (int i = 0; i < hu.length; i++) {
                hu[i] = (short) (i * 10 - 500);
            }
            Volume v = Volume.ofShorts(new Shape(4, 5, 6), Geometry.axisAligned(0.8, 0.8, 2.5, -10, 20, 30), hu);
            new NiftiWriter(new Configuration()).write(Uris.toPath(file.toString()), v, NiftiEncoding.of(NiftiDatatype.INT16), false);
            return file.toString();
        }

        @Test
        @DisplayName("info describes dims, spacing and value range")
        void info() throws IOException {
            CliRun r = CliRun.of("volume", "info", writeVolume(), "--json");
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("int16").contains("2.5").contains("-500").contains("690");
        }

        @Test
        @DisplayName("convert writes another datatype and the result describes the same values")
        void convert() throws IOException {
            String out = dir.resolve("ct-f32.nii").toString();
            CliRun r = CliRun.of("volume", "convert", writeVolume(), out, "--datatype", "float32");
            assertThat(r.exitCode()).as(r.err()).isZero();
            CliRun info = CliRun.of("volume", "info", out);
            assertThat(info.out()).contains("float32").contains("690");
        }

        @Test
        @DisplayName("a file that is not NIfTI fails with exit 4 and a message naming it, without a stack trace")
        void notNifti() throws IOException {
            Path bad = Files.writeString(dir.resolve("notes.nii"), "this is not a NIfTI file, just text padding to be long enough ".repeat(10));
            CliRun r = CliRun.of("volume", "info", bad.toString());
            assertThat(r.exitCode()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
            assertThat(r.err()).contains("notes.nii").doesNotContain("\tat ");
        }

        @Test
        @DisplayName("an unknown datatype is a usage error")
        void badDatatype() throws IOException {
            CliRun r = CliRun.of("volume", "convert", writeVolume(), dir.resolve("x.nii").toString(), "--datatype", "float16");
            assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("float16");
        }
    }
}
