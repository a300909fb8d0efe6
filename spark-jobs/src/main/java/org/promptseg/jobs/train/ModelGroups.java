package org.promptseg.jobs.train;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.model.ParamRole;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TuningMode;

/** The parameter groups of a network as the rounds see them (DESIGN §10, parameter groups). */
public final class ModelGroups {
    private ModelGroups() {}

    /** Every non-prompt trainable parameter: what pretraining averages over all centers. */
    public static ParamSet backbone(PromptableUNet model) {
        return TensorConversions.toSet(model.parameterViews(ParamRole.BACKBONE, ParamRole.HEAD));
    }

    /** Every prompt parameter: one center's prompts. */
    public static ParamSet prompts(PromptableUNet model) {
        return TensorConversions.toSet(model.parameterViews(ParamRole.PROMPT));
    }

    /** What a mode trains (full/head baselines: one group per center). */
    public static ParamSet trainable(PromptableUNet model, TuningMode mode) {
        return TensorConversions.toSet(model.extract(mode));
    }

    /** The element-wise mean of several centers' prompts: the generic prompts a new center starts from. */
    public static ParamSet mean(List<ParamSet> sets) {
        ParamSet sum = sets.get(0).zerosLike();
        for (ParamSet s : sets) {
            sum = sum.plusScaled(s, 1.0);
        }
        return sum.scaled(1.0 / sets.size());
    }

    /** Copies a group's tensors into a network (names must be parameters the mode may write). */
    public static void insert(PromptableUNet model, TuningMode mode, ParamSet set) {
        Map<String, INDArray> arrays = new TreeMap<>(TensorConversions.toArrays(set));
        model.insert(mode, arrays);
    }
}
