package org.promptseg.jobs.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TuningMode;

/**
 * Everything that varies between uses of a pooled network, put in place before each use: the center's
 * active classes, fixed prompts (baselines), and the groups' tensors. Pooled copies are shared by all
 * tasks of an executor, so nothing may be assumed left over from a previous task.
 */
public record ModelState(TuningMode mode, ParamSet fixedPrompts, Map<String, ParamSet> groups, boolean[] activeClasses) implements Serializable {
    public ModelState {
        groups = new TreeMap<>(groups);
    }

    /** Whether applying this state overwrites backbone weights (every mode but prompt tuning). */
    public boolean writesBackbone() {
        return mode != TuningMode.PROMPT;
    }

    /** Writes this state into {@code model}; fails if a parameter the mode trains is in no group. */
    public void applyTo(PromptableUNet model) {
        model.setActiveClasses(activeClasses);
        if (fixedPrompts != null) {
            model.insert(TuningMode.PROMPT, TensorConversions.toArrays(fixedPrompts));
        }
        Set<String> covered = new HashSet<>();
        for (ParamSet group : groups.values()) {
            model.insert(mode, TensorConversions.toArrays(group));
            covered.addAll(group.names());
        }
        List<String> missing = new ArrayList<>(model.trainableNames(mode));
        missing.removeAll(covered);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("parameters trained in mode " + mode.configName() + " belong to no group: " + missing);
        }
    }
}
