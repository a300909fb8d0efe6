package org.promptseg.jobs.doctor;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The start-up self-check: in a Spark job, every task builds a small DL4J Conv3D network, trains one
 * step and reports which ND4J backend it ran on. Proves that Spark, DL4J and the native ND4J build
 * work together in the executors, not only in the driver.
 */
public final class SelfCheck {
    /** What one task saw. */
    public record TaskReport(int partition, String executorId, String thread, String backend, boolean oneDnnLinked,
                             boolean oneDnnActive, double stepMs, boolean trained) implements Serializable {}

    private SelfCheck() {}

    /** Runs one task per slot ({@code tasks} partitions) and returns their reports, ordered by partition. */
    public static List<TaskReport> run(JavaSparkContext jsc, int tasks) {
        List<Integer> parts = IntStream.range(0, tasks).boxed().toList();
        List<TaskReport> reports = new ArrayList<>(jsc.parallelize(parts, tasks).map(SelfCheck::probe).collect());
        reports.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        return reports;
    }

    /** Static so that the closure captures nothing but the partition number. */
    private static TaskReport probe(Integer partition) {
        Nd4jFacts nd4j = Nd4jFacts.read();
        Conv3dProbe.Result r = Conv3dProbe.run(16, 1, 4, 1, 2, 42L + partition);
        TaskContext tc = TaskContext.get();
        return new TaskReport(tc == null ? partition : tc.partitionId(), SparkEnv.get().executorId(), Thread.currentThread().getName(),
                nd4j.backend(), nd4j.oneDnnLinked(), nd4j.oneDnnActive(), r.medianStepMs(), r.trained());
    }
}
