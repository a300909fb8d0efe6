package org.promptseg.jobs.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueFactory;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.HadoopFiles;
import org.promptseg.common.Uris;

/**
 * Loads the effective promptseg configuration.
 *
 * <p>Layers, lowest first: every module's {@code reference.conf} (the declarations and their
 * defaults) &lt; the files given with {@code --conf} (or, if none, the file named by the environment
 * variable {@value #CONF_ENV}) &lt; JVM system properties {@code -Dpromptseg.x=y} &lt; {@code --set
 * key=value}. The user layers are validated against the declarations before use, so a typo or a
 * wrong type is reported with the key and where it was set instead of being silently ignored.
 */
public final class PromptsegConfig {
    public static final String CONF_ENV = "PROMPTSEG_CONF";
    private static final long MAX_CONF_BYTES = 4L << 20;

    private PromptsegConfig() {}

    /**
     * The declarations and defaults only: every module's reference.conf, without the JVM system
     * properties that {@code ConfigFactory.defaultReference()} would merge in (a -D typo would otherwise
     * count as declared).
     */
    public static Config defaults() {
        return ConfigFactory.defaultReferenceUnresolved().resolve();
    }

    /**
     * @param confFiles locations (local paths or Hadoop URIs) of HOCON files, later ones win
     * @param sets      {@code key=value} overrides, later ones win
     */
    public static Config load(List<String> confFiles, List<String> sets) {
        return load(confFiles, sets, System.getenv(CONF_ENV));
    }

    /** Defaults plus {@code key=value} overrides only (no files, no environment): for programmatic use and tests. */
    public static Config of(String... sets) {
        return load(List.of(), List.of(sets), null);
    }

    static Config load(List<String> confFiles, List<String> sets, String envConfFile) {
        List<String> files = new ArrayList<>(confFiles);
        if (files.isEmpty() && envConfFile != null && !envConfFile.isBlank()) {
            files.add(envConfFile);
        }
        Config user = ConfigFactory.empty();
        for (String file : files) {
            user = parseFile(file).withFallback(user);
        }
        user = promptsegSystemProperties().withFallback(user);
        for (String set : sets) {
            user = parseSet(set).withFallback(user);
        }
        Config reference = defaults();
        try {
            user = user.resolveWith(reference.withFallback(user));
        } catch (ConfigException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
        List<String> problems = ConfigValidator.problems(reference, user);
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        try {
            return user.withFallback(reference).resolve();
        } catch (ConfigException e) {
            throw new ConfigurationException(e.getMessage(), e);
        }
    }

    static Config parseFile(String location) {
        Path path = Uris.toPath(location);
        String text;
        try {
            text = HadoopFiles.readString(path, new Configuration(), MAX_CONF_BYTES);
        } catch (FileNotFoundException e) {
            throw new ConfigurationException("configuration file '" + location + "' not found (given with --conf or " + CONF_ENV + ")");
        } catch (IOException e) {
            throw new ConfigurationException("cannot read configuration file '" + location + "': " + e.getMessage(), e);
        }
        try {
            return ConfigFactory.parseString(text, ConfigParseOptions.defaults()
                    .setSyntax(ConfigSyntax.CONF).setOriginDescription(location).setAllowMissing(false));
        } catch (ConfigException.Parse e) {
            throw new ConfigurationException("configuration file '" + location + "' is not valid HOCON: " + e.getMessage(), e);
        }
    }

    /**
     * Parses one {@code --set key=value}. Values that look like a list or a section ({@code [..]},
     * {@code {..}}) are parsed as HOCON; anything else is taken literally as a string, so URIs such as
     * {@code hdfs://nn:8020/x} need no quoting (Typesafe Config converts "3" or "true" on read).
     */
    static Config parseSet(String set) {
        int eq = set.indexOf('=');
        if (eq <= 0) {
            throw new ConfigurationException("--set '" + set + "': expected key=value, e.g. --set promptseg.spark.master=local[2]");
        }
        String key = set.substring(0, eq).trim();
        String value = set.substring(eq + 1).trim();
        String origin = "--set " + set;
        try {
            ConfigFactory.empty().hasPath(key); // validates the path expression
        } catch (ConfigException.BadPath e) {
            throw new ConfigurationException("--set '" + set + "': '" + key + "' is not a valid configuration key");
        }
        if (value.startsWith("[") || value.startsWith("{")) {
            try {
                return ConfigFactory.parseString(key + " = " + value, ConfigParseOptions.defaults().setOriginDescription(origin));
            } catch (ConfigException e) {
                throw new ConfigurationException("--set '" + set + "': the value is not a valid HOCON list/section: " + e.getMessage());
            }
        }
        return ConfigValueFactory.fromAnyRef(value, origin).atPath(key);
    }

    private static Config promptsegSystemProperties() {
        Map<String, Object> props = new java.util.TreeMap<>();
        System.getProperties().forEach((k, v) -> {
            if (k.toString().startsWith("promptseg.")) {
                props.put(k.toString(), v.toString());
            }
        });
        Config c = ConfigFactory.empty();
        for (Map.Entry<String, Object> e : props.entrySet()) {
            c = ConfigValueFactory.fromAnyRef(e.getValue(), "system property -D" + e.getKey()).atPath(e.getKey()).withFallback(c);
        }
        return c;
    }

    /** The {@code promptseg} section as HOCON, without comments, for {@code doctor} and run provenance. */
    public static String render(Config config) {
        return config.getConfig("promptseg").atKey("promptseg").root().render(ConfigRenderOptions.concise().setFormatted(true).setJson(false));
    }
}
