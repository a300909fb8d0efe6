package org.promptseg.model;

/** What a network parameter is for; decides which tuning modes update it and what the backbone id covers. */
public enum ParamRole {
    /** Frozen after pretraining; part of the backbone id (attention projections of deep-prompt blocks included). */
    BACKBONE,
    /** The final 1x1x1 classifier; part of the backbone id, trainable alone in head mode. */
    HEAD,
    /** A prompt module's parameter: the per-center trainable set in prompt mode. */
    PROMPT,
    /**
     * Per-center switches that are not learned, such as which classes' prompt tokens are active. Never
     * trained (their gradient is reported as zero), not part of the backbone id; set through
     * {@link PromptableUNet#setActiveClasses}.
     */
    STATE
}
