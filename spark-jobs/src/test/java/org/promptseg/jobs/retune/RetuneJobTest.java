package org.promptseg.jobs.retune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.common.Json;
import org.promptseg.common.PromptsegException;
import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.cli.CliRun;
import org.promptseg.jobs.cli.ExitCodes;
import org.promptseg.jobs.config.PromptsegConfig;
import org.promptseg.jobs.progress.Progress;
import org.promptseg.jobs.retune.CenterPlan.Status;
import org.promptseg.jobs.shard.ShardJob;
import org.promptseg.jobs.spark.SparkSessions;
import org.promptseg.jobs.spark.SparkSettings;
import org.promptseg.store.PromptStore;
import org.promptseg.store.StoreLock;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.dataset.SplitOptions;
import org.promptseg.volume.preprocess.PreprocessOptions;
import org.promptseg.volume.preprocess.SamplerOptions;

/**
 * The parts of a retune run that need no training: the Spark scan, the plan, dry runs, idempotence, locks held by
 * others, unreadable cases and the report of a run. Real Spark local[2], real NIfTI files, a real filesystem store
 * whose backbone is described like a pretrained one (the slow {@code RetuneScheduleTest} trains for real).
 */
@DisplayName("retune without training")
class RetuneJobTest {
    @TempDir
    static Path shared;
    static SparkSession spark;
    static String collection;

    @TempDir
    Path dir;
    PromptStore store;
    String backbone;
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    JobContext ctx;

    @BeforeAll
    static void start() throws IOException {
        collection = RetuneFixtures.synth(shared.resolve("coll"), 3, 5, 24, 11);
        spark = SparkSessions.create(SparkSettings.fromConfig(PromptsegConfig.of("promptseg.spark.master=local[2]")), "retune-test");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @BeforeEach
    void store() throws IOException {
        store = PromptStore.open(dir.resolve("store").toString());
        backbone = RetuneFixtures.fakeBackbone(store, 1);
        ctx = new JobContext(PromptsegConfig.of("promptseg.spark.master=local[2]"), spark,
                new Progress("retune", new PrintStream(said, true, StandardCharsets.UTF_8), true));
    }

    RetuneResult run(String coll, boolean dryRun, String... centers) throws IOException {
        return new RetuneJob(ctx).run(new RetuneJob.Options(coll, store.root(), List.of(centers), null, dryRun, dir.resolve("work").toString(), null, 42,
                false));
    }

    static Map<String, Status> statuses(RetuneResult r) {
        Map<String, Status> out = new TreeMap<>();
        r.plan().forEach(p -> out.put(p.center(), p.status()));
        return out;
    }

    /** Every file under the store, for "nothing was written" checks. */
    List<String> storeFiles() throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            return s.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    /** Production prompts of {@code center} recorded as trained on exactly its current train cases. */
    void upToDate(String center) throws IOException {
        ShardJob shard = new ShardJob(spark, VolumeOptions.defaults(), PreprocessOptions.fromConfig(ctx.config()), SplitOptions.defaults(),
                SamplerOptions.fromConfig(ctx.config()), ctx.caseIds(), Progress.silent());
        List<String> ids = new ArrayList<>();
        for (ShardJob.ScannedCase s : shard.scan(collection, List.of(center), Set.of("train"))) {
            ids.add(ctx.caseIds().publish(center, s.caseId()) + ":" + s.contentSha256().substring(0, 16));
        }
        RetuneFixtures.production(store, center, backbone, ids, true, 1);
    }

    @Test
    @DisplayName("a dry run plans every center and writes nothing: no run folder, no lock, no alias")
    void dryRun() throws IOException {
        List<String> before = storeFiles();
        RetuneResult r = run(collection, true);
        assertThat(statuses(r)).containsExactly(Map.entry("c0", Status.NEW), Map.entry("c1", Status.NEW), Map.entry("c2", Status.NEW));
        assertThat(r.plan()).allSatisfy(p -> assertThat(p.trainCases()).isEqualTo(3));
        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.runFolder()).isNull();
        assertThat(r.outcomes()).isEmpty();
        assertThat(storeFiles()).isEqualTo(before);
        assertThat(dir.resolve("work")).doesNotExist();
        assertThat(r.toText()).contains("dry run, nothing written", "c2", "new");
    }

    @Test
    @DisplayName("centers whose production was tuned on their current cases are up to date; with nothing to do, nothing is written")
    void nothingToDo() throws IOException {
        for (String c : List.of("c0", "c1", "c2")) {
            upToDate(c);
        }
        List<String> before = storeFiles();
        RetuneResult r = run(collection, false);
        assertThat(statuses(r).values()).containsOnly(Status.UP_TO_DATE);
        assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(r.nothingToDo()).isTrue();
        assertThat(r.runFolder()).isNull();
        assertThat(r.toText()).contains("nothing to do");
        assertThat(storeFiles()).isEqualTo(before);
        assertThat(dir.resolve("work")).doesNotExist();
    }

