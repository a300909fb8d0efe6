package org.promptseg.store.internal;

import java.util.regex.Pattern;
import org.promptseg.common.Ids;
import org.promptseg.store.InvalidStoreArgumentException;

/**
 * Validation of every name that becomes a path segment of the store, before any filesystem access:
 * center ids, aliases, run ids, lock scopes ({@code [a-z0-9][a-z0-9_-]{0,63}}), backbone ids (64 hex
 * digits) and version numbers.
 */
public final class StoreNames {
    public static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** Resolves to the newest version; therefore no alias may be called so. */
    public static final String LATEST = "latest";
    /** Anything all digits reads as a version number (and so is no alias); at most 9 digits are valid. */
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    private StoreNames() {}

    public static String center(String center) {
        return id("center id", center);
    }

    public static String runId(String runId) {
        return id("run id", runId);
    }

    public static String scope(String scope) {
        return id("lock scope", scope);
    }

    /** An alias: a valid id that is neither a number (that would read as a version) nor "latest". */
    public static String alias(String alias) {
        id("alias", alias);
        if (DIGITS.matcher(alias).matches() || alias.equals(LATEST)) {
            throw new InvalidStoreArgumentException("invalid alias '" + alias + "': numbers name versions and 'latest' names the "
                    + "newest version, so neither can be an alias");
        }
        return alias;
    }

    public static String backboneId(String id) {
        if (id == null || !SHA256.matcher(id).matches()) {
            throw new InvalidStoreArgumentException("invalid backbone id " + quoted(id) + ": expected 64 lowercase hex digits (a SHA-256)");
        }
        return id;
    }

    public static boolean isBackboneId(String s) {
        return s != null && SHA256.matcher(s).matches();
    }

    /** True for "3", "0003", ...: a version number rather than an alias. */
    public static boolean isVersionNumber(String s) {
        return s != null && DIGITS.matcher(s).matches();
    }

    /** Parses "3" or "0003" to 3; versions start at 1. */
    public static int versionNumber(String what, String s) {
        if (!isVersionNumber(s) || s.length() > 9 || Integer.parseInt(s) < 1) {
            throw new InvalidStoreArgumentException("invalid " + what + " " + quoted(s) + ": expected a version number such as 0003 (1 to 999999999)");
        }
        return Integer.parseInt(s);
    }

    private static String id(String what, String value) {
        try {
            return Ids.require(what, value);
        } catch (IllegalArgumentException e) {
            throw new InvalidStoreArgumentException(e.getMessage(), e);
        }
    }

    private static String quoted(String s) {
        return s == null ? "(none)" : "'" + Ids.printable(s) + "'";
    }
}
