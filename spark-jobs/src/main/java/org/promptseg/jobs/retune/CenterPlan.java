package org.promptseg.jobs.retune;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What retune found for one center and intends to do.
 *
 * @param status     see {@link Status}
 * @param reason     one sentence for people
 * @param production the production alias as read (null version: none)
 * @param trainCases labelled train-split cases now
 * @param testCases  test-split cases now (the gate measures on them)
 * @param added      train cases not in production's provenance (-1 when production records no case ids)
 * @param removed    provenance cases no longer among the train cases (-1 likewise)
 * @param changed    cases in both whose content hash differs (-1 likewise)
 * @param init       where tuning starts: {@code <center>/<version>} (warm start from production) or null (generic prompts)
 * @param lock       who holds the center's retune lock now, if anyone (reported by dry runs)
 */
public record CenterPlan(@JsonProperty("center") String center, @JsonProperty("status") Status status, @JsonProperty("reason") String reason,
                         @JsonProperty("production") AliasState production, @JsonProperty("train_cases") int trainCases,
                         @JsonProperty("test_cases") int testCases, @JsonProperty("added") int added, @JsonProperty("removed") int removed,
                         @JsonProperty("changed") int changed, @JsonProperty("init") String init, @JsonProperty("lock") String lock) {

    /** What was found. */
    public enum Status {
        /** No production prompts: tune from the generic prompts, gate against the bare backbone. */
        NEW(true),
        /** Labelled train cases added, removed or changed since production was tuned: warm start from production, gate against it. */
        CHANGED(true),
        /** Production belongs to another backbone and promptseg.retune.other-backbone = migrate: fresh prompts, gated against the bare backbone. */
        MIGRATE(true),
        /** Production was tuned on exactly the current train cases. */
        UP_TO_DATE(false),
        /** There would be work, but the last candidate the gate refused was tuned on exactly these cases: waits for new data. */
        REJECTED_BEFORE(false),
        /** Production belongs to another backbone and promptseg.retune.other-backbone = skip. */
        OTHER_BACKBONE(false),
        /** Too few labelled cases to tune (no train case) or to gate (no test case). */
        NOT_ENOUGH_DATA(false),
        /** Some labelled cases cannot be read: nothing is tuned on partial data. */
        UNREADABLE(false);

        private final boolean work;

        Status(boolean work) {
            this.work = work;
        }

        public boolean work() {
            return work;
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    @JsonIgnore
    public boolean hasWork() {
        return status.work();
    }

    public CenterPlan withLock(String holder) {
        return new CenterPlan(center, status, reason, production, trainCases, testCases, added, removed, changed, init, holder);
    }

    /** One line: "c2  new  no production prompts; 4 labelled train cases". */
    public String toText() {
        return String.format(java.util.Locale.ROOT, "%-10s %-15s %s%s", center, status.label(), reason, lock == null ? "" : " [locked: " + lock + "]");
    }
}
