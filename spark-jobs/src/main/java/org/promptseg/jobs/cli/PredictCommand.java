package org.promptseg.jobs.cli;

import com.typesafe.config.Config;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.promptseg.common.Json;
import org.promptseg.jobs.predict.PredictJob;
import org.promptseg.jobs.progress.Progress;
import org.promptseg.jobs.spark.SparkSessions;
import org.promptseg.jobs.spark.SparkSettings;
import org.promptseg.store.PromptStore;
import org.promptseg.store.StoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code promptseg predict}: label maps for new volumes of a center. */
@Command(name = "predict", description = "Segment NIfTI volumes with a center's prompt version: one volume in this JVM, a folder as a Spark job."
        + " Outputs have the input's exact shape and affine (uint8 global class indices).")
public final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--store", paramLabel = "URI", description = "Prompt store (default: promptseg.store.uri).")
    String store;
    @Option(names = "--center", required = true, paramLabel = "ID")
    String center;
    @Option(names = "--version", defaultValue = "production", paramLabel = "VERSION|ALIAS", description = "Default: ${DEFAULT-VALUE}.")
    String version;
    @Option(names = "--input", required = true, paramLabel = "URI", description = "A NIfTI volume or a folder of them.")
    String input;
    @Option(names = "--output", required = true, paramLabel = "URI", description = "Output file (one volume) or folder.")
    String output;
    @Option(names = "--overwrite", description = "Replace existing outputs.")
    boolean overwrite;
    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Config config = PromptsegCli.root(spec).config();
        StoreOptions so = StoreOptions.fromConfig(config);
        PromptStore s = PromptStore.open(store == null ? so : so.withUri(store), new Configuration());
        SparkSettings settings = SparkSettings.fromConfig(config);
        Progress progress = new Progress("predict", System.err, config.getBoolean("promptseg.cli.progress"));
        SparkSession[] session = new SparkSession[1];
        try {
            PredictJob.Result r = new PredictJob(s, config, progress, settings.threadsPerTask()).run(
                    new PredictJob.Options(store, center, version, input, output, overwrite), new Configuration(), () -> {
                        if (session[0] == null) {
                            session[0] = SparkSessions.create(settings, "predict");
                        }
                        return JavaSparkContext.fromSparkContext(session[0].sparkContext());
                    });
            spec.commandLine().getOut().println(json ? Json.pretty(r) : r.toText());
            return ExitCodes.OK;
        } finally {
            if (session[0] != null) {
                session[0].stop();
            }
        }
    }

}
