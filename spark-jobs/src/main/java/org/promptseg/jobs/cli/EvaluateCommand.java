package org.promptseg.jobs.cli;

import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.evaluate.EvaluateJob;
import org.promptseg.jobs.evaluate.EvaluationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code promptseg evaluate}: test cases of every center with backbone, prompt versions and baselines; writes the report. */
@Command(name = "evaluate", description = "Evaluate centers' test cases (sliding window, Dice and HD95) with the bare backbone, prompt versions and fine-tuned"
        + " baselines; write a report folder (JSON, CSV, PNG, index.html).")
public final class EvaluateCommand extends SparkCommand {
    @Option(names = "--collection", required = true, paramLabel = "URI", description = "centers.json or its folder.")
    String collection;
    @Option(names = "--store", paramLabel = "URI", description = "Prompt store (default: promptseg.store.uri).")
    String store;
    @Option(names = "--centers", paramLabel = "A,B", description = "Centers to evaluate (default: all).")
    String centers;
    @Option(names = "--backbone", defaultValue = "latest", paramLabel = "SHA|production|latest", description = "Default: ${DEFAULT-VALUE}.")
    String backbone;
    @Option(names = "--versions", defaultValue = "production,candidate", paramLabel = "V,W",
            description = "Prompt versions or aliases to evaluate per center. Default: ${DEFAULT-VALUE}.")
    String versions;
    @Option(names = "--no-baselines", description = "Leave out the full/head fine-tuned models.")
    boolean noBaselines;
    @Option(names = "--report", required = true, paramLabel = "URI", description = "Report folder to create.")
    String report;
    @Option(names = "--no-images", description = "No overlay images (they are patient data).")
    boolean noImages;
    @Option(names = "--predictions", paramLabel = "URI", description = "Also write every prediction as NIfTI in the source geometry under this folder.")
    String predictions;
    @Option(names = "--runs", paramLabel = "RUN,RUN", description = "Runs whose learning curves go into the report.")
    String runs;
    @Option(names = "--overwrite", description = "Replace an existing report folder.")
    boolean overwrite;
    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Override
    int run(JobContext ctx) throws Exception {
        EvaluationReport r = new EvaluateJob(ctx).run(new EvaluateJob.Options(collection, store, ListOption.strings(centers), backbone,
                ListOption.strings(versions), !noBaselines, report, !noImages, predictions, ListOption.strings(runs), overwrite));
        print(json ? org.promptseg.common.Json.pretty(r) : r.summaryTable() + "report: " + report);
        return ExitCodes.OK;
    }

}
