package org.promptseg.jobs.spark;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.promptseg.jobs.config.ConfigurationException;

/**
 * Creates the Spark session every promptseg job runs in, from {@link SparkSettings}.
 *
 * <p>When launched by spark-submit the master and resources come from spark-submit; promptseg only
 * adds what its executors need: the ND4J native build and off-heap limits (JVM options), the
 * executor memory overhead sized from them, and one thread setting that drives both
 * {@code spark.task.cpus} and OpenMP, so that task slots times native threads never oversubscribe
 * the cores (DESIGN §11).
 */
public final class SparkSessions {
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)(?:,\\s*\\d+)?\\]|local");

    private SparkSessions() {}

    public static SparkConf sparkConf(SparkSettings s, String command) {
        SparkConf conf = new SparkConf(true);
        if (!conf.contains("spark.master")) {
            conf.setMaster(s.master());
        }
        if (!conf.contains("spark.app.name")) {
            conf.setAppName(s.appName() + " " + command);
        }
        s.extraConf().forEach(conf::set);
        String threads = Integer.toString(s.threadsPerTask());
        conf.set("spark.task.cpus", threads);
        conf.set("spark.executorEnv.OMP_NUM_THREADS", threads);
        conf.set("spark.executorEnv.PROMPTSEG_THREADS_PER_TASK", threads);
        String opts = conf.get("spark.executor.extraJavaOptions", "");
        if (!opts.contains("org.bytedeco.javacpp.platform.extension")) {
            conf.set("spark.executor.extraJavaOptions", (opts + " " + s.nativeMemory().javaOptions()).trim());
        }
        if (!conf.contains("spark.executor.memoryOverhead")) {
            conf.set("spark.executor.memoryOverhead", s.nativeMemory().executorMemoryOverheadMiB() + "m");
        }
        if (!conf.contains("spark.ui.enabled")) {
            conf.set("spark.ui.enabled", Boolean.toString(s.ui()));
        }
        if (!conf.contains("spark.sql.shuffle.partitions")) {
            conf.set("spark.sql.shuffle.partitions", Integer.toString(s.sqlShufflePartitions()));
        }
        String master = conf.get("spark.master");
        if (isLocal(master)) {
            // local mode stays on loopback: no surprises with firewalls or multi-homed hosts
            conf.setIfMissing("spark.driver.host", "127.0.0.1");
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        }
        refuseOvercommit(conf, master, s.threadsPerTask());
        return conf;
    }

    public static SparkSession create(SparkSettings s, String command) {
        return SparkSession.builder().config(sparkConf(s, command)).getOrCreate();
    }

    static boolean isLocal(String master) {
        return master != null && LOCAL.matcher(master).matches();
    }

    /** Cores per executor (local: the N of local[N]); -1 when the cluster manager decides. */
    static int executorCores(SparkConf conf, String master) {
        Matcher m = LOCAL.matcher(master == null ? "" : master);
        if (m.matches()) {
            if (master.equals("local")) {
                return 1;
            }
            String n = m.group(1);
            return n.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(n);
        }
        return conf.contains("spark.executor.cores") ? conf.getInt("spark.executor.cores", -1) : -1;
    }

    private static void refuseOvercommit(SparkConf conf, String master, int threadsPerTask) {
        int cores = executorCores(conf, master);
        if (cores > 0 && threadsPerTask > cores) {
            throw new ConfigurationException("promptseg.spark.threads-per-task = " + threadsPerTask + " exceeds the " + cores
                    + " cores of each executor (master " + master + "): no task could ever be scheduled. Lower threads-per-task or give executors more cores.");
        }
    }
}
