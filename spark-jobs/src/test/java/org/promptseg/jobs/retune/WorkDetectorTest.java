package org.promptseg.jobs.retune;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.common.Hashing;
import org.promptseg.jobs.retune.CenterPlan.Status;
import org.promptseg.jobs.retune.RetuneSettings.OtherBackbone;
import org.promptseg.store.PromptManifest;
import org.promptseg.store.PromptStore;

@DisplayName("retune finds work by comparing a center's train cases with the provenance of its production prompts")
class WorkDetectorTest {
    @TempDir
    Path dir;
    PromptStore store;
    String backbone;

    @BeforeEach
    void store() throws IOException {
        store = PromptStore.open(dir.resolve("store").toString());
        backbone = RetuneFixtures.fakeBackbone(store, 1);
    }

    static String sha(String content) {
        return Hashing.sha256Hex(content);
    }

    /** Train cases h-a, h-b, h-c with content "a", "b", "c"; 1 val and {@code test} test cases. */
    static CenterData data(String center, int test, String... cases) {
        Map<String, String> train = new TreeMap<>();
        for (String c : cases) {
            train.put("h-" + c, sha(c));
        }
        return new CenterData(center, new TreeMap<>(train), 1, test, List.of());
    }

    CenterPlan plan(CenterData d) throws IOException {
        return plan(d, OtherBackbone.SKIP, false);
    }

    CenterPlan plan(CenterData d, OtherBackbone policy, boolean retry) throws IOException {
        return WorkDetector.plan(d, AliasState.production(store, d.center()), AliasState.read(store, d.center(), AliasState.REJECTED), backbone, policy,
                retry);
    }

    @Test
    @DisplayName("a center without production prompts is new: generic start, gated against the bare backbone")
    void newCenter() throws IOException {
        CenterPlan p = plan(data("c2", 1, "a", "b"));
        assertThat(p.status()).isEqualTo(Status.NEW);
        assertThat(p.hasWork()).isTrue();
        assertThat(p.init()).isNull();
        assertThat(p.production().exists()).isFalse();
        assertThat(p.reason()).contains("no production prompts", "2 train case(s)", "1 test case(s)");
    }

    @Nested
    @DisplayName("production tuned on exactly the current train cases")
    class UpToDate {
        @Test
        @DisplayName("is up to date when the ids were recorded")
        void withIds() throws IOException {
            CenterData d = data("c0", 1, "a", "b", "c");
            RetuneFixtures.production(store, "c0", backbone, d.provenanceIds(), true, 1);
            CenterPlan p = plan(d);
            assertThat(p.status()).isEqualTo(Status.UP_TO_DATE);
            assertThat(p.hasWork()).isFalse();
            assertThat(p.reason()).contains("production 0001", "exactly these 3 train case(s)");
        }

        @Test
        @DisplayName("is up to date when only the hash of the case list was recorded")
        void hashOnly() throws IOException {
            CenterData d = data("c0", 1, "a", "b", "c");
            RetuneFixtures.production(store, "c0", backbone, d.provenanceIds(), false, 1);
            assertThat(plan(d).status()).isEqualTo(Status.UP_TO_DATE);
        }

        @Test
        @DisplayName("whatever order the ids were recorded in")
        void order() throws IOException {
            CenterData d = data("c0", 1, "a", "b", "c");
            List<String> reversed = new java.util.ArrayList<>(d.provenanceIds());
            java.util.Collections.reverse(reversed);
            RetuneFixtures.production(store, "c0", backbone, reversed, true, 1);
            assertThat(plan(d).status()).isEqualTo(Status.UP_TO_DATE);
        }
    }

    @Nested
    @DisplayName("changed train cases")
    class Changed {
        @Test
        @DisplayName("are counted as added, removed and changed, and tuning warm-starts from production")
        void counted() throws IOException {
            RetuneFixtures.production(store, "c1", backbone, data("c1", 1, "a", "b", "c").provenanceIds(), true, 1);
            Map<String, String> now = new TreeMap<>(data("c1", 1, "a", "d", "e").trainCases());
            now.put("h-a", sha("a edited"));
            CenterPlan p = plan(new CenterData("c1", new TreeMap<>(now), 1, 1, List.of()));
            assertThat(p.status()).isEqualTo(Status.CHANGED);
            assertThat(p.hasWork()).isTrue();
            assertThat(new int[] {p.added(), p.removed(), p.changed()}).containsExactly(2, 2, 1);
            assertThat(p.init()).isEqualTo("c1/0001");
            assertThat(p.reason()).contains("2 added, 2 removed, 1 changed");
        }

