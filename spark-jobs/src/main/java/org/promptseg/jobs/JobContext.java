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

    /**
     * Data partitions per center: configured, or the smallest count that keeps every task slot busy in every
     * wave of a round (centers × partitions a multiple of the slots), so no slot idles while the last task of
     * a round runs.
     */
    public int partitionsPerCenter(int centers) {
        int configured = config.getInt("promptseg.train.partitions-per-center");
        if (configured > 0) {
            return configured;
        }
        return fillSlots(Math.max(1, jsc().defaultParallelism() / threadsPerTask()), Math.max(1, centers));
    }

    static int fillSlots(int slots, int centers) {
        for (int p = Math.max(1, (slots + centers - 1) / centers); p <= slots; p++) {
            if ((long) centers * p % slots == 0) {
                return p;
            }
        }
        return Math.max(1, (slots + centers - 1) / centers);
    }
}
