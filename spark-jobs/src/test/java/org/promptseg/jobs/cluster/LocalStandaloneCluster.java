package org.promptseg.jobs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on 127.0.0.1 for tests: a master and N workers in separate JVMs
 * (optionally an HDFS namenode + datanode), started and stopped by {@code deploy/local-cluster/local-cluster.sh},
 * so every test that uses this class also tests the script.
 *
 * <pre>{@code
 * try (LocalStandaloneCluster cluster = LocalStandaloneCluster.builder().workers(2).hdfs(true).start()) {
 *     SparkConf conf = new SparkConf(false).setAll(cluster.driverProperties());     // a driver in this JVM, or
 *     DriverProcess d = cluster.submit(List.of(), "doctor", "--json");              // a driver in its own JVM
 *     KilledWorker k = cluster.killWorker(1);                                       // kill -9 worker 1 + its executors
 * }
 * }</pre>
 *
 * <p>Workers are numbered from 1, like their logs and PID files in the run folder. Everything the
 * cluster started is gone after {@link #close()} (verified, and forced if the script left anything);
 * a shutdown hook and the script's watchdog on this JVM's PID stop it even when a test aborts. Each
 * step is printed ({@code [cluster] ...}) so a test's output says what was started and killed, and when.
 */
public final class LocalStandaloneCluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final Path runDir;
    private final int workers;
    private final Map<String, String> env;
    private final Map<String, String> properties;
    private final Set<Long> everStarted = Collections.synchronizedSet(new LinkedHashSet<>());
    private final Thread shutdownHook;
    private final List<DriverProcess> drivers = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    /** A live executor JVM, a child of a worker JVM. */
    public record ExecutorProcess(int worker, long pid, String executorId, String appId) {}

    /** What {@link #killWorker(int)} killed, and when. */
    public record KilledWorker(int worker, long workerPid, List<ExecutorProcess> executors, Instant at) {
        public Set<String> executorIds() {
            return executors.stream().map(ExecutorProcess::executorId).collect(Collectors.toCollection(LinkedHashSet::new));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Cluster shape; every field has a default fit for 2 cores and tests. */
    public static final class Builder {
        private int workers = 2;
        private int workerCores = 1;
        private String workerMemory = "2g";
        private String executorMemory = "1g";
        private boolean hdfs;
        private Duration startTimeout = Duration.ofSeconds(180);
        private String name = "cluster";

        public Builder workers(int n) {
            this.workers = n;
            return this;
        }

        public Builder workerCores(int n) {
            this.workerCores = n;
            return this;
        }

        public Builder workerMemory(String size) {
            this.workerMemory = size;
            return this;
        }

        public Builder executorMemory(String size) {
            this.executorMemory = size;
            return this;
        }

        public Builder hdfs(boolean on) {
            this.hdfs = on;
            return this;
        }

        public Builder startTimeout(Duration d) {
            this.startTimeout = d;
            return this;
        }

        /** Prefix of the run folder under java.io.tmpdir (the test's name helps reading leftovers). */
        public Builder name(String n) {
            this.name = n;
            return this;
        }

        public LocalStandaloneCluster start() {
            return LocalStandaloneCluster.start(this);
        }
    }

    private LocalStandaloneCluster(Path root, Path runDir, int workers, Map<String, String> env, Map<String, String> properties,
                                   Thread shutdownHook) {
        this.root = root;
        this.runDir = runDir;
        this.workers = workers;
        this.env = env;
        this.properties = properties;
        this.shutdownHook = shutdownHook;
    }

    private static LocalStandaloneCluster start(Builder b) {
        Path root = projectRoot();
        Path runDir;
        try {
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(tmp);
            runDir = Files.createTempDirectory(tmp, b.name + "-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a run folder for the local cluster", e);
        }
        List<String> args = new ArrayList<>(List.of("start", "--run-dir", runDir.toString(),
                "--workers", Integer.toString(b.workers), "--worker-cores", Integer.toString(b.workerCores),
                "--worker-memory", b.workerMemory, "--executor-memory", b.executorMemory,
                "--master-port", Integer.toString(freePort()), "--master-ui-port", Integer.toString(freePort()),
                "--worker-port", "0", "--worker-ui-port", "0",
                "--timeout", Long.toString(b.startTimeout.toSeconds()),
                "--stop-when-gone", Long.toString(ProcessHandle.current().pid())));
        if (b.hdfs) {
            args.addAll(List.of("--hdfs", "--hdfs-port", "0", "--hdfs-http-port", "0"));
        }
        // The hook exists before anything starts: a test JVM that is interrupted mid-start still stops what was started.
        Path script = script(root);
        Thread hook = new Thread(() -> stopQuietly(script, runDir), "local-cluster-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        long t0 = System.nanoTime();
        log("starting %d workers%s in %s", b.workers, b.hdfs ? " and HDFS" : "", runDir);
        ScriptResult r = runScript(script, args, b.startTimeout.plusSeconds(60));
        if (r.exitCode != 0) {
            stopQuietly(script, runDir);
            removeHook(hook);
            throw new IllegalStateException("local-cluster.sh start failed (exit " + r.exitCode + ") in " + runDir + ":\n" + r.output);
        }
        Map<String, String> env = readEnv(runDir.resolve("cluster.env"));
        Map<String, String> props = readProperties(runDir.resolve("spark-defaults.conf"));
        try {
            snapshotApplication(root, runDir.resolve("app"));
        } catch (RuntimeException e) {
            stopQuietly(script, runDir);
            removeHook(hook);
            throw e;
        }
        LocalStandaloneCluster c = new LocalStandaloneCluster(root, runDir, b.workers, env, props, hook);
        c.everStarted.add(c.masterPid());
        c.everStarted.addAll(c.workerPids());
        c.hdfsPid().ifPresent(c.everStarted::add);
        log("started in %.1f s: master %s (pid %d), workers %s%s", (System.nanoTime() - t0) / 1e9, c.masterUrl(), c.masterPid(),
                c.workerPids(), c.hdfsUri().map(u -> ", HDFS " + u + " (pid " + c.hdfsPid().orElse(-1L) + ")").orElse(""));
        return c;
    }

    // ---- what tests read ---------------------------------------------------------------------------

    public String masterUrl() {
        return env.get("MASTER_URL");
    }

    public URI masterWebUi() {
        return URI.create(env.get("MASTER_WEB_UI"));
    }

    /** hdfs://127.0.0.1:PORT when started with HDFS. */
    public Optional<String> hdfsUri() {
        String u = env.getOrDefault("HDFS_URI", "");
        return u.isEmpty() ? Optional.empty() : Optional.of(u);
    }

    public Path runDir() {
        return runDir;
    }

    /** The spark-defaults.conf the script wrote: what {@code promptseg-submit --properties-file} reads. */
    public Path propertiesFile() {
        return runDir.resolve("spark-defaults.conf");
    }

    /** The properties of {@link #propertiesFile()}, as written. */
    public Map<String, String> sparkProperties() {
        return properties;
    }

    /**
     * Spark properties for a driver running in this test JVM: the cluster's properties, with the
     * project's classes (assembly jar) and the test classes added to the executors' classpath, since
     * a test driver has no application jar for Spark to ship.
     */
    public Map<String, String> driverProperties() {
        Map<String, String> p = new LinkedHashMap<>(properties);
        p.put("spark.executor.extraClassPath", properties.get("spark.executor.extraClassPath") + ":" + appJar() + ":" + testClassesJar());
        return p;
    }

    /**
     * This cluster's copy of the assembly jar, taken at start: other builds in the same checkout may
     * rewrite spark-jobs/target while a test runs, and an executor opening a half-written jar fails
     * with ClassNotFoundException.
     */
    public Path appJar() {
        return runDir.resolve("app/promptseg-spark-jobs-assembly.jar");
    }

    /** The test classes (spark-jobs/target/test-classes) as a jar taken at start, for executors of test drivers. */
    public Path testClassesJar() {
        return runDir.resolve("app/test-classes.jar");
    }

    public int workers() {
        return workers;
    }

    public long masterPid() {
        return readPid("master");
    }

    public Optional<Long> hdfsPid() {
        return Files.exists(runDir.resolve("pids/hdfs.pid")) ? Optional.of(readPid("hdfs")) : Optional.empty();
    }

    /** PID of worker {@code i} (1-based) as recorded when it started. */
    public long workerPid(int i) {
        checkWorker(i);
        return readPid("worker-" + i);
    }

    public List<Long> workerPids() {
        List<Long> pids = new ArrayList<>();
        for (int i = 1; i <= workers; i++) {
            pids.add(readPid("worker-" + i));
        }
        return pids;
    }

    public boolean isWorkerAlive(int i) {
        checkWorker(i);
        return ProcessHandle.of(workerPid(i)).map(ProcessHandle::isAlive).orElse(false);
    }

    /** The executor JVMs worker {@code i} runs right now (its child processes with an executor id). */
    public List<ExecutorProcess> executors(int i) {
        checkWorker(i);
        Optional<ProcessHandle> worker = ProcessHandle.of(workerPid(i));
        if (worker.isEmpty()) {
            return List.of();
        }
        List<ExecutorProcess> out = new ArrayList<>();
        worker.get().descendants().forEach(ph -> {
            List<String> cmd = commandLine(ph.pid());
            String id = argAfter(cmd, "--executor-id");
            if (id != null) {
                out.add(new ExecutorProcess(i, ph.pid(), id, argAfter(cmd, "--app-id")));
                everStarted.add(ph.pid());
            }
        });
        return out;
    }

    /** Waits until worker {@code i} runs at least one executor JVM and returns them (e.g. to kill a worker only once it has work). */
    public List<ExecutorProcess> awaitExecutors(int i, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ExecutorProcess> found;
        while ((found = executors(i)).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("worker " + i + " started no executor within " + timeout);
            }
            sleep(200);
        }
        return found;
    }

    /** Executor ids running on worker {@code i} now. */
    public Set<String> executorIds(int i) {
        return executors(i).stream().map(ExecutorProcess::executorId).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** Workers the master reports ALIVE (from its web UI's JSON). */
    public int aliveWorkers() {
        return masterState().path("aliveworkers").asInt(-1);
    }

    /** Waits until the master reports exactly {@code n} workers ALIVE; returns how long that took. */
    public Duration awaitAliveWorkers(int n, Duration timeout) {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        int seen;
        while ((seen = aliveWorkers()) != n) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the master reports " + seen + " alive workers, not " + n + ", after " + timeout);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** The master's state as its web UI serves it at {@code /json/} (workers, apps, cores). */
    public JsonNode masterState() {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(masterWebUi().resolve("/json/")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("master web UI answered " + r.statusCode() + " at " + masterWebUi());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the master's state at " + masterWebUi(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Output of {@code local-cluster.sh status} (exit code 0 when everything started is running). */
    public ScriptResult status() {
        return runScript(script(root), List.of("status", "--run-dir", runDir.toString()), Duration.ofSeconds(30));
    }

    /** The log of executor {@code e} ({@code executors/worker-i/<app>/<executor>/stderr}): Spark logs every task it starts and finishes there. */
    public Path executorLog(ExecutorProcess e) {
        return runDir.resolve("executors/worker-" + e.worker()).resolve(e.appId()).resolve(e.executorId()).resolve("stderr");
    }

    /**
     * The task executor {@code e} is running right now, as its log says: the last "Running task ... (TID n)" line
     * without a "Finished task ... (TID n)" line. A driver in its own JVM cannot host a {@link TaskProbe}; this is
     * how a test sees from outside that a fault will hit work in progress.
     */
    public Optional<String> runningTask(ExecutorProcess e) {
        List<String> lines;
        try {
            lines = Files.exists(executorLog(e)) ? Files.readAllLines(executorLog(e), StandardCharsets.UTF_8) : List.of();
        } catch (IOException ex) {
            return Optional.empty(); // being rotated or written: look again later
        }
        Map<String, String> running = new LinkedHashMap<>();
        java.util.regex.Pattern tid = java.util.regex.Pattern.compile("\\(TID (\\d+)\\)");
        for (String line : lines) {
            java.util.regex.Matcher m = tid.matcher(line);
            if (!m.find()) {
                continue;
            }
            if (line.contains("Running task ")) {
                running.put(m.group(1), line.substring(line.indexOf("Running task ")));
            } else if (line.contains("Finished task ") || line.contains("killed task") || line.contains("Exception in task ")) {
                running.remove(m.group(1));
            }
        }
        return running.values().stream().reduce((a, b) -> b);
    }

    /**
     * The lines matching {@code pattern} in every executor log of application {@code appId}, on every worker, those of
     * killed executors included: how a test sees from outside which task attempts ran where.
     */
    public List<String> executorLogLines(String appId, java.util.regex.Pattern pattern) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= workers; i++) {
            Path app = runDir.resolve("executors/worker-" + i).resolve(appId);
            if (!Files.isDirectory(app)) {
                continue;
            }
            try (Stream<Path> logs = Files.list(app)) {
                for (Path log : logs.map(d -> d.resolve("stderr")).filter(Files::isRegularFile).sorted().toList()) {
                    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                        if (pattern.matcher(line).find()) {
                            out.add(line);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the executor logs of " + appId + " in " + app, e);
            }
        }
        return out;
    }

    /** Waits until one of {@code executors} runs a task ({@link #runningTask}); returns it with the task's description. */
    public Map.Entry<ExecutorProcess, String> awaitRunningTask(List<ExecutorProcess> executors, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (ExecutorProcess e : executors) {
                Optional<String> task = runningTask(e);
                if (task.isPresent()) {
                    log("executor %s (pid %d, worker %d) is running: %s", e.executorId(), e.pid(), e.worker(), task.get());
                    return Map.entry(e, task.get());
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("none of the executors " + executors + " started a task within " + timeout);
            }
            sleep(20);
        }
    }

    // ---- faults ------------------------------------------------------------------------------------

    /**
     * kill -9 of worker {@code i}'s JVM and of its executor JVMs (found as the worker's child processes
     * just before the kill); returns once all of them are gone. The master notices the lost worker after
     * its heartbeat timeout; drivers notice the lost executors at once.
     */
    public KilledWorker killWorker(int i) {
        checkWorker(i);
        long pid = workerPid(i);
        ProcessHandle worker = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("worker " + i + " (pid " + pid + ") is not running"));
        List<ExecutorProcess> executors = executors(i);
        Instant at = Instant.now();
        worker.destroyForcibly(); // SIGKILL: no shutdown hook, exactly like a crashed machine's JVM
        for (ExecutorProcess e : executors) {
            ProcessHandle.of(e.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
        awaitGone(pid, Duration.ofSeconds(20));
        for (ExecutorProcess e : executors) {
            awaitGone(e.pid(), Duration.ofSeconds(20));
        }
        log("killed worker %d at %s with SIGKILL: worker pid %d, executors %s", i, at, pid,
                executors.stream().map(e -> "id " + e.executorId() + " pid " + e.pid()).toList());
        return new KilledWorker(i, pid, executors, at);
    }

    /**
     * Starts worker {@code i} again after it died or was killed ({@code local-cluster.sh restart-worker}),
     * with its original cores and memory; returns its new PID once it registered with the master.
     */
    public long restartWorker(int i) {
        checkWorker(i);
        ScriptResult r = runScript(script(root), List.of("restart-worker", Integer.toString(i), "--run-dir", runDir.toString()), Duration.ofSeconds(240));
        if (r.exitCode != 0) {
            throw new IllegalStateException("local-cluster.sh restart-worker " + i + " failed (exit " + r.exitCode + "):\n" + r.output);
        }
        long pid = workerPid(i);
        everStarted.add(pid);
        return pid;
    }

    // ---- drivers in their own JVM ------------------------------------------------------------------

    /**
     * Submits a promptseg command with {@code bin/promptseg-submit} and this cluster's properties file
     * (a driver JVM of its own, client mode). Output goes to files in the run folder; the driver is
     * killed on {@link #close()} if still running.
     *
     * @param submitOptions spark-submit options placed before the command (e.g. {@code --conf k=v})
     * @param command       the promptseg command and its options, e.g. {@code doctor --json}
     */
    public DriverProcess submit(List<String> submitOptions, String... command) {
        return submit("driver-" + (drivers.size() + 1), submitOptions, command);
    }

    /** {@link #submit(List, String...)} with a name for the driver's log files and the test output (e.g. {@code tune-ref}). */
    public DriverProcess submit(String name, List<String> submitOptions, String... command) {
        List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("bin/promptseg-submit").toString(),
                "--properties-file", propertiesFile().toString()));
        cmd.addAll(submitOptions);
        cmd.addAll(List.of(command));
        DriverProcess d = DriverProcess.start(cmd, runDir.resolve("logs"), name, Map.of("PROMPTSEG_HEAP", "1g", "PROMPTSEG_JAR", appJar().toString()));
        drivers.add(d);
        everStarted.add(d.pid());
        return d;
    }

    // ---- shutdown ----------------------------------------------------------------------------------

    /** Stops everything started (drivers, workers with their executors, master, HDFS) and verifies it is gone. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 1; i <= workers; i++) {
            executors(i); // remember executor PIDs so that the check below covers them too
        }
        for (DriverProcess d : drivers) {
            if (d.isAlive()) {
                log("driver %s (pid %d) still running at close: SIGKILL", d.name(), d.pid());
                d.kill();
            }
        }
        ScriptResult r = runScript(script(root), List.of("stop", "--run-dir", runDir.toString()), Duration.ofSeconds(120));
        List<Long> survivors = new ArrayList<>();
        for (long pid : List.copyOf(everStarted)) {
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(ph -> {
                survivors.add(pid);
                ph.destroyForcibly();
                awaitGone(pid, Duration.ofSeconds(20));
            });
        }
        removeHook(shutdownHook);
        trimRunDir();
        log("stopped: %d processes checked gone%s; logs in %s", everStarted.size(),
                survivors.isEmpty() ? "" : ", " + survivors + " had to be killed after the script's stop", runDir.resolve("logs"));
        if (r.exitCode != 0 || !survivors.isEmpty()) {
            throw new IllegalStateException("local-cluster.sh stop did not stop everything (exit " + r.exitCode + ", survivors " + survivors + "):\n" + r.output);
        }
    }

    /** Drops what is bulky (application jars copied to executors, HDFS blocks, shuffle files); keeps logs. */
    private void trimRunDir() {
        for (String dir : List.of("hdfs/data", "local", "app")) {
            deleteTree(runDir.resolve(dir));
        }
        Path work = runDir.resolve("executors");
        if (Files.isDirectory(work)) {
            try (Stream<Path> files = Files.walk(work)) {
                files.filter(p -> p.toString().endsWith(".jar")).forEach(LocalStandaloneCluster::deleteQuietly);
            } catch (IOException e) {
                log("could not trim %s: %s", work, e);
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    /** Copies the assembly jar (verified readable) and jars the test classes into {@code dir}. */
    private static void snapshotApplication(Path root, Path dir) {
        try {
            Files.createDirectories(dir);
            Path jar = dir.resolve("promptseg-spark-jobs-assembly.jar");
            for (int attempt = 1; ; attempt++) {
                Files.copy(assemblyJar(), jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(jar.toFile())) {
                    if (z.getEntry("org/promptseg/jobs/cli/PromptsegCli.class") != null) {
                        break;
                    }
                } catch (IOException e) {
                    // being rewritten by a concurrent build: try again
                }
                if (attempt == 10) {
                    throw new IllegalStateException("the assembly jar " + assemblyJar() + " stayed unreadable (a build rewriting it?)");
                }
                Thread.sleep(3000);
            }
            Path classes = root.resolve("spark-jobs/target/test-classes");
            try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(dir.resolve("test-classes.jar")));
                 Stream<Path> files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    out.putNextEntry(new java.util.jar.JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot snapshot the application jars into " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The checkout root: the first parent of the working directory holding deploy/local-cluster/local-cluster.sh. */
    public static Path projectRoot() {
        String explicit = System.getProperty("promptseg.root");
        if (explicit != null) {
            return Path.of(explicit).toAbsolutePath();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(script(p))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find deploy/local-cluster/local-cluster.sh above " + Path.of("").toAbsolutePath()
                + "; run the tests from the checkout or set -Dpromptseg.root");
    }

    /** spark-jobs' assembly jar (built at package, before failsafe runs). */
    public static Path assemblyJar() {
        Path target = projectRoot().resolve("spark-jobs/target");
        try (Stream<Path> s = Files.list(target)) {
            return s.filter(p -> p.getFileName().toString().matches("promptseg-spark-jobs-.*-assembly\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no assembly jar in " + target + ": run mvn package (failsafe's verify does)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Result of one run of the script. */
    public record ScriptResult(int exitCode, String output) {}

    private static Path script(Path root) {
        return root.resolve("deploy/local-cluster/local-cluster.sh");
    }

    private static ScriptResult runScript(Path script, List<String> args, Duration timeout) {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(args);
        try {
            Path out = Files.createTempFile("local-cluster-", ".out");
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                    return new ScriptResult(124, Files.readString(out) + "\n(local-cluster.sh " + args.get(0) + " timed out after " + timeout + ")");
                }
                String text = Files.readString(out);
                text.lines().forEach(l -> System.out.println("[cluster] " + l));
                return new ScriptResult(p.exitValue(), text);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void stopQuietly(Path script, Path runDir) {
        try {
            runScript(script, List.of("stop", "--run-dir", runDir.toString()), Duration.ofSeconds(120));
        } catch (RuntimeException e) {
            System.err.println("[cluster] stop failed: " + e);
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running or ran
        }
    }

    private long readPid(String name) {
        Path f = runDir.resolve("pids/" + name + ".pid");
        try {
            return Long.parseLong(Files.readString(f).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("no PID file " + f + " (was the cluster stopped?)", e);
        }
    }

    private void checkWorker(int i) {
        if (i < 1 || i > workers) {
            throw new IllegalArgumentException("worker index " + i + " is outside 1.." + workers);
        }
    }

    static List<String> commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"));
            return List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return List.of(); // gone meanwhile
        }
    }

    private static String argAfter(List<String> cmd, String flag) {
        int i = cmd.indexOf(flag);
        return i >= 0 && i + 1 < cmd.size() ? cmd.get(i + 1) : null;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until process {@code pid} has exited; throws after {@code timeout}. */
    public static void awaitGone(long pid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("process " + pid + " still alive " + timeout + " after SIGKILL");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> readEnv(Path file) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : lines(file)) {
            int eq = line.indexOf('=');
            if (eq > 0 && !line.startsWith("#")) {
                m.put(line.substring(0, eq), unquote(line.substring(eq + 1)));
            }
        }
        return m;
    }

    /** Values the script wrote with printf %q: '' for empty, otherwise backslash escapes ($'...' forms are refused). */
    static String unquote(String v) {
        if (v.equals("''")) {
            return "";
        }
        if (v.startsWith("$'")) {
            throw new IllegalStateException("unexpected quoting in cluster.env: " + v);
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 1 < v.length()) {
                c = v.charAt(++i);
            }
            b.append(c);
        }
        return b.toString();
    }

    static Map<String, String> readProperties(Path file) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : lines(file)) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String[] kv = t.split("\\s+", 2);
            m.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return m;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(LocalStandaloneCluster::deleteQuietly);
        } catch (IOException e) {
            log("could not delete %s: %s", dir, e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // a file still held open by a dying process: harmless leftover under target/
        }
    }

    /** Prints one timestamped harness line to the test output. */
    public static void log(String format, Object... args) {
        System.out.println("[cluster] " + Instant.now() + " " + String.format(java.util.Locale.ROOT, format, args));
    }
}
