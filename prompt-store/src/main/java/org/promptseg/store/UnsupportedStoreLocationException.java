package org.promptseg.store;

/** The store root is on a filesystem the store cannot give its guarantees on (no atomic rename). */
public class UnsupportedStoreLocationException extends StoreException {
    public UnsupportedStoreLocationException(String message) {
        super(message);
    }

    public UnsupportedStoreLocationException(String message, Throwable cause) {
        super(message, cause);
    }
}
