package org.promptseg.jobs.cli;

import com.typesafe.config.Config;
import java.util.List;
import java.util.concurrent.Callable;
import org.promptseg.model.ModelSpec;
import org.promptseg.model.ParamReport;
import org.promptseg.model.PromptableUNet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code promptseg model summary}: parameter accounting of a preset with some prompt kinds. */
@Command(name = "model", description = "Inspect network presets.", subcommands = ModelCommand.Summary.class)
public final class ModelCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: summary");
    }

    @Command(name = "summary", description = "Backbone parameters, prompt parameters per kind and the prompt share of a preset.")
    static final class Summary implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--preset", paramLabel = "tiny|paper", description = "Default: promptseg.model.preset.")
        String preset;
        @Option(names = "--prompts", paramLabel = "KINDS", split = ",", description = "Prompt kinds: input, deep, bottleneck (default: promptseg.prompt.kinds).")
        List<String> prompts;
        @Option(names = "--classes", paramLabel = "N", description = "Global classes incl. background (default: promptseg.model.num-classes).")
        Integer classes;
        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() {
            Config c = SparkCommand.withPrompts(SparkCommand.withPreset(PromptsegCli.root(spec).config(), preset), prompts);
            ModelSpec s = ModelSpec.fromConfig(c);
            if (classes != null) {
                s = s.withNumClasses(classes);
            }
            ParamReport r = ParamReport.of(PromptableUNet.create(s, 1));
            spec.commandLine().getOut().println(json ? r.toJson() : r.toText());
            return ExitCodes.OK;
        }
    }
}
