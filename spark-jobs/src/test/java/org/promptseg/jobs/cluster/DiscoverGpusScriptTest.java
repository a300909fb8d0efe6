package org.promptseg.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/gpu/discover-gpus.sh fed canned nvidia-smi output: a fake {@code nvidia-smi} (a real
 * executable) is the only program on PATH, so whatever GPUs the test machine has do not matter.
 */
@DisplayName("GPU discovery script (Spark resource format)")
class DiscoverGpusScriptTest {
    @TempDir
    Path tmp;

    record Result(int exit, String stdout, String stderr, String nvidiaSmiArgs) {
        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(stdout);
        }

        List<String> addresses() throws IOException {
            List<String> a = new ArrayList<>();
            json().path("addresses").forEach(n -> a.add(n.isTextual() ? n.textValue() : "NOT A STRING: " + n));
            return a;
        }
    }

    /** Runs the script with a fake nvidia-smi that prints {@code output} and exits with {@code exitCode}; null = no nvidia-smi at all. */
    Result discover(String output, int exitCode) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path argsFile = tmp.resolve("nvidia-smi.args");
        if (output != null) {
            Path data = tmp.resolve("nvidia-smi.out");
            Files.writeString(data, output);
            Path fake = bin.resolve("nvidia-smi");
            // bash builtins only: PATH holds nothing but this folder
            Files.writeString(fake, "#!/bin/bash\necho \"$*\" > '" + argsFile + "'\nwhile IFS= read -r l || [[ -n \"$l\" ]]; do printf '%s\\n' \"$l\"; done < '"
                    + data + "'\nexit " + exitCode + "\n");
            Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path script = LocalStandaloneCluster.projectRoot().resolve("deploy/gpu/discover-gpus.sh");
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", script.toString()).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("PATH", bin.toString());
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err), Files.exists(argsFile) ? Files.readString(argsFile).trim() : null);
    }

    @Test
    @DisplayName("four GPUs: their indices as strings, in Spark's JSON format; nvidia-smi asked for indices only, as CSV without header")
    void fourGpus() throws Exception {
        Result r = discover("0\n1\n2\n3\n", 0);
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.json().path("name").asText()).isEqualTo("gpu");
        assertThat(r.addresses()).containsExactly("0", "1", "2", "3");
        assertThat(r.nvidiaSmiArgs()).isEqualTo("--query-gpu=index --format=csv,noheader");
        assertThat(r.stdout().lines().count()).as("one JSON object on one line").isEqualTo(1);
    }

    @Test
    @DisplayName("one GPU, with stray spaces and a CRLF line end: [\"0\"]")
    void oneGpu() throws Exception {
        Result r = discover(" 0 \r\n", 0);
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.addresses()).containsExactly("0");
    }

    @Test
    @DisplayName("no GPU (empty output, or nvidia-smi's 'No devices were found' with its exit code 6): an empty address list, exit 0")
    void noGpu() throws Exception {
        Result empty = discover("", 0);
        assertThat(empty.exit()).as(empty.stderr()).isZero();
        assertThat(empty.json().path("name").asText()).isEqualTo("gpu");
        assertThat(empty.json().path("addresses").isArray()).isTrue();
        assertThat(empty.addresses()).isEmpty();

        Result none = discover("No devices were found\n", 6);
        assertThat(none.exit()).as(none.stderr()).isZero();
        assertThat(none.addresses()).isEmpty();
    }

    @Test
    @DisplayName("nvidia-smi failing (driver not loaded): exit 1, nothing on stdout, its message and exit code on stderr")
    void nvidiaSmiFails() throws Exception {
        String msg = "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.";
        Result r = discover(msg + "\n", 9);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).contains("nvidia-smi failed with exit code 9", "couldn't communicate with the NVIDIA driver");
    }

    @Test
    @DisplayName("no nvidia-smi on PATH: exit 1 with a message saying so")
    void nvidiaSmiMissing() throws Exception {
        Result r = discover(null, 0);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).contains("nvidia-smi not found on PATH");
    }

    @Test
    @DisplayName("output that is not a list of indices is refused rather than passed to Spark")
    void garbage() throws Exception {
        Result r = discover("GPU 0: NVIDIA A100-SXM4-40GB (UUID: GPU-5c3b)\n", 0);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).contains("unexpected line", "expected a GPU index");
    }
}
