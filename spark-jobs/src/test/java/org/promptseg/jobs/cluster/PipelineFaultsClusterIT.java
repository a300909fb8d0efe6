package org.promptseg.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.promptseg.jobs.cli.CliRun;
import org.promptseg.jobs.cluster.LocalStandaloneCluster.ExecutorProcess;
import org.promptseg.jobs.cluster.LocalStandaloneCluster.KilledWorker;
import org.promptseg.jobs.config.PromptsegConfig;
import org.promptseg.store.AliasConflictException;
import org.promptseg.store.AliasEntry;
import org.promptseg.store.PromptManifest;
import org.promptseg.store.PromptPublication;
import org.promptseg.store.PromptStore;
import org.promptseg.store.RoundCheckpoint;
import org.promptseg.store.StoreOptions;
import org.promptseg.store.VerifyReport;
import org.promptseg.store.tensor.Tensor;
import org.promptseg.store.tensor.TensorSet;
import org.promptseg.volume.dataset.CaseRef;
import org.promptseg.volume.dataset.CaseSplit;
import org.promptseg.volume.dataset.CenterCollection;
import org.promptseg.volume.dataset.SplitOptions;
import org.promptseg.volume.synth.SynthOptions;
import org.promptseg.volume.synth.SyntheticCollection;

/**
 * The product on a real cluster: a standalone master, 2 worker JVMs and an HDFS on 127.0.0.1, every job a
 * driver JVM of its own started with {@code bin/promptseg-submit} against {@code hdfs://} paths, and the
 * faults of issue 9 injected into them: a corrupt NIfTI during shard, a worker killed with {@code kill -9}
 * in the middle of a tune round, the driver killed in the middle of tuning and resumed, two tune jobs
 * publishing the same center into the same store at once. One cluster and one pipeline serve all of them
 * (its tune run is the undisturbed reference); killed workers are restarted before the next test.
 *
 * <p>The network is shrunk to what the faults need (4 levels of 4..32 channels, input prompts only, a few
 * patches per case): the point is what happens to processes, rounds and files, not the last Dice point.
 */
@Tag("cluster")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("promptseg on a 2-worker standalone cluster with HDFS: the pipeline through bin/promptseg-submit, and its faults")
class PipelineFaultsClusterIT {
    static final int TUNE_ROUNDS = 3;
    static final long SEED = 5;
    static final String NEW_CENTER = "c2";
    static final Pattern ROUND_1_DONE = Pattern.compile("\\[tune\\] rounds 1/" + TUNE_ROUNDS + " ");
    static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s+at [\\w.$]+\\(|^Caused by: |Exception in thread ");
    static final Duration JOB_TIMEOUT = Duration.ofMinutes(6);
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalStandaloneCluster cluster;
    private long t0;
    /** The machine's load when the class started: wall times here mean little without it (2 cores, often shared). */
    private String loadAtStart;
    private final Map<String, Double> seconds = new TreeMap<>();
    private Configuration hadoop;
    private String hdfs;
    private Path conf;
    private String collection;
    private String patches;
    private String store;
    private String backbone;
    /** The undisturbed tune run of the pipeline: every fault test compares with it. */
    private JsonNode reference;
    private String referenceVersion;
    /** The cases made unreadable: center -> {case id, file}. */
    private final Map<String, String[]> corrupt = new TreeMap<>();

    @BeforeAll
    void start() throws IOException {
        t0 = System.nanoTime();
        loadAtStart = loadAverage();
        cluster = LocalStandaloneCluster.builder().name("pipeline-faults-it").workers(2).hdfs(true).start();
        hadoop = new Configuration();
        hdfs = cluster.hdfsUri().orElseThrow();
        conf = cluster.runDir().resolve("it.conf");
        Files.writeString(conf, String.join("\n",
                "# small enough for 2 loaded cores; the faults do not need a good network",
                "promptseg.model.presets.tiny.channels = [4, 8, 16, 32]",
                "promptseg.prompt.kinds = [input]",
                "promptseg.shard.patches-per-case = 4",
                "promptseg.pretrain { rounds = 1, local-steps = 2 }",
                "promptseg.tune { rounds = " + TUNE_ROUNDS + ", local-steps = 3 }",
                "# only the last round validates; keep every round's checkpoint so tests can read them all",
                "promptseg.rounds { validate-every = 0, checkpoint-keep = 100 }", ""));
        collection = hdfs + "/data/collection";
        patches = hdfs + "/data/patches";
        store = hdfs + "/store";
        long s0 = System.nanoTime();
        SynthOptions synth = SynthOptions.fromConfig(PromptsegConfig.defaults()).with(3, 4, 0, 48, 7);
        SyntheticCollection.generate(synth, collection, hadoop, false);
        LocalStandaloneCluster.log("synthetic collection (3 centers x 4 cases, 48^2) on HDFS in %.1f s", (System.nanoTime() - s0) / 1e9);
    }

    @AfterAll
    void stop() {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            seconds.forEach((k, v) -> LocalStandaloneCluster.log("%-36s %6.1f s", k, v));
            LocalStandaloneCluster.log("PipelineFaultsClusterIT took %.1f s including cluster start and stop; load average at start %s, at end %s",
                    (System.nanoTime() - t0) / 1e9, loadAtStart, loadAverage());
        }
    }

