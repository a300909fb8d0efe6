package org.promptseg.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/local-cluster/local-cluster.sh without starting Spark: usage errors, and the rule that stop
 * touches only processes that carry its run folder's marker. (Starting, status, restart-worker and stop
 * of a real cluster are exercised by the cluster tests through {@link LocalStandaloneCluster}.)
 */
@DisplayName("local-cluster.sh")
class LocalClusterScriptTest {
    private final List<Process> started = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void killWhatThisTestStarted() {
        for (Process p : started) {
            if (p.isAlive()) {
                System.out.println("[script-test] killing leftover test process " + p.pid());
                p.destroyForcibly();
            }
        }
    }

    record Result(int exit, String stdout, String stderr) {}

    static Result run(String... args) throws IOException, InterruptedException {
        Path script = LocalStandaloneCluster.projectRoot().resolve("deploy/local-cluster/local-cluster.sh");
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("script-", ".out");
        Path err = Files.createTempFile("script-", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("script finished").isTrue();
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Nested
    @DisplayName("usage")
    class Usage {
        @Test
        @DisplayName("help prints every command and option, exit 0")
        void help() throws Exception {
            Result r = run("help");
            assertThat(r.exit()).isZero();
            assertThat(r.stdout()).contains("start", "status", "stop", "restart-worker", "--workers", "--hdfs", "--master-port", "--run-dir");
        }

        @Test
        @DisplayName("no command: usage on stderr, exit 2")
        void noCommand() throws Exception {
            Result r = run();
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.stderr()).contains("Usage:");
        }

        @Test
        @DisplayName("unknown command, unknown option and bad values are named, exit 2")
        void badArguments() throws Exception {
            Result cmd = run("launch");
            assertThat(cmd.exit()).isEqualTo(2);
            assertThat(cmd.stderr()).contains("unknown command 'launch'");

            Result opt = run("start", "--run-dir", tmp.toString(), "--wrokers", "2");
            assertThat(opt.exit()).isEqualTo(2);
            assertThat(opt.stderr()).contains("unknown option '--wrokers'");

            Result port = run("start", "--run-dir", tmp.toString(), "--master-port", "0");
            assertThat(port.exit()).isEqualTo(2);
            assertThat(port.stderr()).contains("--master-port wants a port 1-65535, got '0'");

            Result workers = run("start", "--run-dir", tmp.toString(), "--workers", "two");
            assertThat(workers.exit()).isEqualTo(2);
            assertThat(workers.stderr()).contains("--workers wants a positive integer, got 'two'");

            Result mem = run("start", "--run-dir", tmp.toString(), "--worker-memory", "2");
            assertThat(mem.exit()).isEqualTo(2);
            assertThat(mem.stderr()).contains("--worker-memory wants a size");

            Result missing = run("start", "--run-dir");
            assertThat(missing.exit()).isEqualTo(2);
            assertThat(missing.stderr()).contains("option --run-dir needs a value");

            Result restart = run("restart-worker", "--run-dir", tmp.toString());
            assertThat(restart.exit()).isEqualTo(2);
            assertThat(restart.stderr()).contains("restart-worker needs the worker number");
        }

        @Test
        @DisplayName("status and stop of a folder where nothing was started fail with exit 1 and say so")
        void nothingStarted() throws Exception {
            Result status = run("status", "--run-dir", tmp.resolve("nothing").toString());
            assertThat(status.exit()).isEqualTo(1);
            assertThat(status.stderr()).contains("no run folder");

            Result statusEmpty = run("status", "--run-dir", tmp.toString());
            assertThat(statusEmpty.exit()).isEqualTo(1);
            assertThat(statusEmpty.stderr()).contains("no cluster in");
        }
    }

    @Nested
    @DisplayName("stop")
    class Stop {
        /** A process whose command line carries (or not) the run folder's marker, as the script's JVMs do. */
        Process fake(Path runDir, boolean withMarker) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("bash", "-c", "trap 'exit 0' TERM; while :; do sleep 0.1; done"));
            cmd.add(withMarker ? "-Dpromptseg.local-cluster=" + runDir.toAbsolutePath() : "-Dsomething.else=" + runDir.toAbsolutePath());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            started.add(p);
            System.out.println("[script-test] started fake daemon pid " + p.pid() + (withMarker ? " with" : " without") + " the marker");
            return p;
        }

        @Test
        @DisplayName("terminates the recorded processes that carry this run folder's marker, and leaves a reused PID alone")
        void onlyOwnProcesses() throws Exception {
            Path run = Files.createDirectories(tmp.resolve("run"));
            Files.createDirectories(run.resolve("pids"));
            Process ours = fake(run, true);
            Process stranger = fake(run, false); // e.g. a PID the OS reused for someone else's process
            Files.writeString(run.resolve("pids/worker-1.pid"), ours.pid() + "\n");
            Files.writeString(run.resolve("pids/worker-2.pid"), stranger.pid() + "\n");

            Result r = run("stop", "--run-dir", run.toString());
            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(ours.waitFor(10, TimeUnit.SECONDS)).as("our process stopped").isTrue();
            assertThat(stranger.isAlive()).as("the stranger was left alone").isTrue();
            assertThat(r.stdout()).contains("stopping worker-1 (pid " + ours.pid(), "worker-2 (pid " + stranger.pid() + ") is not running",
                    "stopped 1 process(es)");
            assertThat(run.resolve("pids")).isEmptyDirectory();

            stranger.destroyForcibly();
            assertThat(stranger.waitFor(10, TimeUnit.SECONDS)).isTrue();
            System.out.println("[script-test] killed the stranger " + stranger.pid() + " ourselves");
        }
    }
}
