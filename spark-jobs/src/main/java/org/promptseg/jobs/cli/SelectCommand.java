package org.promptseg.jobs.cli;

import com.typesafe.config.Config;
import org.promptseg.common.Json;
import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.select.Budget;
import org.promptseg.jobs.select.SelectJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code promptseg select}: the unlabelled cases of a center worth labelling next (SLPT/TESLA-style selection). */
@Command(name = "select", description = "Choose which unlabelled cases (imagesTs) of a center to label next: round 0 by diversity of the frozen"
        + " backbone's embeddings (k-center greedy), later rounds by the disagreement of diversified prompt sets tuned on the labelled cases,"
        + " then diversity within the most uncertain. Writes the clinician's labelling list next to the center's data and selection.json/.csv"
        + " (salted ids) to the store's runs/<run-id>/.")
public final class SelectCommand extends SparkCommand {
    @Option(names = "--collection", required = true, paramLabel = "URI", description = "centers.json or its folder.")
    String collection;
    @Option(names = "--center", required = true, paramLabel = "ID", description = "The center whose pool to select from.")
    String center;
    @Option(names = "--budget", required = true, paramLabel = "N|P%", description = "Cases to select: a count, or a percentage of the center's pool.")
    String budget;
    @Option(names = "--round", paramLabel = "K", description = "0 = diversity (no labels needed), >= 1 = uncertainty + diversity. Default: the round"
            + " after the center's latest labelling list (0 for a new campaign).")
    Integer round;
    @Option(names = "--store", paramLabel = "URI", description = "Prompt store (default: promptseg.store.uri).")
    String store;
    @Option(names = "--backbone", defaultValue = "latest", paramLabel = "SHA|production|latest", description = "Default: ${DEFAULT-VALUE}.")
    String backbone;
    @Option(names = "--seed", description = "Seed of the prompt sets, patch sampling and tie-breaking (default: promptseg.seed).")
    Long seed;
    @Option(names = "--run-id", description = "Name of the run folder in the store (default: generated).")
    String runId;
    @Option(names = "--overwrite", description = "Replace this round's labelling list if it exists.")
    boolean overwrite;
    @Option(names = "--json", description = "Print selection.json.")
    boolean json;

    private Budget parsedBudget;

    /** Usage errors are reported before a Spark session starts. */
    @Override
    Config configure(Config config) {
        try {
            parsedBudget = Budget.parse(budget);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        if (round != null && round < 0) {
            throw new UsageException("--round " + round + ": expected 0 or a later round >= 1");
        }
        if (!org.promptseg.common.Ids.isValid(center)) {
            throw new UsageException("--center '" + org.promptseg.common.Ids.printable(center) + "': expected a center id ([a-z0-9][a-z0-9_-]{0,63})");
        }
        return config;
    }

    @Override
    int run(JobContext ctx) throws Exception {
        SelectJob.Result r = new SelectJob(ctx).run(new SelectJob.Options(collection, store, center, parsedBudget, round, backbone,
                seed == null ? ctx.config().getLong("promptseg.seed") : seed, runId, overwrite));
        print(json ? Json.pretty(r) : r.toText());
        return ExitCodes.OK;
    }
}
