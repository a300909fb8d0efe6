package org.promptseg.jobs.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.promptseg.jobs.config.PromptsegConfig;
import org.promptseg.jobs.spark.SparkSessions;
import org.promptseg.jobs.spark.SparkSettings;

class SelfCheckTest {
    @Test
    @DisplayName("in Spark local[2] both executor threads train a DL4J Conv3D step with oneDNN active")
    void bothExecutorThreadsRunDl4jWithOneDnn() {
        SparkSettings settings = SparkSettings.fromConfig(PromptsegConfig.of("promptseg.spark.master=local[2]"));
        SparkSession spark = SparkSessions.create(settings, "self-check-test");
        try {
            List<SelfCheck.TaskReport> reports = SelfCheck.run(JavaSparkContext.fromSparkContext(spark.sparkContext()), 2);
            assertThat(reports).hasSize(2);
            assertThat(reports).extracting(SelfCheck.TaskReport::partition).containsExactly(0, 1);
            assertThat(reports).extracting(SelfCheck.TaskReport::thread).doesNotHaveDuplicates();
            assertThat(reports).allSatisfy(r -> {
                assertThat(r.backend()).isEqualTo("CpuBackend");
                assertThat(r.oneDnnLinked()).isTrue();
                assertThat(r.oneDnnActive()).isTrue();
                assertThat(r.trained()).isTrue();
            });
        } finally {
            spark.stop();
        }
    }
}
