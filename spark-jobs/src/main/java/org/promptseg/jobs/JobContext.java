package org.promptseg.jobs;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.promptseg.jobs.data.CaseIds;
import org.promptseg.jobs.progress.Progress;
import org.promptseg.jobs.spark.SparkSettings;
import org.promptseg.store.PromptStore;
import org.promptseg.store.StoreOptions;

/** What every job runs with: the validated configuration, the Spark session and the progress printer. */
public record JobContext(Config config, SparkSession spark, Progress progress) {

    public JavaSparkContext jsc() {
        return JavaSparkContext.fromSparkContext(spark.sparkContext());
    }

    public Configuration hadoop() {
        return spark.sparkContext().hadoopConfiguration();
    }

    public int threadsPerTask() {
        return SparkSettings.fromConfig(config).threadsPerTask();
    }

    public CaseIds caseIds() {
        return CaseIds.fromConfig(config);
    }

    /** The store at {@code uri}, or the configured one when {@code uri} is null. */
    public PromptStore store(String uri) {
        StoreOptions options = StoreOptions.fromConfig(config);
        if (uri != null) {
            options = options.withUri(uri);
        }
        try {
            return PromptStore.open(options, hadoop());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the prompt store at " + options.uri() + ": " + e.getMessage(), e);
        }
    }

    /** Data partitions per center: configured, or Spark's default parallelism (in task slots) shared by the centers. */
    public int partitionsPerCenter(int centers) {
        int configured = config.getInt("promptseg.train.partitions-per-center");
        if (configured > 0) {
            return configured;
        }
        int slots = Math.max(1, jsc().defaultParallelism() / threadsPerTask());
        return Math.max(1, slots / Math.max(1, centers));
    }
}
