package org.promptseg.store;

import org.promptseg.common.Json;

/**
 * A result of a store command: serialises to JSON with common's mapper (the CLI's {@code --json}) and
 * renders as text for people.
 */
public interface StoreResult {
    String toText();

    default String toJson() {
        return Json.pretty(this);
    }
}
