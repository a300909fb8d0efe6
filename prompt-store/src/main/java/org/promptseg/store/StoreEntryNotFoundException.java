package org.promptseg.store;

/** A center, version, alias, backbone, model or run that the store does not hold; the message says what exists. */
public class StoreEntryNotFoundException extends StoreException {
    public StoreEntryNotFoundException(String message) {
        super(message);
    }

    public StoreEntryNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
