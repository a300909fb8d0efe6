package org.promptseg.jobs.spark;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.promptseg.jobs.progress.Progress;

/**
 * Progress of distributed work on the driver: counts finished tasks of the Spark jobs started inside
 * this scope (one task per case, per volume...) and prints a line per task with ETA.
 */
public final class SparkTaskProgress implements AutoCloseable {
    private final JavaSparkContext jsc;
    private final String group;
    private final Listener listener;

    private final class Listener extends SparkListener {
        private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
        private final Progress.Task task;
        private final String what;

        Listener(Progress.Task task, String what) {
            this.task = task;
            this.what = what;
        }

        @Override
        public void onJobStart(SparkListenerJobStart jobStart) {
            if (jobStart.properties() != null && group.equals(jobStart.properties().getProperty("spark.jobGroup.id"))) {
                scala.jdk.javaapi.CollectionConverters.asJava(jobStart.stageIds()).forEach(id -> stages.add((Integer) id));
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
            if (stages.contains(taskEnd.stageId()) && taskEnd.taskInfo().successful()) {
                task.step("executor " + taskEnd.taskInfo().executorId());
            }
        }
    }

    /**
     * @param stageFilter only tasks of this many stages... (every stage of the jobs in scope counts)
     */
    public SparkTaskProgress(JavaSparkContext jsc, Progress progress, String group, String what, long total) {
        this.jsc = jsc;
        this.group = group + "-" + System.nanoTime();
        this.listener = new Listener(progress.start(what, total), what);
        jsc.sc().addSparkListener(listener);
        jsc.setJobGroup(this.group, group, false);
    }

    @Override
    public void close() {
        jsc.clearJobGroup();
        jsc.sc().removeSparkListener(listener);
    }
}
