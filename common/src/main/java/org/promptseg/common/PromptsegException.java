package org.promptseg.common;

/**
 * Base of every exception whose message is written for the user: it names the file, field or option
 * concerned and what was expected. The CLI prints such a message as it is, without a stack trace
 * (unless {@code --verbose}); any other exception is reported as an internal error.
 */
public class PromptsegException extends RuntimeException {
    public PromptsegException(String message) {
        super(message);
    }

    public PromptsegException(String message, Throwable cause) {
        super(message, cause);
    }
}
