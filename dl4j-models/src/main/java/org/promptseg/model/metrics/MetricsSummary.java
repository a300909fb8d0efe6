package org.promptseg.model.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-class averages over cases, with the empty-mask policy applied explicitly: Dice is averaged
 * over every case (a correct "absent" counts 1, a miss or false detection 0); HD95 is averaged over
 * the cases where it is defined, and the others are counted, never silently dropped.
 *
 * @param label              the class's label value
 * @param name               the class's name
 * @param cases              cases that scored this class
 * @param meanDice           mean Dice over all those cases
 * @param hd95Cases          cases with a defined HD95 (both masks present, or both empty)
 * @param meanHd95Mm         mean HD95 over those, {@code NaN} (JSON null) if there are none
 * @param missed             cases with the class in the reference only (HD95 undefined)
 * @param falseDetections    cases with the class in the prediction only (HD95 undefined)
 * @param correctlyAbsent    cases with the class in neither (Dice 1, HD95 0)
 */
public record MetricsSummary(
        @JsonProperty("label") int label,
        @JsonProperty("name") String name,
        @JsonProperty("cases") int cases,
        @JsonProperty("mean_dice") double meanDice,
        @JsonProperty("hd95_cases") int hd95Cases,
        @JsonProperty("mean_hd95_mm")
        @JsonSerialize(using = UndefinedAsNull.Serializer.class)
        @JsonDeserialize(using = UndefinedAsNull.Deserializer.class)
        double meanHd95Mm,
        @JsonProperty("missed") int missed,
        @JsonProperty("false_detections") int falseDetections,
        @JsonProperty("correctly_absent") int correctlyAbsent) {

    /**
     * One summary per class that appears in any case, by label. Cases are summed in case-id order in
     * double precision, so the result does not depend on the order results arrived in.
     */
    public static List<MetricsSummary> perClass(List<CaseMetrics> results) {
        List<CaseMetrics> ordered = new ArrayList<>(results);
        ordered.sort(Comparator.comparing(CaseMetrics::caseId));
        Map<Integer, List<ClassMetrics>> byLabel = new TreeMap<>();
        for (CaseMetrics result : ordered) {
            for (ClassMetrics metrics : result.classes()) {
                byLabel.computeIfAbsent(metrics.label(), l -> new ArrayList<>()).add(metrics);
            }
        }
        List<MetricsSummary> summaries = new ArrayList<>();
        byLabel.forEach((label, list) -> summaries.add(of(label, list)));
        return summaries;
    }

    private static MetricsSummary of(int label, List<ClassMetrics> list) {
        double diceSum = 0;
        double hdSum = 0;
        int hdCases = 0;
        int missed = 0;
        int falseDetections = 0;
        int absent = 0;
        for (ClassMetrics m : list) {
            diceSum += m.dice();
            if (m.hasHd95()) {
                hdSum += m.hd95Mm();
                hdCases++;
            }
            switch (m.presence()) {
                case REFERENCE_ONLY -> missed++;
                case PREDICTION_ONLY -> falseDetections++;
                case NEITHER -> absent++;
                case BOTH -> { }
            }
        }
        return new MetricsSummary(label, list.get(0).name(), list.size(), diceSum / list.size(), hdCases,
                hdCases == 0 ? Double.NaN : hdSum / hdCases, missed, falseDetections, absent);
    }
}
