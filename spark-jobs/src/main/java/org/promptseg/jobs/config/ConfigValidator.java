package org.promptseg.jobs.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a user's configuration against the declarations in every module's {@code reference.conf}:
 * each user key must be declared there, and its value must be convertible to the declared type.
 *
 * <p>A reference object whose doc comment contains {@value #OPEN_MAP_MARK} is an open map: any key
 * below it is accepted (e.g. extra Spark properties, user-defined model presets).
 */
final class ConfigValidator {
    static final String OPEN_MAP_MARK = "(open map)";

    private ConfigValidator() {}

    /** Returns one message per problem, each naming the key and where it was set (file:line). */
    static List<String> problems(Config reference, Config user) {
        List<String> problems = new ArrayList<>();
        walk(reference.root(), user.root(), "", problems);
        return problems;
    }

    private static void walk(ConfigObject ref, ConfigObject user, String prefix, List<String> problems) {
        for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
            String key = prefix.isEmpty() ? quoteIfNeeded(e.getKey()) : prefix + "." + quoteIfNeeded(e.getKey());
            ConfigValue declared = ref.get(e.getKey());
            ConfigValue given = e.getValue();
            if (declared == null) {
                if (!prefix.isEmpty() || e.getKey().equals("promptseg")) {
                    problems.add("unknown configuration key '" + key + "'" + where(given.origin()) + nearest(ref, e.getKey()));
                }
                // top-level keys other than promptseg (e.g. system properties like java.*) are not ours to judge
                continue;
            }
            if (isOpenMap(declared)) {
                continue;
            }
            if (declared.valueType() == ConfigValueType.OBJECT) {
                if (given.valueType() != ConfigValueType.OBJECT) {
                    problems.add("'" + key + "'" + where(given.origin()) + " must be a section ({ ... }), not a " + describe(given));
                } else {
                    walk((ConfigObject) declared, (ConfigObject) given, key, problems);
                }
                continue;
            }
            String typeProblem = typeProblem(declared, given);
            if (typeProblem != null) {
                problems.add("'" + key + "'" + where(given.origin()) + " " + typeProblem);
            }
        }
    }

    private static boolean isOpenMap(ConfigValue declared) {
        return declared.valueType() == ConfigValueType.OBJECT
                && declared.origin().comments().stream().anyMatch(c -> c.contains(OPEN_MAP_MARK));
    }

    /** Null when {@code given} can be read as the declared type (strings convert like Typesafe Config does). */
    private static String typeProblem(ConfigValue declared, ConfigValue given) {
        Config probe = given.atKey("v");
        try {
            switch (declared.valueType()) {
                case NUMBER -> probe.getDouble("v");
                case BOOLEAN -> probe.getBoolean("v");
                case LIST -> probe.getList("v");
                case STRING -> {
                    if (given.valueType() == ConfigValueType.LIST || given.valueType() == ConfigValueType.OBJECT) {
                        return "must be a single value like " + declared.render() + ", not a " + describe(given);
                    }
                }
                default -> { }
            }
            return null;
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            return "must be a " + declared.valueType().name().toLowerCase() + " (like the default " + declared.render()
                    + "), got " + given.render();
        }
    }

    private static String describe(ConfigValue v) {
        return v.valueType().name().toLowerCase() + " " + v.render();
    }

    private static String where(ConfigOrigin origin) {
        if (origin == null || origin.description() == null) {
            return "";
        }
        return " (set in " + origin.description() + ")";
    }

    /** A hint for typos: the declared sibling key closest by edit distance. */
    private static String nearest(ConfigObject ref, String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : ref.keySet()) {
            int d = editDistance(candidate, key);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        if (best != null && bestDistance <= Math.max(2, key.length() / 3)) {
            return "; did you mean '" + best + "'?";
        }
        return ref.isEmpty() ? "" : "; known keys here: " + String.join(", ", ref.keySet().stream().sorted().toList());
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String quoteIfNeeded(String key) {
        return key.matches("[A-Za-z0-9_-]+") ? key : "\"" + key + "\"";
    }
}
