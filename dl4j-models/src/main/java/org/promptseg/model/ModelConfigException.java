package org.promptseg.model;

/**
 * A model option, parameter map or input array that does not fit the network. The message names the
 * field (configuration key, parameter name or argument) and says what was expected and what was found; the CLI
 * prints it as it is (a user-facing error, not an internal one).
 */
public class ModelConfigException extends org.promptseg.common.PromptsegException {
    private final String field;

    public ModelConfigException(String field, String expected, Object found) {
        super(field + ": expected " + expected + ", found " + found);
        this.field = field;
    }

    /** The configuration key, parameter name or argument that was wrong. */
    public String field() {
        return field;
    }
}