    // ---- 3. corrupt NIfTI during shard ----------------------------------------------------------------

    @Test
    @Order(1)
    @DisplayName("shard with a truncated image in c0 and a garbage label in c1: exit 4 naming each case and its file, no stack trace, nothing under the output URI (file: and hdfs:)")
    void corruptNiftiFailsShard() throws IOException {
        long s0 = System.nanoTime();
        CenterCollection c = CenterCollection.open(collection, hadoop);
        SplitOptions splits = SplitOptions.fromConfig(PromptsegConfig.defaults());
        CaseRef image = trainingCase(c, "c0", splits);
        CaseRef label = trainingCase(c, "c1", splits);
        String imageUri = image.channels().get(0).uri();
        truncate(imageUri);
        overwriteWithGarbage(label.labelUri());
        corrupt.put("c0", new String[] {image.caseId(), imageUri});
        corrupt.put("c1", new String[] {label.caseId(), label.labelUri()});
        LocalStandaloneCluster.log("corrupted %s (truncated to half) and %s (random bytes)", imageUri, label.labelUri());

        String hdfsOut = hdfs + "/bad/patches";
        Path localParent = cluster.runDir().resolve("bad");
        String fileOut = "file:" + localParent.resolve("patches");
        // two failing jobs at once, one core each: same check, two filesystems, one wait
        DriverProcess onHdfs = cluster.submit("shard-corrupt-hdfs", List.of("--conf", "spark.cores.max=1"),
                "shard", "--conf", conf.toString(), "--collection", collection, "--out", hdfsOut);
        DriverProcess onFile = cluster.submit("shard-corrupt-file", List.of("--conf", "spark.cores.max=1"),
                "shard", "--conf", conf.toString(), "--collection", collection, "--out", fileOut);
        for (DriverProcess d : List.of(onHdfs, onFile)) {
            int exit = d.waitFor(JOB_TIMEOUT);
            String err = d.stderr();
            assertThat(exit).as("%s exit code; stderr:\n%s", d.name(), DriverProcess.tail(err, 40)).isEqualTo(4);
            assertThat(err).as("%s stderr", d.name()).contains("promptseg: 2 case(s) cannot be read; nothing was written (use --skip-bad");
            assertThat(errorLine(err, "c0/" + image.caseId())).as("the line naming c0's case").contains("(" + imageUri + ")", "truncated");
            assertThat(errorLine(err, "c1/" + label.caseId())).as("the line naming c1's case").contains("(" + label.labelUri() + ")");
            assertThat(STACK_FRAME.matcher(err).find()).as("a stack trace in %s's stderr:\n%s", d.name(), err).isFalse();
            assertThat(d.stdout()).as("nothing on stdout").isBlank();
        }
        FileSystem fs = FileSystem.get(URI.create(hdfs), hadoop);
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(hdfsOut))).as("%s exists", hdfsOut).isFalse();
        org.apache.hadoop.fs.Path hdfsParent = new org.apache.hadoop.fs.Path(hdfs + "/bad");
        assertThat(fs.exists(hdfsParent) ? names(fs.listStatus(hdfsParent)) : List.of()).as("entries beside %s (staging folders)", hdfsOut).isEmpty();
        assertThat(Files.exists(localParent.resolve("patches"))).isFalse();
        if (Files.exists(localParent)) {
            try (var entries = Files.list(localParent)) {
                assertThat(entries.map(p -> p.getFileName().toString()).toList()).as("entries beside %s (staging folders)", fileOut).isEmpty();
            }
        }
        seconds.put("1 shard with corrupt cases (2 jobs)", (System.nanoTime() - s0) / 1e9);
    }

    // ---- 5. the pipeline on hdfs:// -----------------------------------------------------------------------

    @Test
    @Order(2)
    @DisplayName("pipeline on hdfs://: shard --skip-bad (the corrupt cases listed in shard.json) -> pretrain c0,c1 -> tune c2 -> evaluate, ending with a report")
    void pipeline() throws IOException {
        assumeTrue(corrupt.size() == 2, "needs the corrupt collection of the shard test");
        long s0 = System.nanoTime();
        JsonNode shard = json(run("shard", List.of(), "shard", "--conf", conf.toString(), "--collection", collection, "--out", patches,
                "--skip-bad", "--json"));
        seconds.put("2a shard --skip-bad", (System.nanoTime() - s0) / 1e9);
        JsonNode manifest = JSON.readTree(readHdfs(patches + "/shard.json"));
        assertThat(manifest.path("skipped")).hasSize(2);
        for (JsonNode s : manifest.path("skipped")) {
            String[] bad = corrupt.get(s.path("center").asText());
            assertThat(bad).as("skipped center %s", s.path("center").asText()).isNotNull();
            assertThat(s.path("file").asText()).as("file of the skipped case of %s", s.path("center").asText()).isEqualTo(bad[1]);
            assertThat(s.path("reason").asText()).isNotBlank();
            assertThat(s.path("case").asText()).as("case ids are published as salted hashes").startsWith("h-").doesNotContain(bad[0]);
        }
        assertThat(shard.path("patchesByCenter").path("c0").asLong()).isPositive();
        assertThat(shard.path("patchesByCenter").path(NEW_CENTER).asLong()).isPositive();

        long p0 = System.nanoTime();
        JsonNode pretrain = json(run("pretrain", List.of(), "pretrain", "--conf", conf.toString(), "--patches", patches, "--centers", "c0,c1",
                "--store", store, "--seed", Long.toString(SEED), "--json"));
        seconds.put("2b pretrain (1 round)", (System.nanoTime() - p0) / 1e9);
        backbone = pretrain.path("backboneId").asText();
        assertThat(backbone).hasSize(64);

        long q0 = System.nanoTime();
        reference = json(run("tune-reference", List.of(), tune("ref", SEED)));
        seconds.put("2c tune (reference, " + TUNE_ROUNDS + " rounds)", (System.nanoTime() - q0) / 1e9);
        referenceVersion = reference.path("centers").path(NEW_CENTER).path("version").asText();
        assertThat(reference.path("history")).hasSize(TUNE_ROUNDS);
        assertCheckpointsOncePerRound("ref");
        // the fault tests compare prompts bit for bit with this run: that means something only if rounds move them
        PromptStore s = store();
        TensorSet first = checkpointPrompts(s, "ref", 1);
        TensorSet last = checkpointPrompts(s, "ref", TUNE_ROUNDS);
        LocalStandaloneCluster.log("reference run: prompts moved by up to %s between round 1 and round %d", maxAbsDifference(first, last), TUNE_ROUNDS);
        assertThat(last).as("prompts after round %d vs after round 1", TUNE_ROUNDS).isNotEqualTo(first);

        long e0 = System.nanoTime();
        String report = hdfs + "/reports/pipeline";
        JsonNode evaluation = json(run("evaluate", List.of(), "evaluate", "--conf", conf.toString(), "--collection", collection, "--store", store,
                "--centers", NEW_CENTER, "--backbone", backbone, "--report", report, "--json"));
        seconds.put("2d evaluate", (System.nanoTime() - e0) / 1e9);
        JsonNode summary = JSON.readTree(readHdfs(report + "/summary.json"));
        assertThat(summary.path("rows").findValuesAsText("variant")).contains("backbone", "prompts-" + NEW_CENTER + "-" + referenceVersion);
        assertThat(evaluation.path("rows")).hasSameSizeAs(summary.path("rows"));
        assertThat(readHdfs(report + "/index.html")).contains("<html");
        seconds.put("2 pipeline", (System.nanoTime() - s0) / 1e9);
    }

    // ---- 1. a worker killed in the middle of a tune round ------------------------------------------------

    @Test
    @Order(3)
    @DisplayName("tune: worker 1 killed with kill -9 while it runs a task of round 2 -> the job completes, each round checkpointed once, prompts bit-identical to the undisturbed run")
    void workerKilledMidRound() throws Exception {
        requirePipeline();
        long s0 = System.nanoTime();
        DriverProcess driver = cluster.submit("tune-worker-kill", List.of(), tune("wk", SEED));
        driver.awaitLine(ROUND_1_DONE, JOB_TIMEOUT);
        List<ExecutorProcess> onWorker1 = cluster.executors(1);
        assertThat(onWorker1).as("worker 1 runs an executor of the tune job").isNotEmpty();
        var busy = cluster.awaitRunningTask(onWorker1, Duration.ofMinutes(2));
        KilledWorker killed = cluster.killWorker(1);
        LocalStandaloneCluster.log("killed worker 1 (pid %d) and its executor %s at %s while it ran %s", killed.workerPid(), killed.executorIds(),
                killed.at(), busy.getValue());
        // the killed worker comes back while the job goes on (a new application would otherwise wait for its cores)
        cluster.awaitAliveWorkers(1, Duration.ofSeconds(90));
        cluster.restartWorker(1);
        int exit = driver.waitFor(JOB_TIMEOUT);
        assertThat(exit).as("exit code; stderr:\n%s", DriverProcess.tail(driver.stderr(), 40)).isZero();
        seconds.put("3 tune with a worker killed", (System.nanoTime() - s0) / 1e9);

        // Spark logs the loss of a task whose worker died only at INFO (it does not count as a task failure), so the
        // evidence is the driver's executor-loss line and a second attempt of the killed task's stage in the executor logs.
        String err = driver.stderr();
        assertThat(err).as("the driver lost the killed executor").containsPattern(
                "Lost executor " + Pattern.quote(busy.getKey().executorId()) + " on 127\\.0\\.0\\.1");
        java.util.regex.Matcher task = Pattern.compile("Running task \\d+\\.\\d+ in stage (\\d+)\\.\\d+ ").matcher(busy.getValue());
        assertThat(task.find()).as("task description %s", busy.getValue()).isTrue();
        List<String> retries = cluster.executorLogLines(busy.getKey().appId(),
                Pattern.compile("Running task \\d+\\.([1-9]\\d*) in stage " + task.group(1) + "\\.\\d+ |Running task \\d+\\.\\d+ in stage "
                        + task.group(1) + "\\.[1-9]\\d* "));
        LocalStandaloneCluster.log("re-run after the kill (stage %s): %s", task.group(1), retries);
        assertThat(retries).as("a second attempt of the task or stage the killed executor was running").isNotEmpty();
        JsonNode result = json(driver.stdout());
        assertCheckpointsOncePerRound("wk");
        assertSameRounds("wk", "ref");
        PromptStore s = store();
        TensorSet after = s.load(NEW_CENTER, result.path("centers").path(NEW_CENTER).path("version").asText(), backbone).tensors();
        TensorSet undisturbed = s.load(NEW_CENTER, referenceVersion, backbone).tensors();
        LocalStandaloneCluster.log("largest difference to the undisturbed run's prompts: %s", maxAbsDifference(after, undisturbed));
        assertThat(after).as("final prompts, bit for bit").isEqualTo(undisturbed);
        double dice = result.path("centers").path(NEW_CENTER).path("valDiceAfter").asDouble();
        double refDice = reference.path("centers").path(NEW_CENTER).path("valDiceAfter").asDouble();
        assertThat(Math.abs(dice - refDice)).as("validation Dice %s vs undisturbed %s", dice, refDice).isLessThan(0.01);
        assertThat(cluster.aliveWorkers()).isEqualTo(2);
    }

    // ---- 2. the driver killed in the middle of tuning, then resumed -------------------------------------

    @Test
    @Order(4)
    @DisplayName("tune: the driver killed with kill -9 during round 2 -> its executors exit; tune --resume continues after round 1 and publishes exactly one version, equal to the undisturbed run's")
    void driverKilledThenResumed() throws Exception {
        requirePipeline();
        long s0 = System.nanoTime();
        PromptStore s = store();
        List<String> before = versionNames(s);
        DriverProcess driver = cluster.submit("tune-driver-kill", List.of(), tune("dk", SEED));
        driver.awaitLine(ROUND_1_DONE, JOB_TIMEOUT);
        List<ExecutorProcess> executors = new ArrayList<>(cluster.executors(1));
        executors.addAll(cluster.executors(2));
        var busy = cluster.awaitRunningTask(executors, Duration.ofMinutes(2));
        Instant killedAt = driver.kill();
        LocalStandaloneCluster.log("killed the tune driver (pid %d) at %s while executor %s ran %s", driver.pid(), killedAt, busy.getKey().executorId(),
                busy.getValue());
        for (ExecutorProcess e : executors) {
            LocalStandaloneCluster.awaitGone(e.pid(), Duration.ofSeconds(60));
        }
        awaitNoActiveApplication();
        LocalStandaloneCluster.log("its executors %s exited and the master dropped the application %d ms after the kill",
                executors.stream().map(ExecutorProcess::pid).toList(), Duration.between(killedAt, Instant.now()).toMillis());

        int printed = lastRoundPrinted(driver.stderr());
        assertThat(s.run("dk").completedRounds()).as("complete rounds left by the killed driver").containsExactly(IntStream.rangeClosed(1, printed)
                .boxed().toArray(Integer[]::new));
        assertThat(printed).as("the kill landed before the last round").isLessThan(TUNE_ROUNDS);
        assertThat(versionNames(s)).as("versions after the kill").isEqualTo(before);
        assertStoreClean(s);

        long r0 = System.nanoTime();
        List<String> resume = new ArrayList<>(List.of(tune("dk", SEED)));
        resume.remove("--run-id");
        resume.remove("dk");
        resume.addAll(List.of("--resume", "dk"));
        DriverProcess resumed = cluster.submit("tune-resume", List.of(), resume.toArray(String[]::new));
        int exit = resumed.waitFor(JOB_TIMEOUT);
        assertThat(exit).as("exit code; stderr:\n%s", DriverProcess.tail(resumed.stderr(), 40)).isZero();
        seconds.put("4 tune killed + resumed", (System.nanoTime() - s0) / 1e9);
        seconds.put("4b tune --resume", (System.nanoTime() - r0) / 1e9);
        assertThat(resumed.stderr()).contains("resuming run dk after round " + printed);
        JsonNode result = json(resumed.stdout());
        String version = result.path("centers").path(NEW_CENTER).path("version").asText();
        List<String> after = versionNames(s);
        assertThat(after).as("versions after the resumed run").hasSize(before.size() + 1).containsAll(before).contains(version);
        assertCheckpointsOncePerRound("dk");
        assertSameRounds("dk", "ref");
        TensorSet resumedPrompts = s.load(NEW_CENTER, version, backbone).tensors();
        assertThat(resumedPrompts).as("prompts of the resumed run vs the undisturbed run, bit for bit")
                .isEqualTo(s.load(NEW_CENTER, referenceVersion, backbone).tensors());
        assertStoreClean(s);
    }

    // ---- 4. two jobs publishing the same center ------------------------------------------------------

    @Test
    @Order(5)
    @DisplayName("two tune jobs (spark.cores.max=1 each) publish c2 into one store while a third writer publishes and promotes: distinct versions, each holding its own job's tensors, every promote logged once, store verify clean")
    void racingPublishes() throws Exception {
        requirePipeline();
        long s0 = System.nanoTime();
        PromptStore s = store();
        List<String> before = versionNames(s);
        long aliasEntriesBefore = s.aliasHistory(NEW_CENTER, "candidate").entries().size();
        List<String> one = List.of("--conf", "spark.cores.max=1");
        DriverProcess a = cluster.submit("tune-race-a", one, withRounds(tune("race-a", 21), 1));
        DriverProcess b = cluster.submit("tune-race-b", one, withRounds(tune("race-b", 22), 1));

        // A third writer in this JVM publishes and promotes c2 from the moment one job has finished its rounds
        // until both jobs exit, so the jobs' version claims and alias updates surely meet a concurrent writer.
        TensorSet copy = s.load(NEW_CENTER, referenceVersion, backbone).tensors();
        List<String> contenderVersions = Collections.synchronizedList(new ArrayList<>());
        List<String> contenderPromotes = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<Integer> conflicts;
        try {
            Pattern roundsDone = Pattern.compile("\\[tune\\] rounds 1/1 ");
            while (!roundsDone.matcher(a.stderr()).find() && !roundsDone.matcher(b.stderr()).find() && (a.isAlive() || b.isAlive())) {
                Thread.sleep(100);
            }
            LocalStandaloneCluster.log("a tune job finished its rounds: the third writer starts publishing and promoting %s", NEW_CENTER);
            conflicts = writer.submit(() -> {
                int lost = 0;
                for (int i = 1; !stop.get() && i <= 300; i++) {
                    PromptManifest m = s.publish(PromptPublication.builder(NEW_CENTER, backbone, copy).metric("contender", i).build());
                    contenderVersions.add(m.version());
                    try {
                        s.promote(NEW_CENTER, "candidate", m.version());
                        contenderPromotes.add(m.version());
                    } catch (AliasConflictException e) {
                        lost++; // the third writer may lose a race; the jobs must not
                    }
                    Thread.sleep(20);
                }
                return lost;
            });
            for (DriverProcess d : List.of(a, b)) {
                int exit = d.waitFor(JOB_TIMEOUT);
                assertThat(exit).as("%s exit code; stderr:\n%s", d.name(), DriverProcess.tail(d.stderr(), 40)).isZero();
            }
        } finally {
            stop.set(true);
            writer.shutdown();
            assertThat(writer.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        }
        int writerConflicts = conflicts.get();
        seconds.put("5 two racing tune jobs", (System.nanoTime() - s0) / 1e9);

        String va = json(a.stdout()).path("centers").path(NEW_CENTER).path("version").asText();
        String vb = json(b.stdout()).path("centers").path(NEW_CENTER).path("version").asText();
        LocalStandaloneCluster.log("job a published %s, job b %s; the third writer published %d versions (%d promotes lost a race)", va, vb,
                contenderVersions.size(), writerConflicts);
        LocalStandaloneCluster.log("publish times: job a %s, job b %s, the third writer %s", s.manifest(NEW_CENTER, va).createdAt(),
                s.manifest(NEW_CENTER, vb).createdAt(), contenderVersions.isEmpty() ? "-" : s.manifest(NEW_CENTER, contenderVersions.get(0)).createdAt()
                        + " .. " + s.manifest(NEW_CENTER, contenderVersions.get(contenderVersions.size() - 1)).createdAt());
        assertThat(contenderVersions).as("the third writer ran while the jobs published").isNotEmpty();
        assertThat(va).isNotEqualTo(vb);
        List<String> after = versionNames(s);
        List<String> expected = new ArrayList<>(before);
        expected.addAll(List.of(va, vb));
        expected.addAll(contenderVersions);
        assertThat(after).as("every publish landed under its own number, none lost").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(after).as("numbers are distinct and contiguous").isEqualTo(IntStream.rangeClosed(1, after.size())
                .mapToObj(i -> String.format("%04d", i)).toList());
        // no lost update: each job's version holds that job's final tensors (its last checkpoint), the third writer's its own
        assertThat(s.load(NEW_CENTER, va, backbone).tensors()).isEqualTo(checkpointPrompts(s, "race-a", 1));
        assertThat(s.load(NEW_CENTER, vb, backbone).tensors()).isEqualTo(checkpointPrompts(s, "race-b", 1));
        assertThat(checkpointPrompts(s, "race-a", 1)).as("different seeds, different prompts").isNotEqualTo(checkpointPrompts(s, "race-b", 1));
        for (int i = 0; i < contenderVersions.size(); i++) {
            PromptManifest m = s.manifest(NEW_CENTER, contenderVersions.get(i));
            assertThat(m.metrics()).containsEntry("contender", (double) (i + 1));
        }
        List<AliasEntry> log = s.aliasHistory(NEW_CENTER, "candidate").entries();
        List<String> promoted = log.subList((int) aliasEntriesBefore, log.size()).stream().map(AliasEntry::target).toList();
        List<String> promotes = new ArrayList<>(contenderPromotes);
        promotes.addAll(List.of(va, vb));
        assertThat(promoted).as("candidate alias entries written during the race").containsExactlyInAnyOrderElementsOf(promotes);
        assertThat(log).extracting(AliasEntry::seq).as("alias entries are numbered without gaps")
                .isEqualTo(IntStream.rangeClosed(1, log.size()).mapToObj(i -> (long) i).toList());
        assertStoreClean(s);
    }

    // ---- the time of one tune round: local[2] vs the cluster ---------------------------------------------

    @Test
    @Order(6)
    @DisplayName("the same tune on local[2] in one JVM: the same prompts bit for bit as on the cluster; the time of a round on each is printed")
    void localModeMatchesCluster() throws IOException {
        requirePipeline();
        long s0 = System.nanoTime();
        JsonNode local = json(run("tune-local2", List.of("--master", "local[2]"), tune("local2", SEED)));
        seconds.put("6 tune on local[2]", (System.nanoTime() - s0) / 1e9);
        PromptStore s = store();
        assertThat(s.load(NEW_CENTER, local.path("centers").path(NEW_CENTER).path("version").asText(), backbone).tensors())
                .as("local[2] vs the standalone cluster").isEqualTo(s.load(NEW_CENTER, referenceVersion, backbone).tensors());
        for (int r = 0; r < TUNE_ROUNDS; r++) {
            LocalStandaloneCluster.log("tune round %d: local[2] %6d ms, 2-worker standalone cluster %6d ms", r + 1,
                    local.path("history").get(r).path("millis").asLong(), reference.path("history").get(r).path("millis").asLong());
        }
        LocalStandaloneCluster.log("whole tune job (driver JVM start to exit): local[2] %.1f s, cluster %.1f s", seconds.get("6 tune on local[2]"),
                seconds.get("2c tune (reference, " + TUNE_ROUNDS + " rounds)"));
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private String[] tune(String runId, long seed) {
        return new String[] {"tune", "--conf", conf.toString(), "--patches", patches, "--centers", NEW_CENTER, "--store", store, "--backbone", backbone,
            "--seed", Long.toString(seed), "--run-id", runId, "--json"};
    }

    private static String[] withRounds(String[] command, int rounds) {
        String[] out = Arrays.copyOf(command, command.length + 2);
        out[command.length] = "--rounds";
        out[command.length + 1] = Integer.toString(rounds);
        return out;
    }

    /** Submits a command, waits for it and requires exit code 0; returns its stdout. */
    private String run(String name, List<String> submitOptions, String... command) {
        DriverProcess d = cluster.submit(name, submitOptions, command);
        int exit = d.waitFor(JOB_TIMEOUT);
        assertThat(exit).as("%s exit code; stderr:\n%s", name, DriverProcess.tail(d.stderr(), 40)).isZero();
        return d.stdout();
    }

    private void requirePipeline() {
        assumeTrue(reference != null, "needs the pipeline's backbone and undisturbed tune run");
    }

    private PromptStore store() throws IOException {
        return PromptStore.open(StoreOptions.fromConfig(PromptsegConfig.defaults()).withUri(store), hadoop);
    }

    /** Every round 1..N checkpointed exactly once, each holding the history of rounds 1..r in order. */
    private void assertCheckpointsOncePerRound(String runId) throws IOException {
        var run = store().run(runId);
        assertThat(run.completedRounds()).as("checkpointed rounds of run %s", runId)
                .containsExactly(IntStream.rangeClosed(1, TUNE_ROUNDS).boxed().toArray(Integer[]::new));
        for (int r = 1; r <= TUNE_ROUNDS; r++) {
            RoundCheckpoint c = run.read(r);
            assertThat(c.state().path("completedRounds").asInt()).isEqualTo(r);
            List<Integer> rounds = new ArrayList<>();
            c.state().path("history").forEach(h -> rounds.add(h.path("round").asInt()));
            assertThat(rounds).as("history in checkpoint %d of run %s", r, runId).isEqualTo(IntStream.rangeClosed(1, r).boxed().toList());
        }
    }

    /** Each round of {@code runId} equals the same round of {@code referenceRun}: tensors bit for bit, losses and samples counted once. */
    private void assertSameRounds(String runId, String referenceRun) throws IOException {
        var run = store().run(runId);
        var ref = store().run(referenceRun);
        for (int r = 1; r <= TUNE_ROUNDS; r++) {
            RoundCheckpoint c = run.read(r);
            RoundCheckpoint u = ref.read(r);
            assertThat(c.tensors()).as("tensors after round %d of run %s vs %s", r, runId, referenceRun).isEqualTo(u.tensors());
            JsonNode mine = c.state().path("history").get(r - 1);
            JsonNode theirs = u.state().path("history").get(r - 1);
            assertThat(mine.path("samplesByGroup")).as("samples of round %d", r).isEqualTo(theirs.path("samplesByGroup"));
            assertThat(mine.path("lossByGroup")).as("losses of round %d", r).isEqualTo(theirs.path("lossByGroup"));
        }
    }

    /** The c2 prompt tensors of a run's checkpoint, named as in a prompt version. */
    private static TensorSet checkpointPrompts(PromptStore s, String runId, int round) throws IOException {
        String prefix = "server:prompt/" + NEW_CENTER + ":";
        TensorSet.Builder b = TensorSet.builder();
        s.run(runId).read(round).tensors().asMap().forEach((name, t) -> {
            if (name.startsWith(prefix)) {
                b.put(name.substring(prefix.length()), t);
            }
        });
        return b.build();
    }

    private static List<String> versionNames(PromptStore s) throws IOException {
        return s.versions(NEW_CENTER).stream().map(PromptManifest::version).sorted().toList();
    }

    /** {@code store verify} through the CLI: exit 0; and no staging directory of a prompt version left behind. */
    private void assertStoreClean(PromptStore s) throws IOException {
        CliRun verify = CliRun.of("store", "verify", "--store", store, "--json");
        assertThat(verify.exitCode()).as("store verify: %s %s", verify.out(), verify.err()).isZero();
        VerifyReport report = s.verify();
        assertThat(report.problems()).isEmpty();
        assertThat(report.leftovers()).as("leftovers of prompt versions").noneMatch(l -> l.path().contains("/prompts/"));
    }

    private void awaitNoActiveApplication() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (cluster.masterState().path("activeapps").size() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(cluster.masterState().path("activeapps").size()).as("applications the master still runs").isZero();
    }

    /** The last "rounds k/N" progress line a tune driver printed. */
    private static int lastRoundPrinted(String stderr) {
        java.util.regex.Matcher m = Pattern.compile("\\[tune\\] rounds (\\d+)/" + TUNE_ROUNDS + " ").matcher(stderr);
        int last = 0;
        while (m.find()) {
            last = Integer.parseInt(m.group(1));
        }
        return last;
    }

    private static String maxAbsDifference(TensorSet a, TensorSet b) {
        double max = 0;
        for (Map.Entry<String, Tensor> e : a.asMap().entrySet()) {
            float[] x = e.getValue().toFloats();
            float[] y = b.get(e.getKey()).toFloats();
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs((double) x[i] - y[i]));
            }
        }
        return Double.toString(max);
    }

    private static String errorLine(String stderr, String caseKey) {
        return stderr.lines().filter(l -> l.strip().startsWith(caseKey + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no error line for " + caseKey + " in:\n" + stderr));
    }

    /** A labelled case of {@code center} in the train split (shard reads train and val cases). */
    private CaseRef trainingCase(CenterCollection c, String center, SplitOptions splits) {
        CaseSplit split = c.split(center, splits);
        return c.dataset(center).labelled().stream().filter(r -> split.splitOf(r.caseId()).equals("train")).findFirst().orElseThrow();
    }

    private void truncate(String uri) throws IOException {
        byte[] bytes = readHdfsBytes(uri);
        writeHdfs(uri, Arrays.copyOf(bytes, bytes.length / 2));
    }

    private void overwriteWithGarbage(String uri) throws IOException {
        byte[] garbage = new byte[4096];
        new SplittableRandom(3).nextBytes(garbage);
        writeHdfs(uri, garbage);
    }

    private byte[] readHdfsBytes(String uri) throws IOException {
        FileSystem fs = FileSystem.get(URI.create(uri), hadoop);
        try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(uri))) {
            return in.readAllBytes();
        }
    }

    private String readHdfs(String uri) throws IOException {
        return new String(readHdfsBytes(uri), StandardCharsets.UTF_8);
    }

    private void writeHdfs(String uri, byte[] bytes) throws IOException {
        FileSystem fs = FileSystem.get(URI.create(uri), hadoop);
        try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(uri), true)) {
            out.write(bytes);
        }
    }

    private static List<String> names(FileStatus[] statuses) {
        return Arrays.stream(statuses).map(st -> st.getPath().getName()).toList();
    }

    /** The 1, 5 and 15 minute load averages (Linux). */
    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static JsonNode json(String stdout) throws IOException {
        return JSON.readTree(stdout);
    }
}
