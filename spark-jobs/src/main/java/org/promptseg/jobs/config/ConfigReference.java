package org.promptseg.jobs.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Generates the configuration reference (Markdown) from the declarations: every key, its default and
 * the doc comment written above it in its module's {@code reference.conf}. Keys are declared once;
 * this page is derived, never edited by hand (a test keeps {@code docs/configuration.md} in sync).
 */
public final class ConfigReference {
    private ConfigReference() {}

    /** One declared key. */
    public record Entry(String key, String type, String defaultValue, String doc) {}

    public static List<Entry> entries(Config reference) {
        List<Entry> out = new ArrayList<>();
        collect(reference.getObject("promptseg"), "promptseg", out);
        return out;
    }

    private static void collect(ConfigObject object, String prefix, List<Entry> out) {
        Map<String, ConfigValue> sorted = new TreeMap<>(object);
        for (Map.Entry<String, ConfigValue> e : sorted.entrySet()) {
            String key = prefix + "." + e.getKey();
            ConfigValue v = e.getValue();
            String doc = String.join(" ", v.origin().comments().stream().map(String::trim).toList()).trim();
            boolean open = doc.contains(ConfigValidator.OPEN_MAP_MARK);
            if (v.valueType() == ConfigValueType.OBJECT && !open) {
                if (!doc.isEmpty()) {
                    out.add(new Entry(key, "section", "", doc));
                }
                collect((ConfigObject) v, key, out);
            } else {
                String type = open ? "map" : v.valueType().name().toLowerCase();
                out.add(new Entry(key, type, v.render(ConfigRenderOptions.concise()), doc));
            }
        }
    }

    /** The reference page in Markdown, grouped by top-level section. */
    public static String markdown(Config reference) {
        StringBuilder md = new StringBuilder();
        md.append("# Configuration reference\n\n")
          .append("Generated from the `reference.conf` of every module (`promptseg config reference`); do not edit by hand.\n")
          .append("Override with `--conf FILE` (HOCON), `-Dpromptseg.key=value`, or `--set key=value` (highest precedence).\n");
        String section = null;
        for (Entry e : entries(reference)) {
            String top = e.key().split("\\.")[1];
            if (!top.equals(section)) {
                section = top;
                md.append("\n## `promptseg.").append(top).append("`\n\n| key | type | default | description |\n|---|---|---|---|\n");
            }
            if (e.type().equals("section")) {
                md.append("| **`").append(e.key()).append("`** | section | | ").append(escape(e.doc())).append(" |\n");
            } else {
                md.append("| `").append(e.key()).append("` | ").append(e.type()).append(" | `").append(escape(e.defaultValue()))
                  .append("` | ").append(escape(e.doc())).append(" |\n");
            }
        }
        return md.toString();
    }

    private static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
