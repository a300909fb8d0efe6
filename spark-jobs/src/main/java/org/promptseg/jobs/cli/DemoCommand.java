package org.promptseg.jobs.cli;

import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.demo.DemoJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code promptseg demo}: the whole pipeline on synthetic centers, in local files. */
@Command(name = "demo", description = "Synthesise 4 centers, shard, pretrain on 3, prompt-tune (and full fine-tune) the 4th, evaluate, write the report."
        + " Re-running resumes after the last finished stage.")
public final class DemoCommand extends SparkCommand {
    @Option(names = "--dir", paramLabel = "URI", description = "Working folder (default: promptseg.demo.dir).")
    String dir;
    @Option(names = "--quick", description = "A smaller, faster demo (about a minute on 2 cores; its Dice figures mean nothing).")
    boolean quick;
    @Option(names = "--fresh", description = "Start over: delete the working folder first.")
    boolean fresh;

    @Override
    int run(JobContext ctx) throws Exception {
        DemoJob.Result r = new DemoJob(ctx).run(new DemoJob.Options(dir == null ? ctx.config().getString("promptseg.demo.dir") : dir, quick, fresh));
        print(r.toText());
        return ExitCodes.OK;
    }
}
