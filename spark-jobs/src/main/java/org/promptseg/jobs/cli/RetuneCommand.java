package org.promptseg.jobs.cli;

import org.promptseg.common.Json;
import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.retune.RetuneJob;
import org.promptseg.jobs.retune.RetuneResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code promptseg retune}: the scheduled command — detect new or changed labelled data, tune, evaluate, gate, promote. */
@Command(name = "retune", description = {
        "Find centers with new or changed labelled cases (content hashes against the provenance of their production prompts); for each,"
                + " under a store lock: shard, tune a candidate, evaluate every center, and promote it only if it beats production by"
                + " promptseg.retune.min-gain-pp and no other center changed.",
        "Exit codes: 0 nothing to do, promoted, or skipped (another run holds a center's lock); 3 a candidate was not promoted;"
                + " 4 a center failed or has unreadable cases; 2 usage."})
public final class RetuneCommand extends SparkCommand {
    @Option(names = "--collection", required = true, paramLabel = "URI", description = "centers.json or its folder.")
    String collection;
    @Option(names = "--store", paramLabel = "URI", description = "Prompt store (default: promptseg.store.uri).")
    String store;
    @Option(names = "--centers", paramLabel = "A,B", description = "Only consider these centers for re-tuning (default: all). Every center is still"
            + " evaluated.")
    String centers;
    @Option(names = "--backbone", paramLabel = "SHA|ALIAS|latest", description = "Backbone to tune on (default: promptseg.retune.backbone).")
    String backbone;
    @Option(names = "--dry-run", description = "Print the plan and exit 0; write nothing (no lock, no run folder).")
    boolean dryRun;
    @Option(names = "--work", paramLabel = "URI", description = "Folder for run folders (patches, reports) instead of the store's runs/.")
    String work;
    @Option(names = "--run-id", description = "Name of the run (default: generated, retune-<utc time>-<random>).")
    String runId;
    @Option(names = "--seed", description = "Seed of sampling and tuning (default: promptseg.seed).")
    Long seed;
    @Option(names = "--retry-rejected", description = "Tune centers again even when the last candidate the gate refused was made from exactly"
            + " their current cases (by default they wait for new data).")
    boolean retryRejected;
    @Option(names = "--json", description = "Print the result (or the plan) as JSON.")
    boolean json;

    @Override
    int run(JobContext ctx) throws Exception {
        RetuneResult r = new RetuneJob(ctx).run(new RetuneJob.Options(collection, store, ListOption.strings(centers), backbone, dryRun, work, runId,
                seed == null ? ctx.config().getLong("promptseg.seed") : seed, retryRejected));
        print(json ? Json.pretty(r) : r.toText());
        return r.exitCode();
    }
}
