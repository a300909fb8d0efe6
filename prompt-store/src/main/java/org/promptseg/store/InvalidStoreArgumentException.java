package org.promptseg.store;

/** An id, version or option given to the store that is malformed, rejected before any filesystem access. */
public class InvalidStoreArgumentException extends StoreException {
    public InvalidStoreArgumentException(String message) {
        super(message);
    }

    public InvalidStoreArgumentException(String message, Throwable cause) {
        super(message, cause);
    }
}
