package org.promptseg.jobs.cli;

import com.typesafe.config.Config;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.promptseg.common.PromptsegException;
import org.promptseg.jobs.config.ConfigurationException;
import org.promptseg.jobs.config.PromptsegConfig;
import org.promptseg.model.ModelConfigException;
import org.promptseg.store.InvalidStoreArgumentException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code promptseg}: the one entry point, for people at a terminal and as the {@code --class} of
 * spark-submit. Subcommands read URIs and write URIs; nothing is hidden in local state.
 */
@Command(name = "promptseg", mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
        description = "Adapt a frozen 3D CT segmentation network to new centers by tuning small prompt tensors, on Apache Spark.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {DoctorCommand.class, SynthCommand.class, VolumeCommand.class, DatasetCommand.class, ShardCommand.class, PretrainCommand.class, SelectCommand.class,
            TuneCommand.class, EvaluateCommand.class, PredictCommand.class, RetuneCommand.class, ModelCommand.class, DemoCommand.class, BenchCommand.class, StoreCommand.class, ConfigCommand.class, CommandLine.HelpCommand.class})
public final class PromptsegCli implements Runnable {

    @Option(names = "--conf", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "HOCON configuration file (local path or Hadoop URI); repeatable, later files win. Default: $PROMPTSEG_CONF.")
    List<String> confFiles = new ArrayList<>();

    @Option(names = "--set", scope = ScopeType.INHERIT, paramLabel = "KEY=VALUE",
            description = "Override one configuration key, e.g. --set promptseg.spark.master=local[2]; repeatable, highest precedence.")
    List<String> sets = new ArrayList<>();

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Show stack traces of errors.")
    boolean verbose;

    private Config config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** The effective configuration (loaded once, validated). */
    public synchronized Config config() {
        if (config == null) {
            config = PromptsegConfig.load(confFiles, sets);
            NativeSetup.apply(config);
        }
        return config;
    }

    /** The root command object of a parsed command line (for subcommands). */
    public static PromptsegCli root(CommandLine.Model.CommandSpec spec) {
        return (PromptsegCli) spec.root().userObject();
    }

    public static void main(String[] args) {
        Nd4jStdoutFilter.install();
        int code = execute(args);
        System.exit(code);
    }

    /** Runs the CLI and returns the exit code (never calls System.exit; tests use this). */
    public static int execute(String... args) {
        CommandLine cl = commandLine();
        try {
            return cl.execute(args);
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }

    /** Runs one promptseg command in this JVM for a driver program (benchmarks); a non-zero exit is an exception. */
    public static void executeOrThrow(String... args) {
        int code = execute(args);
        if (code != 0) {
            throw new PromptsegException("promptseg " + String.join(" ", args) + " failed with exit code " + code);
        }
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new PromptsegCli());
        cl.setParameterExceptionHandler(PromptsegCli::onUsageError);
        cl.setExecutionExceptionHandler(PromptsegCli::onFailure);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionStrategy(PromptsegCli::configureThenRun);
        withHelpOptions(cl);
        return cl;
    }

    /**
     * Every command and subcommand gets {@code -h/--help} (and {@code -V/--version} where that name is
     * free: {@code predict --version} names a prompt version), so that {@code promptseg tune --help}
     * works as the usage-error message promises, also for commands with required options.
     */
    private static void withHelpOptions(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            CommandLine.Model.CommandSpec spec = sub.getCommandSpec();
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand) && spec.findOption("--help") == null) {
                if (spec.findOption("--version") == null && spec.findOption("-V") == null) {
                    spec.mixinStandardHelpOptions(true);
                } else {
                    spec.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                            .description("Show this help message and exit.").build());
                }
            }
            withHelpOptions(sub);
        }
    }

    /**
     * Loads and validates the configuration before any command that does work, so that the ND4J
     * native build is chosen before an ND4J class loads and a bad configuration fails before any I/O.
     * Help, version and the configuration reference work even with a broken configuration.
     */
    private static int configureThenRun(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        Object command = leaf.commandSpec().userObject();
        boolean helpOnly = parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested() || leaf.isUsageHelpRequested()
                || leaf.isVersionHelpRequested() || command instanceof CommandLine.HelpCommand || command instanceof ConfigCommand.Reference
                || !leaf.hasSubcommand() && leaf.commandSpec().subcommands().size() > 0;
        if (!helpOnly) {
            try {
                root(parsed.commandSpec()).config();
            } catch (PromptsegException e) {
                return onFailure(e, leaf.commandSpec().commandLine(), parsed);
            }
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    private static int onUsageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("promptseg: " + e.getMessage());
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
            err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
        }
        return ExitCodes.USAGE;
    }

    private static int onFailure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean verbose = root(cl.getCommandSpec()).verbose;
        int code;
        if (e instanceof ConfigurationException || e instanceof UsageException || e instanceof InvalidStoreArgumentException
                || e instanceof ModelConfigException m && m.field().startsWith("promptseg.")) {
            err.println("promptseg: " + e.getMessage());
            code = ExitCodes.USAGE;
        } else if (e instanceof PromptsegException) {
            err.println("promptseg: " + e.getMessage());
            code = ExitCodes.RUNTIME_FAILURE;
        } else {
            err.println("promptseg: internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + (verbose ? "" : " (run with --verbose for the stack trace)"));
            code = ExitCodes.RUNTIME_FAILURE;
        }
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
