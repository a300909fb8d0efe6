package org.promptseg.jobs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** Versions this build was made with (filtered from the pom at build time). */
public final class BuildInfo implements CommandLine.IVersionProvider {
    private static final Properties PROPS = load();

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/promptseg-build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public static String version() {
        return PROPS.getProperty("version", "unknown");
    }

    public static String get(String key) {
        return PROPS.getProperty(key, "unknown");
    }

    /** The Spark version actually on the classpath (may differ from the build's on a cluster). */
    public static String runtimeSparkVersion() {
        try {
            return org.apache.spark.package$.MODULE$.SPARK_VERSION();
        } catch (LinkageError e) {
            return "not on the classpath";
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {
            "promptseg " + version(),
            "built with Spark " + get("spark.version") + " (Scala 2.13), DL4J/ND4J " + get("dl4j.version") + " (" + get("nd4j.classifier")
                    + "), Hadoop " + get("hadoop.version"),
            "running on Java " + System.getProperty("java.version") + ", Spark " + runtimeSparkVersion()
        };
    }
}
