package org.promptseg.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

@Tag("cluster")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("a Spark standalone cluster of 2 worker JVMs and an HDFS on 127.0.0.1, from deploy/local-cluster")
class StandaloneClusterIT {
    private LocalStandaloneCluster cluster;
    private long t0;

    @BeforeAll
    void start() {
        t0 = System.nanoTime();
        cluster = LocalStandaloneCluster.builder().name("standalone-it").workers(2).hdfs(true).start();
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        LocalStandaloneCluster.log("StandaloneClusterIT took %.1f s including cluster start and stop", (System.nanoTime() - t0) / 1e9);
    }

    @Test
    @Order(1)
    @DisplayName("status: the master sees both workers alive, on 127.0.0.1; the script's status agrees")
    void statusShowsTwoWorkers() {
        JsonNode state = cluster.masterState();
        assertThat(cluster.aliveWorkers()).isEqualTo(2);
        List<String> hosts = new ArrayList<>();
        state.path("workers").forEach(w -> hosts.add(w.path("host").asText()));
        assertThat(hosts).containsExactly("127.0.0.1", "127.0.0.1");
        assertThat(cluster.masterUrl()).startsWith("spark://127.0.0.1:");
        assertThat(cluster.workerPids()).hasSize(2).doesNotHaveDuplicates().allMatch(p -> ProcessHandle.of(p).isPresent());

        LocalStandaloneCluster.ScriptResult status = cluster.status();
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.output()).contains("master URL:    " + cluster.masterUrl(), "workers alive: 2 of 2",
                "HDFS URI:      " + cluster.hdfsUri().orElseThrow());
    }

    @Test
    @Order(2)
    @DisplayName("a worker killed with kill -9 drops out of the master's view; restart-worker brings it back with a new JVM")
    void killAndRestartWorker() {
        long before = cluster.workerPid(2);
        LocalStandaloneCluster.KilledWorker k = cluster.killWorker(2);
        assertThat(k.workerPid()).isEqualTo(before);
        assertThat(ProcessHandle.of(before)).isEmpty();
        Duration noticed = cluster.awaitAliveWorkers(1, Duration.ofSeconds(90));
        LocalStandaloneCluster.log("the master noticed the lost worker after %d ms", noticed.toMillis());
        assertThat(cluster.status().exitCode()).as("status reports a lost worker").isEqualTo(1);

        long after = cluster.restartWorker(2);
        assertThat(after).isNotEqualTo(before);
        assertThat(cluster.isWorkerAlive(2)).isTrue();
        cluster.awaitAliveWorkers(2, Duration.ofSeconds(30));
        assertThat(cluster.status().exitCode()).isZero();
    }

    @Test
    @Order(3)
    @DisplayName("promptseg doctor via bin/promptseg-submit: the self-check trained in 2 executor JVMs, one per worker, oneDNN active in each")
    void doctorRunsInTwoExecutorJvms() throws IOException {
        DriverProcess doctor = cluster.submit(List.of(), "doctor", "--json");
        doctor.awaitLine(java.util.regex.Pattern.compile("\"selfCheckMaster\""), Duration.ofMinutes(4));
        int exit = doctor.waitFor(Duration.ofMinutes(1));
        assertThat(exit).as("doctor exit code; stderr tail:\n%s", DriverProcess.tail(doctor.stderr(), 40)).isZero();

        JsonNode report = new ObjectMapper().readTree(doctor.stdout());
        assertThat(report.path("selfCheckMaster").asText()).isEqualTo(cluster.masterUrl());
        JsonNode tasks = report.path("selfCheck");
        Set<String> executorIds = new TreeSet<>();
        tasks.forEach(t -> {
            executorIds.add(t.path("executorId").asText());
            assertThat(t.path("executorId").asText()).as("a task ran in the driver").isNotEqualTo("driver");
            assertThat(t.path("backend").asText()).isEqualTo("CpuBackend");
            assertThat(t.path("oneDnnLinked").asBoolean()).as("HAVE_ONEDNN in the executor's native build").isTrue();
            assertThat(t.path("oneDnnActive").asBoolean()).isTrue();
            assertThat(t.path("trained").asBoolean()).isTrue();
        });
        assertThat(tasks.size()).isGreaterThanOrEqualTo(2);
        assertThat(executorIds).as("distinct executor ids").hasSizeGreaterThanOrEqualTo(2);

        // each worker launched an executor JVM for the doctor application (its output lands in the worker's work dir)
        for (int w = 1; w <= 2; w++) {
            Path work = cluster.runDir().resolve("executors/worker-" + w);
            try (Stream<Path> files = Files.walk(work)) {
                assertThat(files.filter(p -> p.getFileName().toString().equals("stderr")).count())
                        .as("executor logs under %s", work).isGreaterThanOrEqualTo(1);
            }
        }
    }

    @Test
    @Order(4)
    @DisplayName("a driver killed with kill -9 while its executors run: the executor JVMs exit and the master drops the application")
    void killedDriverLeavesNoExecutors() throws InterruptedException {
        DriverProcess driver = cluster.submit(List.of(), "doctor", "--json");
        List<LocalStandaloneCluster.ExecutorProcess> executors = new ArrayList<>(cluster.awaitExecutors(1, Duration.ofMinutes(3)));
        executors.addAll(cluster.awaitExecutors(2, Duration.ofMinutes(1)));
        java.time.Instant killed = driver.kill();
        for (LocalStandaloneCluster.ExecutorProcess e : executors) {
            LocalStandaloneCluster.awaitGone(e.pid(), Duration.ofSeconds(60));
        }
        LocalStandaloneCluster.log("executors %s exited %d ms after the driver was killed", executors.stream().map(LocalStandaloneCluster.ExecutorProcess::pid).toList(),
                Duration.between(killed, java.time.Instant.now()).toMillis());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (cluster.masterState().path("activeapps").size() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(cluster.masterState().path("activeapps").size()).as("applications the master still runs").isZero();
        assertThat(cluster.aliveWorkers()).isEqualTo(2);
    }

    @Test
    @Order(5)
    @DisplayName("executors write files through hdfs:// and read them back; the driver sees the same bytes")
    void executorsReadAndWriteHdfs() throws IOException {
        String base = cluster.hdfsUri().orElseThrow() + "/it/executors-" + System.nanoTime();
        SparkConf conf = new SparkConf(false).setAppName("hdfs-it");
        cluster.driverProperties().forEach(conf::set);
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            List<String> written = jsc.parallelize(IntStream.range(0, 4).boxed().toList(), 4)
                    .mapPartitions((Iterator<Integer> it) -> List.of(writePart(base, it)).iterator()).collect();
            assertThat(written).hasSize(4);
            Set<String> writers = written.stream().map(s -> s.split(" ")[0]).collect(Collectors.toSet());
            assertThat(writers).as("executor ids of the writing tasks").doesNotContain("driver").isNotEmpty();

            // read back in executors with Spark's own Hadoop input path, and directly with the FileSystem API
            long lines = jsc.textFile(base + "/part-*").count();
            assertThat(lines).isEqualTo(4 * 1000);
            long sum = jsc.parallelize(IntStream.range(0, 4).boxed().toList(), 4).map(i -> sumOf(base + "/part-" + i)).reduce(Long::sum);
            assertThat(sum).isEqualTo(expectedSum());

            FileSystem fs = FileSystem.get(URI.create(base), new Configuration());
            assertThat(fs.listStatus(new org.apache.hadoop.fs.Path(base))).hasSize(4);
            assertThat(sumOf(base + "/part-2")).isEqualTo(IntStream.range(2000, 3000).asLongStream().sum());
        } finally {
            spark.stop();
        }
    }

    private static long expectedSum() {
        return IntStream.range(0, 4000).asLongStream().sum();
    }

    /** Runs in an executor: writes 1000 numbers of this partition as a text file on HDFS. */
    private static String writePart(String base, Iterator<Integer> partitions) throws IOException {
        int p = partitions.next();
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(base + "/part-" + p);
        FileSystem fs = FileSystem.get(URI.create(base), new Configuration());
        try (OutputStream out = fs.create(file, false)) {
            StringBuilder b = new StringBuilder();
            for (int i = p * 1000; i < (p + 1) * 1000; i++) {
                b.append(i).append('\n');
            }
            out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        }
        return SparkEnv.get().executorId() + " " + file + " partition " + TaskContext.getPartitionId();
    }

    private static long sumOf(String uri) {
        try {
            FileSystem fs = FileSystem.get(URI.create(uri), new Configuration());
            try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(new org.apache.hadoop.fs.Path(uri)), StandardCharsets.UTF_8))) {
                return r.lines().mapToLong(Long::parseLong).sum();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
