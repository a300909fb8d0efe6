package org.promptseg.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The promptseg version recorded in manifests, filled in by the build. */
final class ToolVersion {
    private static final String VERSION = load();

    private ToolVersion() {}

    static String current() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = ToolVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
