package org.promptseg.jobs.config;

import java.util.List;
import org.promptseg.common.PromptsegException;

/** A configuration the user supplied is unusable: missing file, malformed HOCON, unknown key, wrong type. */
public final class ConfigurationException extends PromptsegException {
    private final List<String> problems;

    public ConfigurationException(String message) {
        this(List.of(message));
    }

    public ConfigurationException(List<String> problems) {
        super(problems.size() == 1 ? problems.get(0)
                : "configuration has " + problems.size() + " problems:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
        this.problems = List.of(message);
    }

    public List<String> problems() {
        return problems;
    }
}
