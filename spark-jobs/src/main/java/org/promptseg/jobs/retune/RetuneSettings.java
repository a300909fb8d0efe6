package org.promptseg.jobs.retune;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.typesafe.config.Config;
import java.util.Locale;
import org.promptseg.jobs.config.ConfigurationException;

/**
 * Settings of {@code promptseg retune} ({@code promptseg.retune.*}; documented in reference.conf).
 *
 * @param backbone         backbone reference (sha256, prefix, alias, latest)
 * @param minGainPp        gate: required gain of the candidate over the current production (or the bare backbone), in Dice pp
 * @param maxOtherChangePp gate: largest tolerated change of another center's Dice between before and after, in pp
 * @param otherBackbone    what to do with a center whose production prompts belong to another backbone
 * @param rounds           tuning rounds per center, 0 = promptseg.tune.rounds
 * @param patchesPerCase   patches per case when sharding, 0 = promptseg.shard.patches-per-case
 * @param keepPatches      keep the run's patches after it ends
 * @param reportImages     overlay images in the run's evaluation reports
 */
public record RetuneSettings(@JsonProperty("backbone") String backbone, @JsonProperty("min_gain_pp") double minGainPp,
                             @JsonProperty("max_other_change_pp") double maxOtherChangePp, @JsonProperty("other_backbone") OtherBackbone otherBackbone,
                             @JsonProperty("rounds") int rounds, @JsonProperty("patches_per_case") int patchesPerCase,
                             @JsonProperty("keep_patches") boolean keepPatches, @JsonProperty("report_images") boolean reportImages) {
    private static final String PREFIX = "promptseg.retune.";

    /** Policy for centers whose production prompts were tuned on another backbone. */
    public enum OtherBackbone {
        /** Report the center and leave it alone. */
        SKIP,
        /** Tune fresh prompts on this backbone and gate them against the bare backbone. */
        MIGRATE;

        static OtherBackbone parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(PREFIX + "other-backbone: '" + s + "' is not a policy; expected skip or migrate");
            }
        }
    }

    public RetuneSettings {
        if (!Double.isFinite(minGainPp)) {
            throw new ConfigurationException(PREFIX + "min-gain-pp: expected a finite number of percentage points, got " + minGainPp);
        }
        if (!(maxOtherChangePp >= 0) || !Double.isFinite(maxOtherChangePp)) {
            throw new ConfigurationException(PREFIX + "max-other-change-pp: expected a number >= 0 (percentage points), got " + maxOtherChangePp);
        }
        if (rounds < 0) {
            throw new ConfigurationException(PREFIX + "rounds: expected 0 (= promptseg.tune.rounds) or a positive number of rounds, got " + rounds);
        }
        if (patchesPerCase < 0) {
            throw new ConfigurationException(PREFIX + "patches-per-case: expected 0 (= promptseg.shard.patches-per-case) or a positive count, got "
                    + patchesPerCase);
        }
        if (backbone == null || backbone.isBlank()) {
            throw new ConfigurationException(PREFIX + "backbone: expected a backbone sha256, alias or latest, got nothing");
        }
    }

    public static RetuneSettings fromConfig(Config root) {
        Config c = root.getConfig("promptseg.retune");
        return new RetuneSettings(c.getString("backbone"), c.getDouble("min-gain-pp"), c.getDouble("max-other-change-pp"),
                OtherBackbone.parse(c.getString("other-backbone")), c.getInt("rounds"), c.getInt("patches-per-case"), c.getBoolean("keep-patches"),
                c.getBoolean("report-images"));
    }

    /** Tuning rounds to run: ours, or the tune job's default. */
    public int roundsOr(Config root) {
        return rounds > 0 ? rounds : root.getInt("promptseg.tune.rounds");
    }

    public int patchesPerCaseOr(Config root) {
        return patchesPerCase > 0 ? patchesPerCase : root.getInt("promptseg.shard.patches-per-case");
    }
}
