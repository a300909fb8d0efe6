package org.promptseg.jobs.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * A listener for a driver in the test JVM ({@code sparkContext.addSparkListener(probe)}) that tells a
 * fault-injecting test when to strike and whether the fault hit running work: once {@link #arm armed}
 * with executor ids (e.g. {@link LocalStandaloneCluster#executorIds(int)}), {@link #awaitTargetTaskStart}
 * returns as soon as a task launched after arming starts on one of them; {@link #lostTasks()} lists
 * tasks that ended because their executor was lost.
 *
 * <p>Tasks are told apart by their launch time, stamped by the driver's scheduler, so events the
 * listener bus delivers late never count for the wrong phase.
 */
public final class TaskProbe extends SparkListener {
    /** A task that ended with ExecutorLostFailure. */
    public record LostTask(int stageId, int partition, int attempt, String executorId, boolean launchedAfterArming) {}

    private final CountDownLatch targetTaskStarted = new CountDownLatch(1);
    private final List<LostTask> lost = Collections.synchronizedList(new ArrayList<>());
    private volatile Set<String> targets = Set.of();
    private volatile long armedAtMillis = Long.MAX_VALUE;

    /** From now on, a task starting on any of {@code executorIds} releases {@link #awaitTargetTaskStart}. */
    public void arm(Set<String> executorIds) {
        targets = Set.copyOf(executorIds);
        armedAtMillis = System.currentTimeMillis();
    }

    /** Waits for the first task launched after {@link #arm} on a target executor; false on timeout. */
    public boolean awaitTargetTaskStart(Duration timeout) throws InterruptedException {
        return targetTaskStarted.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Tasks lost with their executor so far. */
    public List<LostTask> lostTasks() {
        synchronized (lost) {
            return List.copyOf(lost);
        }
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart e) {
        if (targets.contains(e.taskInfo().executorId()) && e.taskInfo().launchTime() >= armedAtMillis && targetTaskStarted.getCount() > 0) {
            LocalStandaloneCluster.log("task %d.%d of stage %d started on executor %s", e.taskInfo().index(), e.taskInfo().attemptNumber(),
                    e.stageId(), e.taskInfo().executorId());
            targetTaskStarted.countDown();
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        if (e.reason() instanceof ExecutorLostFailure) {
            lost.add(new LostTask(e.stageId(), e.taskInfo().index(), e.taskInfo().attemptNumber(), e.taskInfo().executorId(),
                    e.taskInfo().launchTime() >= armedAtMillis));
        }
    }
}
