package org.promptseg.jobs.select;

import com.typesafe.config.Config;
import java.io.Serializable;
import java.util.Locale;
import org.promptseg.jobs.config.ConfigurationException;

/**
 * Settings of {@code promptseg select} ({@code promptseg.select.*}; documented in reference.conf).
 *
 * @param labellingDir     folder under each center's dataset root with the labelling lists and the delivered labels
 * @param includeLabelsTr  whether the center's imagesTr/labelsTr cases of the train and val splits count as labelled
 * @param start            first pick of farthest-point selection when nothing is labelled
 * @param measure          disagreement measure of the prompt ensemble (later rounds)
 * @param foregroundThreshold a voxel is a foreground candidate when some member gives it at least this foreground probability
 * @param shortlistFactor  later rounds: the shortlist of most uncertain cases is this many times the budget
 * @param ensemble         the M diversified prompt sets
 */
public record SelectOptions(String labellingDir, boolean includeLabelsTr, KCenterGreedy.Start start, Measure measure, double foregroundThreshold,
                            double shortlistFactor, Ensemble ensemble) implements Serializable {

    /** How the disagreement of the M predictions is summarised per voxel (then averaged over foreground candidates). */
    public enum Measure {
        /** Sum over classes of the members' probability variance. */
        VARIANCE("variance"),
        /** Entropy of the members' mean probabilities (total predictive uncertainty). */
        ENTROPY("entropy"),
        /** Entropy of the mean minus the members' mean entropy (the part due to disagreement, BALD). */
        MUTUAL_INFORMATION("mutual-information");

        private final String configName;

        Measure(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        public static Measure parse(String s) {
            for (Measure m : values()) {
                if (m.configName.equals(s)) {
                    return m;
                }
            }
            throw new ConfigurationException("promptseg.select.uncertainty.measure = '" + s + "': expected variance, entropy or mutual-information");
        }
    }

    /**
     * The diversified prompt ensemble of later rounds: {@code members} prompt sets tuned on the labelled cases, each from
     * the generic prompts plus seeded noise (member 0 without), on its own bootstrap resample of the labelled cases, with
     * its own task seeds.
     */
    public record Ensemble(int members, int rounds, int localSteps, double initNoise, boolean bootstrap, int patchesPerCase) implements Serializable {
        public Ensemble {
            if (members < 2 || members > 16) {
                throw new ConfigurationException("promptseg.select.ensemble.members = " + members + ": expected 2..16 prompt sets");
            }
            if (rounds < 1 || localSteps < 1 || patchesPerCase < 1) {
                throw new ConfigurationException("promptseg.select.ensemble: rounds, local-steps and patches-per-case must be >= 1 (got " + rounds
                        + ", " + localSteps + ", " + patchesPerCase + ")");
            }
            if (!(initNoise >= 0)) {
                throw new ConfigurationException("promptseg.select.ensemble.init-noise = " + initNoise + ": expected a value >= 0");
            }
        }
    }

    public SelectOptions {
        if (labellingDir == null || labellingDir.isBlank() || labellingDir.startsWith("/") || labellingDir.contains("..") || labellingDir.contains(":")) {
            throw new ConfigurationException("promptseg.select.labelling-dir = '" + labellingDir + "': expected a folder name relative to the"
                    + " center's dataset root (the labelling lists stay with the center's data)");
        }
        if (!(foregroundThreshold > 0 && foregroundThreshold < 1)) {
            throw new ConfigurationException("promptseg.select.uncertainty.foreground-threshold = " + foregroundThreshold + ": expected a value in (0, 1)");
        }
        if (!(shortlistFactor >= 1)) {
            throw new ConfigurationException("promptseg.select.uncertainty.shortlist-factor = " + shortlistFactor + ": expected a value >= 1");
        }
    }

    public static SelectOptions fromConfig(Config root) {
        Config c = root.getConfig("promptseg.select");
        Config e = c.getConfig("ensemble");
        KCenterGreedy.Start start;
        try {
            start = KCenterGreedy.Start.parse(c.getString("diversity.start"), "promptseg.select.diversity.start");
        } catch (IllegalArgumentException ex) {
            throw new ConfigurationException(ex.getMessage());
        }
        return new SelectOptions(c.getString("labelling-dir"), c.getBoolean("include-labels-tr"), start,
                Measure.parse(c.getString("uncertainty.measure").toLowerCase(Locale.ROOT)), c.getDouble("uncertainty.foreground-threshold"),
                c.getDouble("uncertainty.shortlist-factor"),
                new Ensemble(e.getInt("members"), e.getInt("rounds"), e.getInt("local-steps"), e.getDouble("init-noise"), e.getBoolean("bootstrap"),
                        e.getInt("patches-per-case")));
    }

    public SelectOptions withIncludeLabelsTr(boolean include) {
        return new SelectOptions(labellingDir, include, start, measure, foregroundThreshold, shortlistFactor, ensemble);
    }

    public SelectOptions withMeasure(Measure m) {
        return new SelectOptions(labellingDir, includeLabelsTr, start, m, foregroundThreshold, shortlistFactor, ensemble);
    }

    public SelectOptions withEnsemble(Ensemble e) {
        return new SelectOptions(labellingDir, includeLabelsTr, start, measure, foregroundThreshold, shortlistFactor, e);
    }
}
