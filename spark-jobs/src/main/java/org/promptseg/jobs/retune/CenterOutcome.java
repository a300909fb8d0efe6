package org.promptseg.jobs.retune;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;
import java.util.Map;

/**
 * What happened to one center that had work.
 *
 * @param candidate       the candidate version tuned in this run (null if tuning did not happen)
 * @param production      the center's production version after the run
 * @param gate            the gate's verdict (null if the run did not get that far)
 * @param evaluation      the evaluation report written after tuning (all centers, production and candidate), relative to the run folder
 * @param evaluationBefore the other centers' evaluation before tuning, relative to the run folder (null: no other center has test cases)
 * @param tuneRun         run id of the tuning (its round checkpoints are in the store's runs/)
 * @param seconds         wall time per phase: shard, evaluate-before, tune, evaluate-after
 */
public record CenterOutcome(@JsonProperty("center") String center, @JsonProperty("result") Result result, @JsonProperty("message") String message,
                            @JsonProperty("plan") CenterPlan plan, @JsonProperty("candidate") String candidate,
                            @JsonProperty("production") String production, @JsonProperty("gate") Gate.Decision gate,
                            @JsonProperty("evaluation") String evaluation, @JsonProperty("evaluation_before") String evaluationBefore,
                            @JsonProperty("tune_run") String tuneRun, @JsonProperty("seconds") Map<String, Double> seconds) {

    /** How a center's work ended. */
    public enum Result {
        /** The candidate passed the gate and is production now. */
        PROMOTED,
        /** The gate refused the candidate; it stays as candidate, production is unchanged. */
        REJECTED,
        /** The gate passed, but production was changed by someone else meanwhile (compare-and-set failed); the candidate stays as candidate. */
        CONFLICT,
        /** Another live retune holds the center's lock; nothing was done. */
        LOCKED,
        /** Under the lock, the center turned out to be up to date (another run did the work meanwhile). */
        UP_TO_DATE,
        /** Something broke (data, I/O, Spark); production is unchanged. */
        FAILED;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public String toText() {
        return String.format(Locale.ROOT, "%-10s %-11s %s", center, result.label(), message);
    }
}
