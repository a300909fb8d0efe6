package org.promptseg.jobs.retune;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The promotion gate. A candidate is promoted only if
 * <ol>
 *   <li>its mean test Dice on its own center beats the baseline (current production prompts, or the bare backbone for a
 *       new or migrating center) by at least {@code min-gain-pp} percentage points, and</li>
 *   <li>no other center changed while it was made: every other center's production version and tensor SHA-256 are the
 *       same before and after, and each of its evaluated variants (bare backbone, production prompts) has the same mean
 *       test Dice, within {@code max-other-change-pp}.</li>
 * </ol>
 * Pure: the job hands in what it read and measured; every reason for a refusal is returned, not only the first.
 */
public final class Gate {
    private Gate() {}

    /** One other center, before and after. Dice maps: evaluated variant name → mean test Dice. */
    public record OtherCenter(String center, AliasState before, AliasState after, Map<String, Double> diceBefore, Map<String, Double> diceAfter) {}

    /** What the gate looks at. */
    public record Inputs(String center, String candidateVersion, double candidateDice, String baselineLabel, double baselineDice, double minGainPp,
                         double maxOtherChangePp, List<OtherCenter> others) {}

    /** The verdict on one other center. */
    public record OtherCheck(@JsonProperty("center") String center, @JsonProperty("production_before") String productionBefore,
                             @JsonProperty("production_after") String productionAfter, @JsonProperty("dice_before") Map<String, Double> diceBefore,
                             @JsonProperty("dice_after") Map<String, Double> diceAfter, @JsonProperty("max_change_pp") double maxChangePp,
                             @JsonProperty("unchanged") boolean unchanged, @JsonProperty("problems") List<String> problems) {}

    /** The verdict. */
    public record Decision(@JsonProperty("promote") boolean promote, @JsonProperty("candidate_dice") double candidateDice,
                           @JsonProperty("baseline") String baseline, @JsonProperty("baseline_dice") double baselineDice,
                           @JsonProperty("gain_pp") double gainPp, @JsonProperty("min_gain_pp") double minGainPp,
                           @JsonProperty("other_centers") List<OtherCheck> otherCenters, @JsonProperty("reasons") List<String> reasons) {
        /** One sentence: why promoted, or every reason why not. */
        public String summary() {
            return String.join("; ", reasons);
        }
    }

    public static Decision decide(Inputs in) {
        List<String> refusals = new ArrayList<>();
        double gain = (in.candidateDice() - in.baselineDice()) * 100;
        if (Double.isNaN(in.candidateDice())) {
            refusals.add("candidate " + in.candidateVersion() + " has no Dice on " + in.center() + "'s test cases");
        } else if (Double.isNaN(in.baselineDice())) {
            refusals.add(in.baselineLabel() + " has no Dice on " + in.center() + "'s test cases");
        } else if (gain < in.minGainPp() - 1e-9) {
            refusals.add(String.format(Locale.ROOT, "candidate %s Dice %.4f vs %s %.4f on %s: gain %+.2f pp, below the required %+.2f pp"
                    + " (promptseg.retune.min-gain-pp)", in.candidateVersion(), in.candidateDice(), in.baselineLabel(), in.baselineDice(), in.center(),
                    gain, in.minGainPp()));
        }
        List<OtherCheck> checks = new ArrayList<>();
        for (OtherCenter o : in.others()) {
            OtherCheck check = check(o, in.maxOtherChangePp());
            checks.add(check);
            check.problems().forEach(p -> refusals.add("other center " + o.center() + ": " + p));
        }
        List<String> reasons = refusals;
        boolean promote = refusals.isEmpty();
        if (promote) {
            reasons = List.of(String.format(Locale.ROOT, "candidate %s Dice %.4f vs %s %.4f on %s: gain %+.2f pp >= %+.2f pp; %d other center(s)"
                    + " verified unchanged", in.candidateVersion(), in.candidateDice(), in.baselineLabel(), in.baselineDice(), in.center(), gain,
                    in.minGainPp(), checks.size()));
        }
        return new Decision(promote, in.candidateDice(), in.baselineLabel(), in.baselineDice(), gain, in.minGainPp(), checks, List.copyOf(reasons));
    }

    static OtherCheck check(OtherCenter o, double maxChangePp) {
        List<String> problems = new ArrayList<>();
        if (!o.before().sameAs(o.after())) {
            problems.add("production changed during the run, from " + o.before().describe() + " to " + o.after().describe());
        }
        double worst = 0;
        for (Map.Entry<String, Double> e : new TreeMap<>(o.diceBefore()).entrySet()) {
            Double after = o.diceAfter().get(e.getKey());
            if (after == null) {
                problems.add("variant " + e.getKey() + " was evaluated before tuning but not after");
                continue;
            }
            double b = e.getValue();
            if (Double.isNaN(b) && Double.isNaN(after)) {
                continue;
            }
            double change = Double.isNaN(b) || Double.isNaN(after) ? Double.POSITIVE_INFINITY : Math.abs(after - b) * 100;
            worst = Math.max(worst, change);
            if (change > maxChangePp + 1e-12) {
                problems.add(String.format(Locale.ROOT, "%s mean test Dice changed from %.6f to %.6f (%.4f pp, more than the %.4f pp allowed by"
                        + " promptseg.retune.max-other-change-pp)", e.getKey(), b, after, change, maxChangePp));
            }
        }
        return new OtherCheck(o.center(), o.before().describe(), o.after().describe(), new TreeMap<>(o.diceBefore()), new TreeMap<>(o.diceAfter()),
                worst, problems.isEmpty(), List.copyOf(problems));
    }
}
