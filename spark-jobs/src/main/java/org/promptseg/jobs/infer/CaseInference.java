package org.promptseg.jobs.infer;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import java.io.IOException;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.promptseg.common.Json;
import org.promptseg.jobs.train.BackboneInfo;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.infer.InferenceOptions;
import org.promptseg.model.infer.NdArrayWindowPredictor;
import org.promptseg.model.infer.Segmentation;
import org.promptseg.model.infer.SlidingWindowInference;
import org.promptseg.model.infer.VolumeShape;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.dataset.CaseLoader;
import org.promptseg.volume.dataset.CaseRef;
import org.promptseg.volume.dataset.ClassMapping;
import org.promptseg.volume.dataset.LabelledCase;
import org.promptseg.volume.preprocess.CasePreprocessor;
import org.promptseg.volume.preprocess.Normalization;
import org.promptseg.volume.preprocess.PreparedCase;
import org.promptseg.volume.preprocess.PreprocessOptions;

/**
 * One whole case through a network, exactly as the backbone was trained: the backbone's preprocessing
 * (reorientation, crop, resampling to its spacing) and normalisation, sliding-window inference, and the
 * labels put back on the source grid. Shared by evaluate, predict and select; serialisable settings only.
 */
public record CaseInference(PreprocessOptions preprocess, double[] targetSpacingZyx, Normalization normalization, InferenceOptions inference,
                            VolumeOptions volumeOptions) implements Serializable {

    /** The backbone's own preprocessing (recorded in backbone.json at pretraining) and the configured inference settings. */
    public static CaseInference of(BackboneInfo backbone, Config config) throws IOException {
        JsonNode p = backbone.manifest().normalisation().get("preprocess");
        PreprocessOptions preprocess = p == null ? PreprocessOptions.fromConfig(config) : Json.mapper().treeToValue(p, PreprocessOptions.class);
        return new CaseInference(preprocess, backbone.targetSpacingZyx(), backbone.normalization(), InferenceOptions.fromConfig(config),
                VolumeOptions.fromConfig(config));
    }

    /** Reads a case; labels (if any) are mapped onto the global classes. */
    public LabelledCase load(CaseRef ref, ClassMapping classes) throws IOException {
        LabelledCase c = new CaseLoader(new Configuration(), volumeOptions).load(ref);
        Volume label = c.label() == null || classes == null ? c.label() : classes.remap(c.label(), ref.labelUri());
        return new LabelledCase(c.caseId(), c.image(), label);
    }

    public PreparedCase prepare(LabelledCase c) {
        return new CasePreprocessor(preprocess, targetSpacingZyx).prepare(c);
    }

    public float[] normalise(PreparedCase p) {
        return normalization.apply(p.image().shorts());
    }

    /** Sliding-window segmentation of a prepared case (memory bounded by the engine's z-slabs). */
    public Segmentation segment(PromptableUNet model, float[] normalised, PreparedCase p) {
        var patch = model.spec().patch();
        NdArrayWindowPredictor predictor = new NdArrayWindowPredictor(new VolumeShape(patch.get(0), patch.get(1), patch.get(2)),
                model.spec().numClasses(), model::predictProbabilities);
        return new SlidingWindowInference(predictor, inference).segment(normalised, VolumeShape.of(p.image().shape()));
    }

    /** The labels on the source file's exact grid and geometry. */
    public Volume toSource(PreparedCase p, Segmentation s) {
        return p.transform().labelsToSource(s.toVolume(p.image().geometry()));
    }
}
