package org.promptseg.jobs.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.progress.Progress;
import org.promptseg.jobs.spark.SparkSessions;
import org.promptseg.jobs.spark.SparkSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the commands that run Spark jobs: builds the session from the configuration (or from what
 * spark-submit set), hands the job a {@link JobContext}, and stops the session however the job ends.
 */
abstract class SparkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** Runs the job; returns the exit code. */
    abstract int run(JobContext ctx) throws Exception;

    /** Options that are configuration keys in disguise ({@code --preset}, {@code --prompts}) add them here. */
    Config configure(Config config) {
        return config;
    }

    @Override
    public final Integer call() throws Exception {
        Config config = configure(PromptsegCli.root(spec).config());
        SparkSession spark = SparkSessions.create(SparkSettings.fromConfig(config), spec.name());
        try {
            Progress progress = new Progress(spec.name(), System.err, config.getBoolean("promptseg.cli.progress"));
            return run(new JobContext(config, spark, progress));
        } finally {
            spark.stop();
        }
    }

    static Config with(Config config, String key, Object value) {
        return config.withValue(key, ConfigValueFactory.fromAnyRef(value, "command-line option"));
    }

    static Config withPrompts(Config config, List<String> kinds) {
        return kinds == null ? config : with(config, "promptseg.prompt.kinds", kinds);
    }

    static Config withPreset(Config config, String preset) {
        return preset == null ? config : with(config, "promptseg.model.preset", preset);
    }

    void print(String text) {
        spec.commandLine().getOut().println(text);
    }
}
