package org.promptseg.jobs.retune;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.common.Json;
import org.promptseg.jobs.cli.CliRun;
import org.promptseg.jobs.cli.ExitCodes;
import org.promptseg.store.PromptManifest;
import org.promptseg.store.PromptStore;

/**
 * What a schedule sees, end to end, with real training: Spark local[2], NIfTI files, a filesystem store and the CLI.
 * A tiny backbone (3 levels of 4-16 channels, 16³ patches, input prompts) is pretrained on centers c0 and c1 of a
 * synthetic collection; then retune runs five times:
 * <ol>
 *   <li>new center c2 → tuned, gated, promoted; c0 and c1 verified unchanged;</li>
 *   <li>again → nothing to do, nothing written;</li>
 *   <li>c1 gets two more labelled cases → re-tuned from its production prompts, promoted;</li>
 *   <li>c0's train labels are emptied (a label-corrupted case set) → its candidate is worse than production and the gate
 *       (default margin) refuses it: exit 3, production unchanged;</li>
 *   <li>again → the refused data is not tuned again: nothing to do.</li>
 * </ol>
 * The promotion steps run with a lenient margin ({@code min-gain-pp = -5}: a candidate may be up to 5 Dice points worse
 * than its baseline on the center's single test case): they check the mechanics — shard, warm start, evaluation before
 * and after, the other centers' verification, compare-and-set promotion — not tuning quality. The refusal runs with
 * the default margin and must also measure the corrupted candidate below production.
 */
@Tag("slow")
@DisplayName("retune as a schedule runs it")
class RetuneScheduleTest {
    static final String[] TINY = {
        "--set", "promptseg.spark.master=local[2]",
        "--set", "promptseg.model.presets.tiny.channels=[4,8,16]",
        "--set", "promptseg.model.presets.tiny.patch=[16,16,16]",
        "--set", "promptseg.pretrain.local-steps=10",
        "--set", "promptseg.optim.learning-rate-full=1e-2",
        "--set", "promptseg.tune.local-steps=5",
        "--set", "promptseg.rounds.validate-every=0",
        "--set", "promptseg.retune.rounds=6",
        "--set", "promptseg.retune.patches-per-case=8",
    };
    static final String LENIENT = "promptseg.retune.min-gain-pp=-5";

    @TempDir
    Path dir;

    CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(TINY));
        CliRun r = CliRun.of(all.toArray(String[]::new));
        System.out.println("$ promptseg " + String.join(" ", args) + "\n" + r.out() + "\n(exit " + r.exitCode() + ")");
        return r;
    }

    CliRun retune(String... extra) {
        List<String> args = new ArrayList<>(List.of("retune", "--collection", dir.resolve("coll").toString(), "--store", store()));
        args.addAll(List.of(extra));
        return cli(args.toArray(String[]::new));
    }

    String store() {
        return dir.resolve("store").toString();
    }

    /** Every file under the store, to show that a run wrote nothing. */
    List<String> storeFiles() throws IOException {
        try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
            return s.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    /** The retune.json of the run a CLI output names ("report: <folder>/index.html"). */
    JsonNode report(CliRun r) throws IOException {
        String line = r.out().lines().filter(l -> l.startsWith("report: ")).findFirst().orElseThrow();
        Path folder = Path.of(java.net.URI.create(line.substring("report: ".length()).replace("/index.html", "")));
        return Json.mapper().readTree(Files.readString(folder.resolve(RetuneResult.FILE_NAME)));
    }

    static JsonNode outcome(JsonNode report, String center) {
        for (JsonNode o : report.get("outcomes")) {
            if (o.get("center").asText().equals(center)) {
                return o;
            }
        }
        throw new AssertionError("no outcome for " + center + " in " + report);
    }

    @Test
    @DisplayName("new center promoted; nothing to do; new cases re-tuned; a label-corrupted candidate refused while production stays")
    void schedule() throws IOException {
        Path coll = dir.resolve("coll");
        RetuneFixtures.synth(coll, 3, 6, 32, 3);
        RetuneFixtures.synth(dir.resolve("more"), 3, 8, 32, 3); // same seed: case_000..005 identical, plus case_006 and case_007

        assertThat(cli("shard", "--collection", coll.toString(), "--out", dir.resolve("patches").toString(), "--centers", "c0,c1", "--preset", "tiny",
                "--patches-per-case", "8").exitCode()).isZero();
        assertThat(cli("pretrain", "--patches", dir.resolve("patches").toString(), "--centers", "c0,c1", "--store", store(), "--prompts", "input",
                "--rounds", "30").exitCode()).isZero();
        PromptStore store = PromptStore.open(store());
        AliasState c0Start = AliasState.production(store, "c0");
        AliasState c1Start = AliasState.production(store, "c1");

        // 1. a new center: tuned from the generic prompts, gated against the bare backbone, promoted
        CliRun first = retune("--set", LENIENT);
        assertThat(first.exitCode()).as(first.err()).isEqualTo(ExitCodes.OK);
        assertThat(first.out()).containsPattern("c0 +up-to-date").containsPattern("c1 +up-to-date").containsPattern("c2 +new")
                .containsPattern("c2 +promoted");
        JsonNode r1 = report(first);
        JsonNode c2 = outcome(r1, "c2");
        assertThat(c2.get("result").asText()).isEqualTo("PROMOTED");
        assertThat(store.alias("c2", AliasState.PRODUCTION)).contains(c2.get("candidate").asText());
        assertThat(c2.get("gate").get("baseline").asText()).isEqualTo("bare backbone");
        assertThat(c2.get("gate").get("other_centers")).hasSize(2).allSatisfy(o -> {
            assertThat(o.get("unchanged").asBoolean()).isTrue();
            assertThat(o.get("dice_before")).isNotEmpty().isEqualTo(o.get("dice_after"));
        });
        assertThat(AliasState.production(store, "c0").sameAs(c0Start)).isTrue();
        assertThat(AliasState.production(store, "c1").sameAs(c1Start)).isTrue();
        Path run1 = Path.of(java.net.URI.create(r1.get("run_folder").asText()));
        assertThat(run1.getParent()).isEqualTo(dir.resolve("store/runs"));
        assertThat(run1.resolve("c2/evaluation/index.html")).exists();
        assertThat(run1.resolve("c2/evaluation-before/index.html")).exists();
        assertThat(run1.resolve("c2/patches")).as("patches are patient data: deleted after the run").doesNotExist();
        assertThat(Files.readString(run1.resolve("index.html"))).contains("c2/evaluation/index.html", "c2/evaluation/dice.png", "promoted");
        assertThat(cli("store", "verify", "--store", store()).exitCode()).as("the run folder keeps the store valid").isZero();

        // 2. no new data: nothing to do, nothing written
        List<String> before = storeFiles();
        CliRun second = retune();
        assertThat(second.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(second.out()).contains("nothing to do").doesNotContain("report:");
        assertThat(storeFiles()).isEqualTo(before);

        // 3. two more labelled cases for c1: the dry run sees them and writes nothing; the run re-tunes c1 from its production
        for (String id : List.of("case_006", "case_007")) {
            Files.copy(dir.resolve("more/c1/imagesTr/" + id + "_0000.nii.gz"), coll.resolve("c1/imagesTr/" + id + "_0000.nii.gz"));
            Files.copy(dir.resolve("more/c1/labelsTr/" + id + ".nii.gz"), coll.resolve("c1/labelsTr/" + id + ".nii.gz"));
        }
        ObjectNode dataset = (ObjectNode) Json.mapper().readTree(Files.readString(coll.resolve("c1/dataset.json")));
        dataset.put("numTraining", 8);
        Files.writeString(coll.resolve("c1/dataset.json"), Json.pretty(dataset));
        CliRun dry = retune("--dry-run", "--json");
        assertThat(dry.exitCode()).isEqualTo(ExitCodes.OK);
        JsonNode plan = Json.mapper().readTree(dry.out());
        assertThat(plan.get("dry_run").asBoolean()).isTrue();
        assertThat(plan.get("plan").get(1).get("status").asText()).isEqualTo("CHANGED");
        assertThat(plan.get("plan").get(1).get("added").asInt()).isPositive();
        assertThat(storeFiles()).isEqualTo(before);

        CliRun third = retune("--set", LENIENT);
        assertThat(third.exitCode()).as(third.err()).isEqualTo(ExitCodes.OK);
        JsonNode c1 = outcome(report(third), "c1");
        assertThat(c1.get("result").asText()).isEqualTo("PROMOTED");
        assertThat(c1.get("plan").get("init").asText()).isEqualTo("c1/" + c1Start.version());
        assertThat(c1.get("gate").get("baseline").asText()).isEqualTo("production " + c1Start.version());
        PromptManifest c1Now = store.manifest("c1", AliasState.PRODUCTION);
        assertThat(c1Now.parentVersion()).as("warm start from production").isEqualTo(c1Start.version());
        assertThat(c1Now.provenance().caseCount()).isEqualTo(c1.get("plan").get("train_cases").asInt()).isGreaterThan(c1Start.provenance().caseCount());
        assertThat(outcome(report(third), "c1").get("gate").get("other_centers")).hasSize(2);
        assertThat(AliasState.production(store, "c0").sameAs(c0Start)).isTrue();

        // 4. c0's train labels emptied: the candidate learns to miss the organs, the gate (default margin) refuses it
        RetuneFixtures.emptyLabels(coll, "c0", RetuneFixtures.trainCases(coll.toString(), "c0"));
        AliasState c2Now = AliasState.production(store, "c2");
        CliRun fourth = retune();
        assertThat(fourth.exitCode()).as(fourth.out() + fourth.err()).isEqualTo(ExitCodes.CANDIDATE_REJECTED);
        JsonNode c0 = outcome(report(fourth), "c0");
        assertThat(c0.get("result").asText()).isEqualTo("REJECTED");
        assertThat(c0.get("gate").get("gain_pp").asDouble()).as("the corrupted candidate is really worse").isNegative();
        assertThat(c0.get("message").asText()).contains("kept as candidate", "production " + c0Start.version() + " unchanged", "min-gain-pp");
        assertThat(AliasState.production(store, "c0").sameAs(c0Start)).as("production stays").isTrue();
        assertThat(store.alias("c0", AliasState.CANDIDATE)).contains(c0.get("candidate").asText());
        assertThat(store.alias("c0", AliasState.REJECTED)).contains(c0.get("candidate").asText());
        assertThat(AliasState.production(store, "c2").sameAs(c2Now)).isTrue();

        // 5. the refused data is not tuned again on the next tick
        before = storeFiles();
        CliRun fifth = retune();
        assertThat(fifth.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(fifth.out()).containsPattern("c0 +rejected-before").contains("nothing to do");
        assertThat(storeFiles()).isEqualTo(before);
    }
}
