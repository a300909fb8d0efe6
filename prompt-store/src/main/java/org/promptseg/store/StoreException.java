package org.promptseg.store;

import org.promptseg.common.PromptsegException;

/** Base of the store's user-facing errors: the message names the store path or entry and what was expected. */
public class StoreException extends PromptsegException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
