package org.promptseg.jobs.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A promptseg driver in its own JVM ({@code bin/promptseg-submit}, which execs the JVM, so {@link #pid()}
 * is the driver's JVM). Its stdout and stderr go to {@code <name>.out} / {@code <name>.err} in the
 * cluster's log folder. Made by {@link LocalStandaloneCluster#submit}.
 */
public final class DriverProcess {
    private final String name;
    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private final Instant started;

    private DriverProcess(String name, Process process, Path stdout, Path stderr, Instant started) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.started = started;
    }

    static DriverProcess start(List<String> command, Path logDir, String name, Map<String, String> env) {
        try {
            Files.createDirectories(logDir);
            Path out = logDir.resolve(name + ".out");
            Path err = logDir.resolve(name + ".err");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().putAll(env);
            pb.environment().remove("SPARK_HOME"); // always the Maven-resolved Spark of this build
            pb.environment().remove("SPARK_CONF_DIR");
            Instant t = Instant.now();
            Process p = pb.start();
            LocalStandaloneCluster.log("submitted %s (pid %d): %s", name, p.pid(), String.join(" ", command));
            return new DriverProcess(name, p, out, err, t);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Instant started() {
        return started;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the driver to exit and returns its exit code; on timeout kills it and throws, quoting its stderr. */
    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new IllegalStateException(name + " did not finish within " + timeout + "; killed. stderr tail:\n" + tail(stderr(), 40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new IllegalStateException(e);
        }
        LocalStandaloneCluster.log("%s (pid %d) exited with %d after %.1f s", name, pid(), process.exitValue(),
                Duration.between(started, Instant.now()).toMillis() / 1000.0);
        return process.exitValue();
    }

    /**
     * Waits until a line of the driver's stdout or stderr matches {@code pattern} (e.g. a progress line
     * {@code round 2: ...}) and returns it: the moment to inject a fault into a running job. Fails when
     * the driver exits first or the time runs out.
     */
    public String awaitLine(java.util.regex.Pattern pattern, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean exited = !process.isAlive(); // read after checking, so the last lines of an exited driver are seen
            for (String text : List.of(stdout(), stderr())) {
                for (String line : text.lines().toList()) {
                    if (pattern.matcher(line).find()) {
                        LocalStandaloneCluster.log("%s printed: %s", name, line);
                        return line;
                    }
                }
            }
            if (exited) {
                throw new IllegalStateException(name + " exited (" + process.exitValue() + ") before printing a line matching " + pattern
                        + "; stderr tail:\n" + tail(stderr(), 40));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " printed no line matching " + pattern + " within " + timeout + "; stderr tail:\n"
                        + tail(stderr(), 40));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** kill -9 of the driver JVM (a lost driver); returns once it is gone. */
    public Instant kill() {
        Instant at = Instant.now();
        process.destroyForcibly();
        LocalStandaloneCluster.awaitGone(pid(), Duration.ofSeconds(20));
        LocalStandaloneCluster.log("killed %s (pid %d) at %s with SIGKILL", name, pid(), at);
        return at;
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    public Path stdoutFile() {
        return stdout;
    }

    public Path stderrFile() {
        return stderr;
    }

    static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
