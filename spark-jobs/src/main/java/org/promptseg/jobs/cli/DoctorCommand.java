package org.promptseg.jobs.cli;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.promptseg.common.Json;
import org.promptseg.jobs.config.PromptsegConfig;
import org.promptseg.jobs.doctor.DoctorReport;
import org.promptseg.jobs.doctor.Nd4jFacts;
import org.promptseg.jobs.doctor.SelfCheck;
import org.promptseg.jobs.doctor.SystemFacts;
import org.promptseg.jobs.spark.SparkSessions;
import org.promptseg.jobs.spark.SparkSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code promptseg doctor}: what this installation runs on, proven by a Conv3D training step in Spark executors. */
@Command(name = "doctor", description = {
    "Check the installation: Java, Spark, the ND4J backend and oneDNN (read from the native library),",
    "CPU features, memory, GPUs, the effective configuration; then run one Conv3D training step in every Spark task slot."})
public final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--no-spark", description = "Skip the Spark self-check.")
    boolean noSpark;

    @Override
    public Integer call() {
        Config config = PromptsegCli.root(spec).config();
        SystemFacts system = SystemFacts.read();
        Nd4jFacts nd4j = Nd4jFacts.read(); // throws BackendUnavailableException (exit 4) with the reason
        SparkSettings settings = SparkSettings.fromConfig(config);
        String limits = String.format(Locale.ROOT, "ND4J off-heap limit %.1f GiB, executor memory overhead %d MiB",
                settings.nativeMemory().maxBytes() / 1073741824.0, settings.nativeMemory().executorMemoryOverheadMiB());
        List<SelfCheck.TaskReport> tasks = List.of();
        String master = null;
        String skipped = noSpark ? "--no-spark" : null;
        if (!noSpark) {
            SparkSession spark = SparkSessions.create(settings, "doctor");
            try {
                JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
                master = jsc.master();
                int slots = Math.max(1, jsc.defaultParallelism() / settings.threadsPerTask());
                tasks = SelfCheck.run(jsc, slots);
            } finally {
                spark.stop();
            }
        }
        DoctorReport report = new DoctorReport(BuildInfo.version(), BuildInfo.runtimeSparkVersion(), system, nd4j, limits, tasks, master,
                skipped, DoctorReport.hints(system, nd4j), PromptsegConfig.render(config));
        spec.commandLine().getOut().print(json ? Json.pretty(report) + "\n" : report.toText());
        return report.ok() ? ExitCodes.OK : ExitCodes.RUNTIME_FAILURE;
    }
}
