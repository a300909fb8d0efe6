package org.promptseg.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.promptseg.common.Json;

@DisplayName("Metrics records")
class MetricsJsonAndSummaryTest {

    private static ClassMetrics metrics(String name, long reference, long prediction, long overlap, double hd95) {
        return ClassMetrics.of(1, name, reference, prediction, overlap, () -> hd95);
    }

    @Test
    @DisplayName("serialise to JSON with snake_case keys and undefined HD95 as null, and read back equal")
    void jsonRoundTrip() throws Exception {
        CaseMetrics original = new CaseMetrics("a1b2", List.of(
                metrics("liver", 100, 80, 70, 3.25),
                metrics("liver", 0, 5, 0, 99)));
        String json = Json.pretty(original);

        JsonNode tree = Json.mapper().readTree(json);
        assertThat(tree.get("case_id").asText()).isEqualTo("a1b2");
        JsonNode measured = tree.get("classes").get(0);
        assertThat(measured.get("hd95_mm").asDouble()).isEqualTo(3.25);
        assertThat(measured.get("reference_voxels").asLong()).isEqualTo(100);
        assertThat(measured.get("presence").asText()).isEqualTo("BOTH");
        JsonNode undefined = tree.get("classes").get(1);
        assertThat(undefined.get("hd95_mm").isNull()).isTrue();
        assertThat(undefined.get("dice").asDouble()).isZero();
        assertThat(json).doesNotContain("NaN");

        assertThat(Json.mapper().readValue(json, CaseMetrics.class)).isEqualTo(original);
    }

    @Test
    @DisplayName("average Dice over all cases and HD95 only where defined, counting the skipped ones")
    void summary() {
        List<CaseMetrics> cases = List.of(
                new CaseMetrics("c", List.of(metrics("liver", 10, 10, 10, 2.0))),   // Dice 1, HD95 2
                new CaseMetrics("a", List.of(metrics("liver", 10, 30, 10, 4.0))),   // Dice 0.5, HD95 4
                new CaseMetrics("b", List.of(metrics("liver", 10, 0, 0, 99))),      // missed
                new CaseMetrics("d", List.of(metrics("liver", 0, 3, 0, 99))),       // false detection
                new CaseMetrics("e", List.of(metrics("liver", 0, 0, 0, 99))));      // correctly absent: Dice 1, HD95 0

        MetricsSummary liver = MetricsSummary.perClass(cases).get(0);
        assertThat(liver.cases()).isEqualTo(5);
        assertThat(liver.meanDice()).isCloseTo((1 + 0.5 + 0 + 0 + 1) / 5, within(1e-12));
        assertThat(liver.hd95Cases()).isEqualTo(3);
        assertThat(liver.meanHd95Mm()).isCloseTo((2.0 + 4.0 + 0.0) / 3, within(1e-12));
        assertThat(liver.missed()).isEqualTo(1);
        assertThat(liver.falseDetections()).isEqualTo(1);
        assertThat(liver.correctlyAbsent()).isEqualTo(1);
    }

    @Test
    @DisplayName("leave the mean HD95 undefined (JSON null) when no case defines it")
    void noDefinedHd95() throws Exception {
        MetricsSummary s = MetricsSummary.perClass(List.of(new CaseMetrics("a", List.of(metrics("liver", 5, 0, 0, 1))))).get(0);
        assertThat(s.meanHd95Mm()).isNaN();
        assertThat(Json.mapper().readTree(Json.pretty(s)).get("mean_hd95_mm").isNull()).isTrue();
        assertThat(Json.mapper().readValue(Json.pretty(s), MetricsSummary.class)).isEqualTo(s);
    }
}