        @Test
        @DisplayName("are detected from the list hash alone when production records no ids")
        void hashOnly() throws IOException {
            RetuneFixtures.production(store, "c1", backbone, data("c1", 1, "a", "b").provenanceIds(), false, 1);
            CenterPlan p = plan(data("c1", 1, "a", "b", "c"));
            assertThat(p.status()).isEqualTo(Status.CHANGED);
            assertThat(new int[] {p.added(), p.removed(), p.changed()}).containsExactly(-1, -1, -1);
            assertThat(p.reason()).contains("ids not recorded");
        }

        @Test
        @DisplayName("a case whose voxels changed but not its id is a change")
        void contentOnly() throws IOException {
            RetuneFixtures.production(store, "c1", backbone, data("c1", 1, "a", "b").provenanceIds(), true, 1);
            Map<String, String> now = new TreeMap<>(data("c1", 1, "a", "b").trainCases());
            now.put("h-b", sha("b, relabelled"));
            CenterPlan p = plan(new CenterData("c1", new TreeMap<>(now), 1, 1, List.of()));
            assertThat(p.status()).isEqualTo(Status.CHANGED);
            assertThat(new int[] {p.added(), p.removed(), p.changed()}).containsExactly(0, 0, 1);
        }
    }

    @Nested
    @DisplayName("production on another backbone")
    class OtherBackboneProduction {
        String other;

        @BeforeEach
        void otherBackbone() throws IOException {
            other = RetuneFixtures.fakeBackbone(store, 2);
            RetuneFixtures.production(store, "c0", other, data("c0", 1, "a").provenanceIds(), true, 1);
        }

        @Test
        @DisplayName("is left alone and reported with policy skip")
        void skip() throws IOException {
            CenterPlan p = plan(data("c0", 1, "a", "b"), OtherBackbone.SKIP, false);
            assertThat(p.status()).isEqualTo(Status.OTHER_BACKBONE);
            assertThat(p.hasWork()).isFalse();
            assertThat(p.reason()).contains(other.substring(0, 12), backbone.substring(0, 12), "other-backbone = skip");
        }

        @Test
        @DisplayName("is tuned afresh from the generic prompts with policy migrate")
        void migrate() throws IOException {
            CenterPlan p = plan(data("c0", 1, "a"), OtherBackbone.MIGRATE, false);
            assertThat(p.status()).isEqualTo(Status.MIGRATE);
            assertThat(p.hasWork()).isTrue();
            assertThat(p.init()).as("prompts of another backbone cannot be a start").isNull();
        }
    }

    @Nested
    @DisplayName("no work is planned")
    class NoWork {
        @Test
        @DisplayName("without a test case (the gate could not measure) or without a train case")
        void tooFew() throws IOException {
            assertThat(plan(data("c3", 0, "a", "b")).status()).isEqualTo(Status.NOT_ENOUGH_DATA);
            CenterPlan none = plan(data("c3", 2));
            assertThat(none.status()).isEqualTo(Status.NOT_ENOUGH_DATA);
            assertThat(none.reason()).contains("0 labelled train and 2 test case(s)");
        }

        @Test
        @DisplayName("on partial data: a case that cannot be read blocks the center")
        void unreadable() throws IOException {
            CenterData d = new CenterData("c0", new TreeMap<>(data("c0", 1, "a").trainCases()), 1, 1, List.of("h-0123 (VolumeFormatException)"));
            CenterPlan p = plan(d);
            assertThat(p.status()).isEqualTo(Status.UNREADABLE);
            assertThat(p.hasWork()).isFalse();
            assertThat(p.reason()).contains("h-0123", "dataset check");
        }
    }

    @Nested
    @DisplayName("a candidate the gate refused")
    class Rejected {
        CenterData now;
        PromptManifest refused;

        @BeforeEach
        void refusedCandidate() throws IOException {
            RetuneFixtures.production(store, "c1", backbone, data("c1", 1, "a").provenanceIds(), true, 1);
            now = data("c1", 1, "a", "b");
            refused = RetuneFixtures.publish(store, "c1", backbone, now.provenanceIds(), true, 2);
            store.promote("c1", AliasState.REJECTED, refused.version());
        }

        @Test
        @DisplayName("made from exactly the current cases is not tuned again: the center waits for new data")
        void waits() throws IOException {
            CenterPlan p = plan(now);
            assertThat(p.status()).isEqualTo(Status.REJECTED_BEFORE);
            assertThat(p.hasWork()).isFalse();
            assertThat(p.reason()).contains("candidate 0002", "--retry-rejected");
        }

        @Test
        @DisplayName("is tried again with --retry-rejected")
        void retry() throws IOException {
            assertThat(plan(now, OtherBackbone.SKIP, true).status()).isEqualTo(Status.CHANGED);
        }

        @Test
        @DisplayName("made from other cases does not hold back new data")
        void newData() throws IOException {
            assertThat(plan(data("c1", 1, "a", "b", "c")).status()).isEqualTo(Status.CHANGED);
        }
    }
}
