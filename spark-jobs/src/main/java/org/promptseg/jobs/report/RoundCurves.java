package org.promptseg.jobs.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.promptseg.jobs.rounds.RoundMetrics;

/**
 * The learning curves of a parameter-server run as one chart: loss per group, each loss term (e.g. seg and cpa of
 * CPA pretraining) and validation Dice per group, by round. Shared by the evaluation and pretraining reports.
 */
public final class RoundCurves {
    private RoundCurves() {}

    public static byte[] png(String title, List<RoundMetrics> history) {
        Map<String, double[][]> series = new LinkedHashMap<>();
        for (RoundMetrics m : history) {
            m.lossByGroup().keySet().forEach(g -> series.putIfAbsent("loss " + g, null));
            m.lossTerms().keySet().forEach(t -> series.putIfAbsent("loss term " + t, null));
            m.validationDice().keySet().forEach(g -> series.putIfAbsent("val Dice " + g, null));
        }
        for (String name : new ArrayList<>(series.keySet())) {
            double[] x = new double[history.size()];
            double[] y = new double[history.size()];
            for (int i = 0; i < history.size(); i++) {
                RoundMetrics m = history.get(i);
                x[i] = m.round();
                Double v = name.startsWith("loss term ") ? m.lossTerms().get(name.substring(10))
                        : name.startsWith("loss ") ? m.lossByGroup().get(name.substring(5)) : m.validationDice().get(name.substring(9));
                y[i] = v == null ? Double.NaN : v;
            }
            series.put(name, new double[][] {x, y});
        }
        return Charts.linePng(title, "round", "loss / Dice", series);
    }
}
