package org.promptseg.jobs.cli;

import org.promptseg.common.Json;
import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.tune.TuneJob;
import org.promptseg.model.TuningMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code promptseg tune}: prompts (or a full/head baseline) for new centers on a frozen backbone. */
@Command(name = "tune", description = "Tune new centers' prompts on the frozen backbone (or --mode full|head baselines); publish candidate versions.")
public final class TuneCommand extends SparkCommand {
    @Option(names = "--patches", required = true, paramLabel = "URI", description = "Patch dataset from promptseg shard.")
    String patches;
    @Option(names = "--centers", required = true, paramLabel = "C,D", description = "Centers to tune (each gets its own prompts).")
    String centers;
    @Option(names = "--backbone", defaultValue = "latest", paramLabel = "SHA|production|latest", description = "Default: ${DEFAULT-VALUE}.")
    String backbone;
    @Option(names = "--store", paramLabel = "URI", description = "Prompt store (default: promptseg.store.uri).")
    String store;
    @Option(names = "--mode", defaultValue = "prompt", paramLabel = "prompt|full|head", description = "What trains. Default: ${DEFAULT-VALUE}.")
    String mode;
    @Option(names = "--init", paramLabel = "CENTER/VERSION", description = "Start from these prompts instead of the backbone's generic prompts.")
    String init;
    @Option(names = "--prompts", paramLabel = "KINDS", split = ",", description = "Check that the backbone has exactly these prompt kinds.")
    java.util.List<String> prompts;
    @Option(names = "--rounds", description = "Rounds (default: promptseg.tune.rounds).")
    Integer rounds;
    @Option(names = "--seed", description = "Seed of sampling (default: promptseg.seed).")
    Long seed;
    @Option(names = "--run-id", description = "Name of the run (default: generated).")
    String runId;
    @Option(names = "--resume", paramLabel = "RUN", description = "Continue the run with this id from its last complete round.")
    String resume;
    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    int run(JobContext ctx) throws Exception {
        TuningMode m;
        try {
            m = TuningMode.parse(mode);
        } catch (RuntimeException e) {
            throw new UsageException("--mode '" + mode + "': expected prompt, full or head");
        }
        TuneJob.Result r = new TuneJob(ctx).run(new TuneJob.Options(patches, ListOption.strings(centers), backbone, store, m, init, prompts,
                seed == null ? ctx.config().getLong("promptseg.seed") : seed, resume != null ? resume : runId, resume != null, rounds));
        print(json ? Json.pretty(r) : r.toText());
        return ExitCodes.OK;
    }
}
