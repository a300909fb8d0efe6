package org.promptseg.model;

import java.util.Locale;

/** The prompt modules a network can carry; they compose (any subset). */
public enum PromptKind {
    /** Learnable low-resolution volume, upsampled and added to the normalised image (new-center method). */
    INPUT,
    /** Class-dependent tokens appended to the keys/values of every windowed attention block (PUNet). */
    DEEP,
    /** Prompt queries cross-attending a low-rank projection of frozen features, gated back in (DVPT). */
    BOTTLENECK;

    /** The name used in configuration and on the command line ({@code input}, {@code deep}, {@code bottleneck}). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PromptKind parse(String name, String field) {
        for (PromptKind k : values()) {
            if (k.configName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new ModelConfigException(field, "one of input, deep, bottleneck", name);
    }
}
