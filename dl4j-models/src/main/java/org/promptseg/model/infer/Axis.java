package org.promptseg.model.infer;

import java.util.Locale;

/** The three axes of a (z, y, x) volume, in memory order from slowest to fastest. */
public enum Axis {
    Z, Y, X;

    /** Lower-case name, as written in configuration ({@code mirror-axes = [z, x]}). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
