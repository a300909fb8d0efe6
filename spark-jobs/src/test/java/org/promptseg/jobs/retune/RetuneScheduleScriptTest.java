package org.promptseg.jobs.retune;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.jobs.cluster.LocalStandaloneCluster;

/**
 * {@code deploy/schedule/retune.sh}, the cron wrapper, against a stand-in launcher that records its arguments and
 * answers with a chosen exit code and output (the real command is covered by {@link RetuneScheduleTest}).
 */
@DisplayName("deploy/schedule/retune.sh")
class RetuneScheduleScriptTest {
    @TempDir
    Path tmp;
    Path launcher;

    @BeforeEach
    void standIn() throws IOException {
        launcher = tmp.resolve("promptseg-stand-in");
        Files.writeString(launcher, """
                #!/bin/bash
                printf '%s\\n' "$@" > "$ARGS_FILE"
                [[ -n "${HOLD:-}" ]] && sleep "$HOLD"
                echo "[retune] cases hashed 3/3"
                echo "retune run retune-x on backbone abc (scan 1.0 s, total 9.0 s)"
                echo "  c2         new             no production prompts"
                echo "results:"
                echo "  c2         rejected    candidate 0001 kept as candidate: gain -1.00 pp"
                echo "[retune] c2 rejected"
                echo "report: file:/store/runs/retune-x/index.html"
                echo "exit code $FAKE_EXIT"
                exit "$FAKE_EXIT"
                """);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    record Result(int exit, String out, String err, List<String> args) {}

    Process start(int fakeExit, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("/bin/bash", LocalStandaloneCluster.projectRoot().resolve("deploy/schedule/retune.sh").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("PROMPTSEG_"));
        pb.environment().putAll(Map.of("PROMPTSEG_BIN", launcher.toString(), "PROMPTSEG_LOG_DIR", tmp.resolve("logs").toString(),
                "ARGS_FILE", tmp.resolve("args-" + fakeExit).toString(), "FAKE_EXIT", Integer.toString(fakeExit)));
        pb.environment().putAll(env);
        pb.redirectOutput(tmp.resolve("out-" + fakeExit).toFile()).redirectError(tmp.resolve("err-" + fakeExit).toFile());
        return pb.start();
    }

    Result finish(Process p, int fakeExit) throws Exception {
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Path args = tmp.resolve("args-" + fakeExit);
        return new Result(p.exitValue(), Files.readString(tmp.resolve("out-" + fakeExit)), Files.readString(tmp.resolve("err-" + fakeExit)),
                Files.exists(args) ? Files.readAllLines(args) : List.of());
    }

    Result run(int fakeExit, Map<String, String> env, String... args) throws Exception {
        return finish(start(fakeExit, env, args), fakeExit);
    }

    List<Path> logs() throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("logs"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
        }
    }

    @Test
    @DisplayName("passes the options to 'retune', keeps the whole output in a log, and is silent on exit 0")
    void silentOnSuccess() throws Exception {
        Result r = run(0, Map.of(), "--collection", "hdfs://nn/c", "--store", "hdfs://nn/s");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
        assertThat(r.args()).containsExactly("retune", "--collection", "hdfs://nn/c", "--store", "hdfs://nn/s");
        assertThat(logs()).singleElement().satisfies(log -> assertThat(Files.readString(log)).contains("[retune] cases hashed", "exit code 0"));
    }

    @Test
    @DisplayName("on exit 3 prints the results and the report (cron mails them) and exits 3")
    void refusal() throws Exception {
        Result r = run(3, Map.of(), "--collection", "c", "--store", "s");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).contains("a candidate was not promoted (exit 3)", "c2         rejected", "report: file:/store/runs/retune-x/index.html")
                .doesNotContain("[retune]", "no production prompts");
    }

    @Test
    @DisplayName("on a failure prints the end of the log and exits with promptseg's code")
    void failure() throws Exception {
        Result r = run(4, Map.of(), "--collection", "c", "--store", "s");
        assertThat(r.exit()).isEqualTo(4);
        assertThat(r.out()).contains("FAILED (exit 4)", "[retune] cases hashed", logs().get(0).toString());
    }

    @Test
    @DisplayName("goes through promptseg-submit's options when PROMPTSEG_SUBMIT_ARGS is set")
    void submitArgs() throws Exception {
        Result r = run(0, Map.of("PROMPTSEG_SUBMIT_ARGS", "--properties-file /etc/promptseg/spark-defaults.conf"), "--collection", "c", "--store", "s");
        assertThat(r.args()).containsExactly("--properties-file", "/etc/promptseg/spark-defaults.conf", "retune", "--collection", "c", "--store", "s");
    }

    @Test
    @DisplayName("a second start while one runs on this host exits 0 at once, without running promptseg")
    void onePerHost() throws Exception {
        Process first = start(0, Map.of("HOLD", "3"), "--collection", "c", "--store", "s");
        Path firstArgs = tmp.resolve("args-0");
        for (int i = 0; i < 100 && !Files.exists(firstArgs); i++) {
            Thread.sleep(50);
        }
        assertThat(firstArgs).as("the first run started").exists();
        Result second = run(5, Map.of(), "--collection", "c", "--store", "s");
        assertThat(second.exit()).isZero();
        assertThat(second.out()).isEmpty();
        assertThat(second.args()).as("promptseg did not run").isEmpty();
        assertThat(finish(first, 0).exit()).isZero();
    }

    @Test
    @DisplayName("without options prints its usage and exits 2")
    void usage() throws Exception {
        Result r = run(0, Map.of());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--collection URI --store URI", "exit 3");
        assertThat(r.args()).isEmpty();
    }
}
