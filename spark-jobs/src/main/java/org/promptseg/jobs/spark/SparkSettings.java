package org.promptseg.jobs.spark;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.Map;
import java.util.TreeMap;

/** Typed view of {@code promptseg.spark} and {@code promptseg.native}. */
public record SparkSettings(
        String master,
        String appName,
        int threadsPerTask,
        boolean ui,
        int sqlShufflePartitions,
        Map<String, String> extraConf,
        NativeMemory nativeMemory) {

    /** Off-heap limits for ND4J (JavaCPP) and the matching platform extension. */
    public record NativeMemory(long maxBytes, long maxPhysicalBytes, long overheadMargin, String platformExtension) {
        public static NativeMemory fromConfig(Config root) {
            Config c = root.getConfig("promptseg.native");
            return new NativeMemory(c.getBytes("max-bytes"), c.getBytes("max-physical-bytes"), c.getBytes("overhead-margin"),
                    c.getString("platform-extension"));
        }

        /** JVM options that make a JVM load the right ND4J native build within these limits. */
        public String javaOptions() {
            return "-Dorg.bytedeco.javacpp.platform.extension=" + platformExtension
                    + " -Dorg.bytedeco.javacpp.maxbytes=" + maxBytes
                    + " -Dorg.bytedeco.javacpp.maxphysicalbytes=" + maxPhysicalBytes;
        }

        /** spark.executor.memoryOverhead in MiB: ND4J's off-heap limit plus a margin for everything else off-heap. */
        public long executorMemoryOverheadMiB() {
            return (maxBytes + overheadMargin) >> 20;
        }
    }

    public SparkSettings {
        if (threadsPerTask < 1) {
            throw new IllegalArgumentException("promptseg.spark.threads-per-task must be >= 1, got " + threadsPerTask);
        }
        extraConf = Map.copyOf(extraConf);
    }

    public static SparkSettings fromConfig(Config root) {
        Config c = root.getConfig("promptseg.spark");
        Map<String, String> extra = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : c.getConfig("conf").entrySet()) {
            extra.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
        }
        return new SparkSettings(c.getString("master"), c.getString("app-name"), c.getInt("threads-per-task"),
                c.getBoolean("ui"), c.getInt("sql-shuffle-partitions"), extra, NativeMemory.fromConfig(root));
    }
}
