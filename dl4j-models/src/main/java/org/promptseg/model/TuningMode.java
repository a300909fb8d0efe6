package org.promptseg.model;

import java.util.Locale;

/** Which parameters a {@link org.promptseg.model.train.Trainer} updates. */
public enum TuningMode {
    /** Every backbone, head and prompt weight (pretraining and the full fine-tuning baseline). */
    FULL,
    /** Prompt parameters only; the backbone and the head stay bit-identical. */
    PROMPT,
    /** The final 1x1x1 head only (linear-probe baseline). */
    HEAD;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TuningMode parse(String name) {
        for (TuningMode m : values()) {
            if (m.configName().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new ModelConfigException("mode", "one of full, prompt, head", name);
    }

    /** Whether a parameter of the given role is updated in this mode. */
    public boolean trains(ParamRole role) {
        return switch (this) {
            case FULL -> role != ParamRole.STATE;
            case PROMPT -> role == ParamRole.PROMPT;
            case HEAD -> role == ParamRole.HEAD;
        };
    }
}
