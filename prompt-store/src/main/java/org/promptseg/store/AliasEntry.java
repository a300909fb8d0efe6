package org.promptseg.store;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One immutable entry of an alias log ({@code aliases/<alias>/<NNNNNNNN>.json}); the highest entry is
 * the alias's current value.
 *
 * @param seq entry number, equal to the file name
 * @param target the version (prompts) or backbone id (backbones) the alias points to from this entry on
 * @param action "promote" or "rollback"
 * @param previousEntry the entry a rollback from this one returns to, or null if there is none
 * @param restoredEntry for a rollback, the earlier entry whose target it restored; null otherwise
 * @param at ISO-8601 instant
 * @param actor user@host that made the change
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AliasEntry(
        int formatVersion,
        long seq,
        String alias,
        String target,
        String action,
        Long previousEntry,
        Long restoredEntry,
        String at,
        String actor) {

    public static final int FORMAT_VERSION = 1;
    public static final String PROMOTE = "promote";
    public static final String ROLLBACK = "rollback";
}
