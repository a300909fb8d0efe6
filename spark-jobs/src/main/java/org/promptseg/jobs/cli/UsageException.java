package org.promptseg.jobs.cli;

import org.promptseg.common.PromptsegException;

/** The command line names something impossible (an invalid id, a missing required input...): exit code 2. */
public final class UsageException extends PromptsegException {
    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
