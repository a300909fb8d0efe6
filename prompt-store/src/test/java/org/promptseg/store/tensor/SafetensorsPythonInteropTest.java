package org.promptseg.store.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our files as Python users read them. Needs python3 with numpy (Debian: python3-numpy), and runs the
 * reference-library checks too where the {@code safetensors} package is installed. The interpreter is
 * {@code python3}, or the one named by the PROMPTSEG_PYTHON environment variable. Skipped, saying why,
 * when neither is there.
 */
class SafetensorsPythonInteropTest {
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static String python;
    private static Path script;

    @TempDir
    Path dir;

    @BeforeAll
    static void findPython() throws Exception {
        python = System.getenv().getOrDefault("PROMPTSEG_PYTHON", "python3");
        script = Path.of(SafetensorsPythonInteropTest.class.getResource("safetensors_check.py").toURI());
    }

    private static Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        } catch (IOException e) {
            return new Result(-1, "", e.getMessage());
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("python did not finish in 60 s: " + cmd);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private static String[] with(String mode, List<String> args) {
        List<String> all = new ArrayList<>(List.of(mode));
        all.addAll(args);
        return all.toArray(String[]::new);
    }

    private record Result(int exit, String out, String err) {}

    private static void assumeNumpy() throws Exception {
        Result r = run("numpy");
        boolean missing = r.exit() == -1 || r.err().contains("No module named 'numpy'");
        assumeTrue(!missing, "skipped: no python3 with numpy (" + python + "); install the Debian package python3-numpy, "
                + "or point PROMPTSEG_PYTHON at an interpreter that has numpy");
    }

    private static void assumeReference() throws Exception {
        Result r = run("has-reference");
        assumeTrue(r.exit() == 0, "skipped: the Python safetensors package is not installed for " + python
                + " (only the numpy-only reader was checked)");
    }

    /** Every dtype numpy has (it has no bfloat16). */
    private static TensorSet numpyCompatible(long seed) {
        TensorSet.Builder b = TensorSet.builder();
        SafetensorsFormatTest.randomSet(seed).asMap().forEach((name, t) -> {
            if (t.dtype() != DType.BF16) {
                b.put(name, t);
            }
        });
        return b.build();
    }

    private void assertSummaryMatches(JsonNode summary, TensorSet set, Map<String, String> metadata) {
        assertThat(summary.get("__metadata__").properties()).hasSize(metadata.size());
        metadata.forEach((k, v) -> assertThat(summary.get("__metadata__").get(k).textValue()).isEqualTo(v));
        assertThat(summary.size() - 1).isEqualTo(set.size());
        set.asMap().forEach((name, t) -> {
            JsonNode s = summary.get(name);
            assertThat(s).as(name).isNotNull();
            List<Long> shape = new ArrayList<>();
            s.get("shape").forEach(d -> shape.add(d.longValue()));
            assertThat(shape).as(name).containsExactlyElementsOf(TensorSpec.of(t).shape());
            assertThat(s.get("hex").textValue()).as(name).isEqualTo(HexFormat.of().formatHex(t.copyOfData()));
            double[] expected = t.toDoubles();
            JsonNode values = s.get("values");
            assertThat(values.size()).as(name).isEqualTo(expected.length);
            for (int i = 0; i < expected.length; i++) {
                assertThat(Double.compare(values.get(i).doubleValue(), expected[i])).as(name + "[" + i + "]").isZero();
            }
        });
    }

    @Test
    @DisplayName("a numpy-only reader following the published rules gets every tensor, shape, value and the metadata")
    void numpyOnlyReader() throws Exception {
        assumeNumpy();
        List<String> files = new ArrayList<>();
        List<TensorSet> sets = new ArrayList<>();
        List<Map<String, String>> metadatas = new ArrayList<>();
        for (long seed = 1; seed <= 30; seed++) {
            TensorSet set = numpyCompatible(seed);
            Map<String, String> metadata = Map.of("promptseg.center", "center-" + seed, "note", "caf\u00e9 \"quoted\"");
            Path file = dir.resolve("s" + seed + ".safetensors");
            Files.write(file, Safetensors.toBytes(set, metadata));
            files.add(file.toString());
            sets.add(set);
            metadatas.add(metadata);
        }
        Result r = run(with("numpy", files));
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode summaries = JSON.readTree(r.out());
        for (int i = 0; i < sets.size(); i++) {
            assertSummaryMatches(summaries.get(i), sets.get(i), metadatas.get(i));
        }
    }

    @Test
    @DisplayName("the reference library loads our files, and re-saving them with it gives exactly our bytes")
    void referenceLibrary() throws Exception {
        assumeNumpy();
        assumeReference();
        List<String> files = new ArrayList<>();
        List<String> resaveArgs = new ArrayList<>();
        List<TensorSet> sets = new ArrayList<>();
        List<Map<String, String>> metadatas = new ArrayList<>();
        for (long seed = 1; seed <= 30; seed++) {
            TensorSet set = numpyCompatible(seed);
            // One metadata entry for byte equality: the reference writes metadata keys in hash order,
            // which changes from run to run, where we sort them.
            Map<String, String> metadata = Map.of("line", "seed " + seed + "\n\t\u0001");
            Path file = dir.resolve("r" + seed + ".safetensors");
            Files.write(file, Safetensors.toBytes(set, metadata));
            files.add(file.toString());
            resaveArgs.add(file.toString());
            resaveArgs.add(dir.resolve("r" + seed + "-resaved.safetensors").toString());
            sets.add(set);
            metadatas.add(metadata);
        }
        Result r = run(with("reference", files));
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode summaries = JSON.readTree(r.out());
        for (int i = 0; i < sets.size(); i++) {
            assertSummaryMatches(summaries.get(i), sets.get(i), metadatas.get(i));
        }
        Result w = run(with("resave", resaveArgs));
        assertThat(w.exit()).as(w.err()).isZero();
        for (int i = 0; i < files.size(); i++) {
            byte[] ours = Files.readAllBytes(Path.of(files.get(i)));
            byte[] theirs = Files.readAllBytes(Path.of(resaveArgs.get(2 * i + 1)));
            assertThat(HexFormat.of().formatHex(theirs)).as(files.get(i)).isEqualTo(HexFormat.of().formatHex(ours));
            assertThat(Safetensors.read(theirs, resaveArgs.get(2 * i + 1)).tensors()).isEqualTo(sets.get(i));
        }
    }
}
