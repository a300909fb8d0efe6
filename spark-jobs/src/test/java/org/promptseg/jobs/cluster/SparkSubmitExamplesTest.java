package org.promptseg.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU deployment examples in deploy/spark-submit run against a fake {@code spark-submit} that
 * records its arguments: what they would submit is checked here (GPU resources, memory overhead =
 * ND4J off-heap + margin, the CUDA build's empty platform extension, Kerberos), since no cluster
 * with GPUs exists in CI.
 */
@DisplayName("deploy/spark-submit GPU examples")
class SparkSubmitExamplesTest {
    @TempDir
    Path tmp;
    Path sparkHome;
    Path jar;

    @BeforeEach
    void fakeSparkSubmit() throws IOException {
        sparkHome = Files.createDirectories(tmp.resolve("spark/bin")).getParent();
        Path submit = sparkHome.resolve("bin/spark-submit");
        Files.writeString(submit, "#!/bin/bash\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        jar = Files.writeString(tmp.resolve("promptseg-assembly.jar"), "not really a jar");
    }

    record Result(int exit, List<String> args, String stderr) {
        /** The value following {@code flag} (the first occurrence). */
        String after(String flag) {
            int i = args.indexOf(flag);
            assertThat(i).as("argument %s in %s", flag, args).isGreaterThanOrEqualTo(0);
            return args.get(i + 1);
        }

        /** The value of {@code --conf key=value}. */
        String conf(String key) {
            for (int i = 0; i + 1 < args.size(); i++) {
                if (args.get(i).equals("--conf") && args.get(i + 1).startsWith(key + "=")) {
                    return args.get(i + 1).substring(key.length() + 1);
                }
            }
            throw new AssertionError("no --conf " + key + " in " + args);
        }
    }

    Result run(String script, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/bin/bash", LocalStandaloneCluster.projectRoot().resolve("deploy/spark-submit/" + script).toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PROMPTSEG_") || List.of("SPARK_HOME", "PRINCIPAL", "KEYTAB", "MASTER", "IMAGE", "K8S_API",
                "HADOOP_CONF_DIR", "EXECUTORS", "EXECUTOR_CORES", "KEYTAB_SECRET").contains(k));
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), Files.readAllLines(tmp.resolve("out")), Files.readString(tmp.resolve("err")));
    }

    private static void assertGpuAndNativeMemory(Result r, String overhead, String maxBytes) {
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.after("--class")).isEqualTo("org.promptseg.jobs.cli.PromptsegCli");
        assertThat(r.conf("spark.executor.resource.gpu.amount")).isEqualTo("1");
        assertThat(r.conf("spark.task.resource.gpu.amount")).isEqualTo("1");
        assertThat(r.conf("spark.executor.memoryOverhead")).isEqualTo(overhead);
        assertThat(r.conf("spark.executor.extraJavaOptions"))
                .contains("-Dorg.bytedeco.javacpp.platform.extension= ", "-Dorg.bytedeco.javacpp.maxbytes=" + maxBytes, "-Dorg.bytedeco.javacpp.cachedir=");
        assertThat(r.conf("spark.task.cpus")).isEqualTo(r.after("--executor-cores"));
        // promptseg's own settings agree with what Spark is told
        assertThat(r.args()).contains("--set", "promptseg.native.platform-extension=", "promptseg.native.max-bytes=" + maxBytes,
                "promptseg.spark.threads-per-task=" + r.after("--executor-cores"));
    }

    @Test
    @DisplayName("standalone: GPUs per executor and task, overhead = max-bytes + margin (12g + 2g), the jar, then the promptseg command")
    void standalone() throws Exception {
        Result r = run("standalone-gpu.sh", Map.of("SPARK_HOME", sparkHome.toString(), "PROMPTSEG_JAR", jar.toString(), "MASTER", "spark://gpu-head:7077"),
                "doctor", "--json");
        assertGpuAndNativeMemory(r, "14g", "12g");
        assertThat(r.after("--master")).isEqualTo("spark://gpu-head:7077");
        assertThat(r.after("--total-executor-cores")).isEqualTo("16");
        int j = r.args().indexOf(jar.toString());
        assertThat(r.args().subList(j + 1, j + 3)).containsExactly("doctor", "--json");
    }

    @Test
    @DisplayName("YARN: cluster mode, discovery script shipped with --files, --principal/--keytab for a secured HDFS")
    void yarn() throws Exception {
        Path keytab = Files.writeString(tmp.resolve("promptseg.keytab"), "k");
        Result r = run("yarn-gpu.sh", Map.of("SPARK_HOME", sparkHome.toString(), "PROMPTSEG_JAR", jar.toString(), "HADOOP_CONF_DIR", tmp.toString(),
                "PRINCIPAL", "promptseg@HOSPITAL.ORG", "KEYTAB", keytab.toString(), "NATIVE_MAX_GB", "20"), "tune", "--centers", "c7");
        assertGpuAndNativeMemory(r, "22g", "20g");
        assertThat(r.after("--master")).isEqualTo("yarn");
        assertThat(r.after("--deploy-mode")).isEqualTo("cluster");
        assertThat(r.after("--principal")).isEqualTo("promptseg@HOSPITAL.ORG");
        assertThat(r.after("--keytab")).isEqualTo(keytab.toString());
        assertThat(r.after("--files")).endsWith("deploy/gpu/discover-gpus.sh");
        assertThat(r.conf("spark.executor.resource.gpu.discoveryScript")).isEqualTo("./discover-gpus.sh");

        Result unsecured = run("yarn-gpu.sh", Map.of("SPARK_HOME", sparkHome.toString(), "PROMPTSEG_JAR", jar.toString(), "HADOOP_CONF_DIR", tmp.toString()), "doctor");
        assertThat(unsecured.exit()).isZero();
        assertThat(unsecured.args()).doesNotContain("--principal", "--keytab");

        Result half = run("yarn-gpu.sh", Map.of("SPARK_HOME", sparkHome.toString(), "PROMPTSEG_JAR", jar.toString(), "HADOOP_CONF_DIR", tmp.toString(),
                "PRINCIPAL", "promptseg@HOSPITAL.ORG"), "doctor");
        assertThat(half.exit()).isEqualTo(2);
        assertThat(half.stderr()).contains("set both PRINCIPAL and KEYTAB");
    }

    @Test
    @DisplayName("Kubernetes: the image's jar (local://), GPU vendor nvidia.com, the pod template in the repository, discovery script in the image")
    void kubernetes() throws Exception {
        Result r = run("k8s-gpu.sh", Map.of("SPARK_HOME", sparkHome.toString(), "K8S_API", "https://k8s:6443", "IMAGE", "registry/promptseg:0.1.0-cuda"), "doctor");
        assertGpuAndNativeMemory(r, "16g", "12g");
        assertThat(r.after("--master")).isEqualTo("k8s://https://k8s:6443");
        assertThat(r.conf("spark.executor.resource.gpu.vendor")).isEqualTo("nvidia.com");
        assertThat(r.conf("spark.executor.resource.gpu.discoveryScript")).isEqualTo("/opt/promptseg/discover-gpus.sh");
        assertThat(r.conf("spark.kubernetes.container.image")).isEqualTo("registry/promptseg:0.1.0-cuda");
        assertThat(Path.of(r.conf("spark.kubernetes.executor.podTemplateFile"))).exists();
        assertThat(r.args()).contains("local:///opt/promptseg/promptseg-spark-jobs-assembly.jar");
        // the image's Dockerfile puts the jar and the script exactly where the example expects them
        String dockerfile = Files.readString(LocalStandaloneCluster.projectRoot().resolve("deploy/container/Dockerfile"));
        assertThat(dockerfile).contains("/opt/promptseg/promptseg-spark-jobs-assembly.jar", "/opt/promptseg/discover-gpus.sh", "/opt/promptseg/javacpp-cache");
    }

    @Test
    @DisplayName("without SPARK_HOME, or without a command: a clear message and exit 2")
    void usageErrors() throws Exception {
        Result noHome = run("standalone-gpu.sh", Map.of(), "doctor");
        assertThat(noHome.exit()).isEqualTo(2);
        assertThat(noHome.stderr()).contains("SPARK_HOME");

        Result noCommand = run("k8s-gpu.sh", Map.of("SPARK_HOME", sparkHome.toString()));
        assertThat(noCommand.exit()).isEqualTo(2);
        assertThat(noCommand.stderr()).contains("k8s-gpu.sh COMMAND");
    }
}
