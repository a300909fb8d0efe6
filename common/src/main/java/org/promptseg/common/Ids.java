package org.promptseg.common;

import java.util.regex.Pattern;

/**
 * Validation of the identifiers that become path segments: center ids, prompt version names,
 * aliases, run ids. Checked before any filesystem access, so that {@code ..}, {@code /}, absolute
 * paths, whitespace or look-alike unicode characters can never escape a store or dataset root.
 */
public final class Ids {
    /** DESIGN §4: {@code [a-z0-9][a-z0-9_-]{0,63}}. ASCII only, on purpose. */
    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private Ids() {}

    /**
     * Returns {@code value} if it is a valid id, else throws an {@link IllegalArgumentException} naming
     * {@code what} (e.g. "center id") and the offending value with non-printable/non-ASCII characters escaped.
     */
    public static String require(String what, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            throw new IllegalArgumentException("invalid " + what + " " + (value == null ? "(none)" : "'" + printable(value) + "'")
                    + ": expected 1-64 characters of a-z, 0-9, '_' or '-', starting with a letter or digit");
        }
        return value;
    }

    public static boolean isValid(String value) {
        return value != null && ID.matcher(value).matches();
    }

    /** Escapes anything outside printable ASCII as \\uXXXX so that error messages cannot be spoofed. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        if (b.length() >= 200) {
            b.append("...");
        }
        return b.toString();
    }
}
