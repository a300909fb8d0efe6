package org.promptseg.jobs.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.common.Json;
import org.promptseg.common.PromptsegException;
import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.config.PromptsegConfig;
import org.promptseg.jobs.progress.Progress;
import org.promptseg.jobs.spark.SparkSessions;
import org.promptseg.jobs.spark.SparkSettings;
import org.promptseg.store.PromptStore;
import org.promptseg.volume.dataset.CenterCollection;
import org.promptseg.volume.synth.SynthOptions;
import org.promptseg.volume.synth.SyntheticCollection;

/**
 * A selection campaign on Spark local[2] with real files: a synthetic center (3 labelled cases, 8 in the pool) and an
 * untrained backbone in a real store. The pool's reference labels are moved out of the collection before anything runs,
 * so select cannot have read them; the test plays the clinician with them.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("promptseg select on Spark local[2]")
class SelectJobTest {
    @TempDir
    static Path tmp;
    static SparkSession spark;
    static JobContext ctx;
    static String coll;
    static String store;
    static Path references;
    static SelectJob.Result round0;
    static SelectJob.Result round1;

    @BeforeAll
    static void setUp() throws IOException {
        Config config = PromptsegConfig.load(List.of(), UntrainedBackbone.testSettings());
        coll = tmp.resolve("coll").toString();
        SyntheticCollection.generate(SynthOptions.defaults().with(1, 3, 8, 32, 5), coll, new Configuration(), false);
        references = Files.move(tmp.resolve("coll/c0/labelsTs"), tmp.resolve("reference-labels"));
        store = tmp.resolve("store").toString();
        UntrainedBackbone.publish(PromptStore.open(store), CenterCollection.open(coll, new Configuration()), "c0", config, 3);
        spark = SparkSessions.create(SparkSettings.fromConfig(config), "select-test");
        ctx = new JobContext(config, spark, Progress.silent());
    }

    @AfterAll
    static void tearDown() {
        if (spark != null) {
            spark.stop();
        }
    }

    static SelectJob job(String labellingDir) {
        SelectOptions o = SelectOptions.fromConfig(ctx.config());
        return new SelectJob(ctx, new SelectOptions(labellingDir, o.includeLabelsTr(), o.start(), o.measure(), o.foregroundThreshold(),
                o.shortlistFactor(), o.ensemble()));
    }

    static SelectJob.Options options(String budget, Integer round, long seed) {
        return new SelectJob.Options(coll, store, "c0", Budget.parse(budget), round, "latest", seed, null, false);
    }

    static List<String> listed(String labellingDir, int round) throws IOException {
        return LabellingLedger.read(CenterCollection.open(coll, new Configuration()).dataset("c0"), labellingDir, new Configuration()).rounds().get(round);
    }

    static void deliver(String labellingDir, List<String> ids) throws IOException {
        Path labels = Files.createDirectories(tmp.resolve("coll/c0").resolve(labellingDir).resolve("labels"));
        for (String id : ids) {
            Files.copy(references.resolve(id + ".nii.gz"), labels.resolve(id + ".nii.gz"));
        }
    }

    static String runFolderText(SelectJob.Result r) throws IOException {
        Path dir = Path.of(java.net.URI.create(r.selectionJson())).getParent();
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                assertThat(f.getFileName().toString()).isIn("selection.json", "selection.csv");
                b.append(Files.readString(f));
            }
        }
        return b.toString();
    }

    @Test
    @Order(1)
    @DisplayName("round 0 picks the budget by diversity: farthest-first from the labelled cases, ranked, scored, written to both places")
    void roundZero() throws IOException {
        round0 = job("selection").run(options("40%", null, 7)); // 40% of 8 = 3.2 -> 3
        assertThat(round0.round()).isZero();
        assertThat(round0.poolSize()).isEqualTo(8);
        assertThat(round0.labelledCases()).isEqualTo(2); // labelsTr train + val of 3 cases (the test case is kept out)
        assertThat(round0.candidateCases()).isEqualTo(8);
        assertThat(round0.budgetCases()).isEqualTo(3);
        assertThat(round0.selected()).hasSize(3).extracting(SelectJob.Selected::rank).containsExactly(1, 2, 3);
        List<Double> scores = round0.selected().stream().map(SelectJob.Selected::score).toList();
        assertThat(scores).doesNotContainNull().allMatch(s -> s > 0);
        assertThat(scores.get(1)).isLessThanOrEqualTo(scores.get(0));
        assertThat(scores.get(2)).isLessThanOrEqualTo(scores.get(1));

        // the clinician's list: clear ids of pool cases, in the order of the published (salted) ids
        List<String> ids = listed("selection", 0);
        assertThat(ids).hasSize(3).doesNotHaveDuplicates().allMatch(id -> id.startsWith("pool_"));
        assertThat(round0.selected().stream().map(SelectJob.Selected::caseId).toList())
                .isEqualTo(ids.stream().map(id -> ctx.caseIds().publish("c0", id)).toList());
        String list = Files.readString(tmp.resolve("coll/c0/selection/round-0.csv"));
        assertThat(list).contains("imagesTs/" + ids.get(0) + "_0000.nii.gz", "selection/labels/" + ids.get(0) + ".nii.gz");

        // the store: salted ids and scores only
        assertThat(round0.selectionJson()).contains("/store/runs/" + round0.runId() + "/selection.json");
        String published = runFolderText(round0);
        assertThat(published).doesNotContainPattern("pool_\\d{3}").doesNotContainPattern("case_\\d{3}").contains(round0.selected().get(0).caseId());
        JsonNode json = Json.mapper().readTree(Files.readString(Path.of(java.net.URI.create(round0.selectionJson()))));
        assertThat(json.get("selected")).hasSize(3);
        assertThat(json.get("selected").get(0).get("reason").asText()).contains("farthest");
        assertThat(Files.readString(Path.of(java.net.URI.create(round0.selectionCsv())))).startsWith("rank,case_id,score,reason,round\n1,h-");
    }

    @Test
    @Order(2)
    @DisplayName("the same seed gives the same selection (a second campaign from scratch)")
    void roundZeroIsDeterministic() throws IOException {
        SelectJob.Result again = job("selection-b").run(options("40%", 0, 7));
        assertThat(listed("selection-b", 0)).isEqualTo(listed("selection", 0));
        assertThat(again.selected()).isEqualTo(round0.selected());
    }

    @Test
    @Order(3)
    @DisplayName("an existing round's list is not replaced without --overwrite, and nothing is computed for it")
    void noOverwrite() {
        assertThatThrownBy(() -> job("selection").run(options("2", 0, 7))).isInstanceOf(PromptsegException.class)
                .hasMessageContaining("round-0.csv").hasMessageContaining("--overwrite");
    }

    @Test
    @Order(4)
    @DisplayName("round 1 needs labels: without any it says where to deliver them")
    void roundOneWithoutLabels() {
        SelectOptions o = SelectOptions.fromConfig(ctx.config()).withIncludeLabelsTr(false);
        SelectJob j = new SelectJob(ctx, new SelectOptions("selection-c", false, o.start(), o.measure(), o.foregroundThreshold(), o.shortlistFactor(),
                o.ensemble()));
        assertThatThrownBy(() -> j.run(options("2", 1, 7))).isInstanceOf(PromptsegException.class)
                .hasMessageContaining("needs labelled cases").hasMessageContaining("selection-c/labels/<case id>.nii.gz")
                .hasMessageContaining("include-labels-tr = false");
    }

    @Test
    @Order(5)
    @DisplayName("round 1 (tandem): tunes the prompt ensemble on the labelled cases, skips labelled and pending cases, picks uncertain and diverse")
    void roundOne() throws IOException {
        List<String> r0 = listed("selection", 0);
        deliver("selection", r0.subList(0, 2)); // the third is still with the clinician: pending
        round1 = job("selection").run(options("2", null, 7));
        assertThat(round1.round()).isEqualTo(1);
        assertThat(round1.labelledCases()).isEqualTo(4); // 2 from labelsTr + 2 delivered
        assertThat(round1.pendingCases()).isEqualTo(1);
        assertThat(round1.candidateCases()).isEqualTo(5);
        assertThat(round1.shortlist()).isEqualTo(5); // 3 x 2 = 6, capped at the 5 candidates
        assertThat(round1.ensembleMembers()).isEqualTo(3);
        assertThat(round1.measure()).isEqualTo("variance");
        List<String> ids = listed("selection", 1);
        assertThat(ids).hasSize(2).doesNotContainAnyElementsOf(r0);
        assertThat(round1.selected()).allSatisfy(s -> {
            assertThat(s.round()).isEqualTo(1);
            assertThat(s.score()).isPositive();
            assertThat(s.reason()).contains("variance", "most uncertain of 5", "shortlist of 5");
        });
        assertThat(runFolderText(round1)).doesNotContainPattern("pool_\\d{3}");
    }

    @Test
    @Order(6)
    @DisplayName("round 1 with the same seed and the same labels gives the same selection")
    void roundOneIsDeterministic() throws IOException {
        deliver("selection-b", listed("selection-b", 0).subList(0, 2));
        SelectJob.Result again = job("selection-b").run(options("2", null, 7));
        assertThat(listed("selection-b", 1)).isEqualTo(listed("selection", 1));
        assertThat(again.selected()).isEqualTo(round1.selected());
    }

    @Test
    @Order(7)
    @DisplayName("the budget is capped at the cases still selectable")
    void cappedBudget() throws IOException {
        SelectJob.Result r = job("selection-b").run(new SelectJob.Options(coll, store, "c0", Budget.parse("50"), 0, "latest", 7, "capped", true));
        assertThat(r.budgetCases()).isEqualTo(r.candidateCases()).isEqualTo(new ArrayList<>(listed("selection-b", 0)).size());
        assertThat(r.runId()).isEqualTo("capped");
    }
}
