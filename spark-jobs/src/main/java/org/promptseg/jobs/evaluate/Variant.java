package org.promptseg.jobs.evaluate;

import java.io.Serializable;
import java.util.Set;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.jobs.train.ModelSource;

/**
 * One network configuration being evaluated: the bare backbone (generic prompts), a center's prompt
 * version, or a full/head fine-tuned model. {@code prompts} is null for stored models, which are used as
 * they are. It is evaluated on the cases of {@code centers}.
 *
 * @param name   unique and file-name safe: "backbone", "prompts-c2-0003", "full-c2-0001"
 * @param label  for people: "prompts c2/0003 (production)"
 * @param kind   backbone | prompt | full | head
 * @param owner  the center whose prompts or model this is (null for the backbone)
 */
public record Variant(String name, String label, String kind, String owner, String version, java.util.List<String> aliases, ModelSource source,
                      ParamSet prompts, Set<String> centers) implements Serializable {
    public static final String BACKBONE = "backbone";
    public static final String PROMPT = "prompt";

    public boolean appliesTo(String center) {
        return centers.contains(center);
    }
}
