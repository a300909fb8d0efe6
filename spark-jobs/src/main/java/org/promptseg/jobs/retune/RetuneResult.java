package org.promptseg.jobs.retune;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;
import org.promptseg.jobs.cli.ExitCodes;

/**
 * {@code retune.json}: one run of {@code promptseg retune} — the plan for every center considered, what happened to each
 * center that had work, and the exit code a scheduler acts on.
 *
 * @param runFolder where the run wrote its patches and reports; null for dry runs and runs with nothing to do (they write nothing)
 * @param exitCode  0 nothing to do / promoted / skipped; 3 a candidate was not promoted; 4 a center failed (takes precedence)
 */
public record RetuneResult(@JsonProperty("format_version") int formatVersion, @JsonProperty("run_id") String runId,
                           @JsonProperty("run_folder") String runFolder, @JsonProperty("store") String store,
                           @JsonProperty("collection") String collection, @JsonProperty("backbone") String backbone,
                           @JsonProperty("dry_run") boolean dryRun, @JsonProperty("settings") RetuneSettings settings,
                           @JsonProperty("plan") List<CenterPlan> plan, @JsonProperty("outcomes") List<CenterOutcome> outcomes,
                           @JsonProperty("exit_code") int exitCode, @JsonProperty("scan_seconds") double scanSeconds,
                           @JsonProperty("seconds") double seconds, @JsonProperty("started_at") String startedAt) {
    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "retune.json";

    /**
     * The exit code of a run: failures (a center's work broke, or its cases cannot be read) win over refusals (a candidate
     * not promoted), which win over success. Centers skipped because another run holds their lock, centers left on another
     * backbone and centers with too few cases are reported but are not failures: the next scheduled run sees them again.
     */
    public static int exitCode(boolean dryRun, List<CenterPlan> plan, List<CenterOutcome> outcomes) {
        if (dryRun) {
            return ExitCodes.OK;
        }
        boolean failed = plan.stream().anyMatch(p -> p.status() == CenterPlan.Status.UNREADABLE)
                || outcomes.stream().anyMatch(o -> o.result() == CenterOutcome.Result.FAILED);
        if (failed) {
            return ExitCodes.RUNTIME_FAILURE;
        }
        boolean refused = outcomes.stream().anyMatch(o -> o.result() == CenterOutcome.Result.REJECTED || o.result() == CenterOutcome.Result.CONFLICT);
        return refused ? ExitCodes.CANDIDATE_REJECTED : ExitCodes.OK;
    }

    public boolean nothingToDo() {
        return plan.stream().noneMatch(CenterPlan::hasWork);
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(dryRun ? "retune plan (dry run, nothing written)" : runId == null ? "retune" : "retune run " + runId).append(" on backbone ")
                .append(backbone, 0, Math.min(12, backbone.length())).append(String.format(Locale.ROOT, " (scan %.1f s, total %.1f s)%n", scanSeconds, seconds));
        plan.forEach(p -> b.append("  ").append(p.toText()).append('\n'));
        if (!dryRun && nothingToDo()) {
            b.append("nothing to do: no center has new or changed labelled cases it can be tuned on (see above); nothing was written\n");
        }
        if (!outcomes.isEmpty()) {
            b.append("results:\n");
            outcomes.forEach(o -> b.append("  ").append(o.toText()).append('\n'));
        }
        if (runFolder != null) {
            b.append("report: ").append(runFolder).append("/index.html\n");
        }
        b.append("exit code ").append(exitCode);
        return b.toString();
    }
}
