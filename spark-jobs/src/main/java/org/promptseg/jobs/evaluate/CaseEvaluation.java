package org.promptseg.jobs.evaluate;

import java.io.Serializable;
import java.util.Map;
import org.promptseg.model.metrics.CaseMetrics;

/**
 * What one task found for one test case: per variant the metrics and, unless images are off, an axial
 * overlay (PNG) of the slice with the most ground truth.
 */
public record CaseEvaluation(String center, String caseKey, Map<String, CaseMetrics> metrics, Map<String, byte[]> overlays,
                             Map<String, Long> millis) implements Serializable {

    /** Mean Dice over the scored classes of one variant, NaN if it has none. */
    public double meanDice(String variant) {
        CaseMetrics m = metrics.get(variant);
        if (m == null || m.classes().isEmpty()) {
            return Double.NaN;
        }
        return m.classes().stream().mapToDouble(c -> c.dice()).average().orElse(Double.NaN);
    }
}
