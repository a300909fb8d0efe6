package org.promptseg.jobs.cli;

import com.typesafe.config.Config;
import org.promptseg.common.Json;
import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.pretrain.PretrainJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code promptseg pretrain}: backbone + pretraining centers' prompts, published to the store. */
@Command(name = "pretrain", description = "Pretrain the backbone (every weight trains) with each center's prompts present; publish backbone and prompts.")
public final class PretrainCommand extends SparkCommand {
    @Option(names = "--patches", required = true, paramLabel = "URI", description = "Patch dataset from promptseg shard.")
    String patches;
    @Option(names = "--centers", required = true, paramLabel = "A,B", description = "Pretraining centers.")
    String centers;
    @Option(names = {"--store", "--out-store"}, paramLabel = "URI", description = "Prompt store to publish into (default: promptseg.store.uri).")
    String store;
    @Option(names = "--preset", paramLabel = "tiny|paper", description = "Architecture preset (default: promptseg.model.preset).")
    String preset;
    @Option(names = "--prompts", paramLabel = "KINDS", split = ",", description = "Prompt kinds built in: input, deep, bottleneck (default: promptseg.prompt.kinds).")
    java.util.List<String> prompts;
    @Option(names = "--objective", paramLabel = "seg|cpa+seg", description = "Training objective (default: promptseg.pretrain.objective): seg, or"
            + " cpa+seg = self-supervised contrastive prototype assignment against an EMA teacher plus segmentation on the labelled cases.")
    String objective;
    @Option(names = "--rounds", description = "Rounds (default: promptseg.pretrain.rounds).")
    Integer rounds;
    @Option(names = "--seed", description = "Seed of initialisation and sampling (default: promptseg.seed).")
    Long seed;
    @Option(names = "--run-id", description = "Name of the run (default: generated).")
    String runId;
    @Option(names = "--resume", paramLabel = "RUN", description = "Continue the run with this id from its last complete round.")
    String resume;
    @Option(names = "--report", paramLabel = "URI", description = "Also write a report folder: pretrain.json, curves.png (loss, loss terms, Dice by round), index.html.")
    String report;
    @Option(names = "--overwrite", description = "Replace an existing --report folder.")
    boolean overwrite;
    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    Config configure(Config config) {
        return withPrompts(withPreset(config, preset), prompts);
    }

    @Override
    int run(JobContext ctx) throws Exception {
        PretrainJob.Options options = new PretrainJob.Options(patches, ListOption.strings(centers),
                ctx.config().getString("promptseg.model.preset"), store, seed == null ? ctx.config().getLong("promptseg.seed") : seed,
                resume != null ? resume : runId, resume != null, rounds, objective);
        PretrainJob job = new PretrainJob(ctx);
        PretrainJob.Result r = report == null ? job.run(options) : job.run(options, report, overwrite);
        print(json ? Json.pretty(r) : r.toText());
        return ExitCodes.OK;
    }
}
