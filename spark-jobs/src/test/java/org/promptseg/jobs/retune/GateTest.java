package org.promptseg.jobs.retune;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.store.PromptManifest;
import org.promptseg.store.PromptStore;

@DisplayName("the promotion gate")
class GateTest {
    @TempDir
    Path dir;
    PromptStore store;
    String backbone;
    AliasState c0;

    @BeforeEach
    void store() throws IOException {
        store = PromptStore.open(dir.resolve("store").toString());
        backbone = RetuneFixtures.fakeBackbone(store, 1);
        RetuneFixtures.production(store, "c0", backbone, List.of("h-a:0123456789abcdef"), true, 1);
        c0 = AliasState.production(store, "c0");
    }

    static final Map<String, Double> C0_DICE = Map.of("backbone", 0.61, "prompts-c0-0001", 0.74);

    Gate.Decision decide(double candidate, double baseline, double minGainPp, Gate.OtherCenter... others) {
        return Gate.decide(new Gate.Inputs("c2", "0003", candidate, "production 0002", baseline, minGainPp, 0.0, List.of(others)));
    }

    Gate.OtherCenter unchangedC0() {
        return new Gate.OtherCenter("c0", c0, c0, C0_DICE, C0_DICE);
    }

    @Nested
    @DisplayName("on the candidate's own center")
    class OwnCenter {
        @Test
        @DisplayName("promotes a candidate that beats the baseline by the margin, and says by how much")
        void promotes() {
            Gate.Decision d = decide(0.80, 0.78, 1.0, unchangedC0());
            assertThat(d.promote()).isTrue();
            assertThat(d.gainPp()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(d.summary()).contains("candidate 0003", "production 0002", "+2.00 pp", "1 other center(s) verified unchanged");
            assertThat(d.otherCenters()).singleElement().satisfies(c -> assertThat(c.unchanged()).isTrue());
        }

        @Test
        @DisplayName("refuses a candidate that is better, but by less than the margin")
        void belowMargin() {
            Gate.Decision d = decide(0.785, 0.78, 1.0, unchangedC0());
            assertThat(d.promote()).isFalse();
            assertThat(d.summary()).contains("+0.50 pp", "below the required +1.00 pp", "min-gain-pp");
        }

        @Test
        @DisplayName("refuses a worse candidate; a negative margin lets a small loss through")
        void worse() {
            assertThat(decide(0.70, 0.78, 0.0).promote()).isFalse();
            assertThat(decide(0.77, 0.78, -2.0).promote()).isTrue();
        }

        @Test
        @DisplayName("an exact tie passes a zero margin (no float noise in the comparison)")
        void tie() {
            assertThat(decide(0.3, 0.1 + 0.2, 0.0).promote()).isTrue();
        }

        @Test
        @DisplayName("refuses when the candidate or the baseline has no Dice")
        void noDice() {
            assertThat(decide(Double.NaN, 0.5, -100).summary()).contains("has no Dice");
            assertThat(decide(0.5, Double.NaN, -100).promote()).isFalse();
        }
    }

    @Nested
    @DisplayName("on the other centers (verified, not assumed)")
    class OtherCenters {
        @Test
        @DisplayName("refuses when another center's production moved during the run")
        void productionMoved() throws IOException {
            PromptManifest v2 = RetuneFixtures.publish(store, "c0", backbone, List.of("h-a:0123456789abcdef"), true, 2);
            store.promote("c0", AliasState.PRODUCTION, v2.version());
            AliasState after = AliasState.production(store, "c0");
            Gate.Decision d = decide(0.9, 0.5, 0.0, new Gate.OtherCenter("c0", c0, after, C0_DICE, C0_DICE));
            assertThat(d.promote()).isFalse();
            assertThat(d.summary()).contains("other center c0", "production changed during the run", "from 0001", "to 0002");
        }

        @Test
        @DisplayName("a promote of the same version (new alias entry, same tensors) is no change")
        void samePromotedAgain() throws IOException {
            store.promote("c0", AliasState.PRODUCTION, "0001");
            AliasState after = AliasState.production(store, "c0");
            assertThat(after.aliasEntry()).isGreaterThan(c0.aliasEntry());
            assertThat(decide(0.9, 0.5, 0.0, new Gate.OtherCenter("c0", c0, after, C0_DICE, C0_DICE)).promote()).isTrue();
        }

        @Test
        @DisplayName("refuses when another center's Dice changed, naming the variant and both values")
        void diceChanged() {
            Gate.Decision d = decide(0.9, 0.5, 0.0, new Gate.OtherCenter("c0", c0, c0, C0_DICE, Map.of("backbone", 0.61, "prompts-c0-0001", 0.7399)));
            assertThat(d.promote()).isFalse();
            assertThat(d.summary()).contains("prompts-c0-0001", "0.740000", "0.739900", "max-other-change-pp");
            assertThat(d.otherCenters().get(0).maxChangePp()).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-9));
        }

        @Test
        @DisplayName("tolerates changes within max-other-change-pp")
        void tolerance() {
            Gate.Decision d = Gate.decide(new Gate.Inputs("c2", "0003", 0.9, "bare backbone", 0.5, 0.0, 0.05, List.of(new Gate.OtherCenter("c0", c0, c0,
                    C0_DICE, Map.of("backbone", 0.61, "prompts-c0-0001", 0.7399)))));
            assertThat(d.promote()).isTrue();
        }

        @Test
        @DisplayName("refuses when a variant evaluated before is missing after; NaN before and after counts as unchanged")
        void missingAndNaN() {
            Map<String, Double> before = Map.of("backbone", Double.NaN, "prompts-c0-0001", 0.74);
            Gate.Decision d = decide(0.9, 0.5, 0.0, new Gate.OtherCenter("c0", c0, c0, before, Map.of("backbone", Double.NaN)));
            assertThat(d.promote()).isFalse();
            assertThat(d.reasons()).singleElement().asString().contains("prompts-c0-0001 was evaluated before tuning but not after");
        }

        @Test
        @DisplayName("lists every reason, own center and other centers together")
        void everyReason() throws IOException {
            Gate.Decision d = decide(0.4, 0.5, 0.0, new Gate.OtherCenter("c0", c0, c0, C0_DICE, Map.of("backbone", 0.5, "prompts-c0-0001", 0.74)));
            assertThat(d.reasons()).hasSize(2);
        }
    }
}
