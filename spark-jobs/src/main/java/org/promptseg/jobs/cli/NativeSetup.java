package org.promptseg.jobs.cli;

import com.typesafe.config.Config;
import org.promptseg.jobs.spark.SparkSettings;

/**
 * Makes this JVM load the configured ND4J native build within the configured limits. Must run before
 * the first ND4J class loads: JavaCPP reads these properties once. Explicit -D options win.
 */
final class NativeSetup {
    private NativeSetup() {}

    static void apply(Config config) {
        SparkSettings.NativeMemory mem = SparkSettings.NativeMemory.fromConfig(config);
        setIfAbsent("org.bytedeco.javacpp.platform.extension", mem.platformExtension());
        setIfAbsent("org.bytedeco.javacpp.maxbytes", Long.toString(mem.maxBytes()));
        setIfAbsent("org.bytedeco.javacpp.maxphysicalbytes", Long.toString(mem.maxPhysicalBytes()));
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
