package org.promptseg.store;

/** A stored file whose checksum, format or manifest does not match what the store recorded; never repaired silently. */
public class CorruptStoreEntryException extends StoreException {
    public CorruptStoreEntryException(String message) {
        super(message);
    }

    public CorruptStoreEntryException(String message, Throwable cause) {
        super(message, cause);
    }
}
