package org.promptseg.store;

/** A compare-and-set on an alias (or another entry log) lost: the entry read before is no longer the current one. */
public class AliasConflictException extends StoreException {
    public AliasConflictException(String message) {
        super(message);
    }

    public AliasConflictException(String message, Throwable cause) {
        super(message, cause);
    }
}
