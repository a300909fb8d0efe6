package org.promptseg.jobs.cli;

import java.util.concurrent.Callable;
import org.promptseg.jobs.config.ConfigReference;
import org.promptseg.jobs.config.PromptsegConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code promptseg config show|reference}: the effective configuration, or the generated key reference. */
@Command(name = "config", description = "Show the effective configuration or print the configuration reference.",
        subcommands = {ConfigCommand.Show.class, ConfigCommand.Reference.class})
public final class ConfigCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: show or reference");
    }

    @Command(name = "show", description = "Print the effective configuration (defaults + --conf + -D + --set), validated.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(PromptsegConfig.render(PromptsegCli.root(spec).config()));
            return ExitCodes.OK;
        }
    }

    @Command(name = "reference", description = "Print the reference of every configuration key (Markdown), generated from the declarations.")
    static final class Reference implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(ConfigReference.markdown(PromptsegConfig.defaults()));
            return ExitCodes.OK;
        }
    }
}