    @Test
    @DisplayName("--centers limits the plan to those centers; an unknown center is named with the collection")
    void centers() throws IOException {
        assertThat(statuses(run(collection, true, "c1")).keySet()).containsExactly("c1");
        assertThatThrownBy(() -> run(collection, true, "c9")).isInstanceOf(PromptsegException.class).hasMessageContaining("c9")
                .hasMessageContaining("centers.json").hasMessageContaining("[c0, c1, c2]");
    }

    @Test
    @DisplayName("a center whose lock another live run holds is skipped with a message (exit 0), and the run says so in retune.json")
    void locked() throws IOException {
        upToDate("c0");
        try (StoreLock a = store.tryLock(CenterLocks.scope("c1"), "retune retune-other", java.time.Duration.ofHours(6)).orElseThrow();
             StoreLock b = store.tryLock(CenterLocks.scope("c2"), "retune retune-other", java.time.Duration.ofHours(6)).orElseThrow()) {
            RetuneResult r = run(collection, false);
            assertThat(r.plan()).filteredOn(p -> p.hasWork()).allSatisfy(p -> assertThat(p.lock()).contains("retune retune-other"));
            assertThat(r.outcomes()).extracting(CenterOutcome::center).containsExactly("c1", "c2");
            assertThat(r.outcomes()).allSatisfy(o -> {
                assertThat(o.result()).isEqualTo(CenterOutcome.Result.LOCKED);
                assertThat(o.message()).contains("another retune holds the lock of " + o.center(), "retune retune-other", "skipped");
                assertThat(o.candidate()).isNull();
            });
            assertThat(r.exitCode()).isEqualTo(ExitCodes.OK);
            assertThat(a.isHeld()).isTrue();
            assertThat(b.isHeld()).isTrue();
            assertThat(store.versions("c1")).isEmpty();

            Path folder = dir.resolve("work").resolve(r.runId());
            JsonNode json = Json.mapper().readTree(Files.readString(folder.resolve("retune.json")));
            assertThat(json.get("exit_code").asInt()).isZero();
            assertThat(json.get("outcomes").get(0).get("result").asText()).isEqualTo("LOCKED");
            assertThat(json.get("plan").get(0).get("status").asText()).isEqualTo("UP_TO_DATE");
            assertThat(Files.readString(folder.resolve("index.html"))).contains("promptseg retune " + r.runId(), "locked", "another retune holds");
        }
    }

    @Test
    @DisplayName("an unreadable train case blocks its center: named by its published id in the plan, exit 4 on a real run, 0 on a dry run")
    void unreadable() throws IOException {
        Path copy = dir.resolve("coll");
        copyTree(Path.of(java.net.URI.create(collection)).getParent(), copy);
        String bad = RetuneFixtures.trainCases(copy.toString(), "c1").get(0);
        Path image = copy.resolve("c1/imagesTr/" + bad + "_0000.nii.gz");
        byte[] bytes = Files.readAllBytes(image);
        Files.write(image, java.util.Arrays.copyOf(bytes, bytes.length / 3));

        RetuneResult dry = run(copy.toString(), true);
        assertThat(statuses(dry)).containsEntry("c1", Status.UNREADABLE).containsEntry("c0", Status.NEW);
        CenterPlan c1 = dry.plan().get(1);
        assertThat(c1.reason()).contains(ctx.caseIds().publish("c1", bad), "cannot be read").doesNotContain(bad);
        assertThat(dry.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(said.toString(StandardCharsets.UTF_8)).as("the console names the file").contains(bad + "_0000.nii.gz");

        upToDate("c0");
        try (StoreLock held = store.tryLock(CenterLocks.scope("c2"), "someone else", java.time.Duration.ofHours(6)).orElseThrow()) {
            RetuneResult r = run(copy.toString(), false);
            assertThat(r.exitCode()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
            assertThat(r.outcomes()).extracting(CenterOutcome::center).containsExactly("c2");
        }
    }

    @Test
    @DisplayName("a backbone for other classes is refused before any work, naming both class lists")
    void otherClasses() throws IOException {
        String other = RetuneFixtures.fakeBackbone(store, 2, List.of("background", "liver", "spleen"));
        assertThatThrownBy(() -> new RetuneJob(ctx).run(new RetuneJob.Options(collection, store.root(), List.of(), other, true, null, null, 42, false)))
                .isInstanceOf(PromptsegException.class).hasMessageContaining(other).hasMessageContaining("[background, liver, spleen]")
                .hasMessageContaining("kidney_left");
    }

    @Test
    @DisplayName("the command needs --collection (usage error, exit 2)")
    void usage() {
        CliRun r = CliRun.of("retune", "--store", store.root());
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--collection");
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
