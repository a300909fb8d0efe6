package org.promptseg.jobs.cli;

import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.dataset.CheckOptions;
import org.promptseg.volume.dataset.CollectionChecker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code promptseg dataset check}: every problem of a collection at once. */
@Command(name = "dataset", description = "Check a collection of center datasets.", subcommands = DatasetCommand.Check.class)
public final class DatasetCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: check");
    }

    @Command(name = "check", description = "Validate centers.json, every dataset.json and every case (files, label values, geometry, CT range);"
            + " lists every problem; exit code 1 if there is any.")
    static final class Check implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "URI", description = "The collection: centers.json or the folder holding it.")
        String uri;
        @Option(names = "--json", description = "Print the report as JSON.")
        boolean json;

        @Override
        public Integer call() {
            var config = PromptsegCli.root(spec).config();
            CollectionChecker.Report r = new CollectionChecker(new Configuration(), VolumeOptions.fromConfig(config), CheckOptions.fromConfig(config))
                    .check(uri);
            spec.commandLine().getOut().println(json ? r.toJson() : r.toText());
            return r.ok() ? ExitCodes.OK : ExitCodes.PROBLEMS_FOUND;
        }
    }
}
