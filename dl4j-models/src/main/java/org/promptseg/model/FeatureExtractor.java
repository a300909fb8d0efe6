package org.promptseg.model;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The bottleneck features of a {@link PromptableUNet}: the output of its lowest-resolution level (after the
 * bottleneck's prompt modules, if any), i.e. what the first decoder up-sampling reads. Case selection pools
 * them per volume into an embedding of the whole case.
 *
 * <p>The vertex is found from the graph (the input of {@code dec<bottleneck-1>_up}, see {@link UNetGraphBuilder}),
 * so it follows whichever prompt modules the network has. Only the encoder runs: the forward pass stops at that
 * vertex. Inference mode; the network is not changed. Not thread-safe (the network is not).
 */
public final class FeatureExtractor {
    private final PromptableUNet model;
    private final String vertex;

    public FeatureExtractor(PromptableUNet model) {
        this.model = model;
        this.vertex = bottleneckVertex(model);
    }

    /** Name of the graph vertex whose output is the bottleneck feature map. */
    public static String bottleneckVertex(PromptableUNet model) {
        int bottleneck = model.spec().bottleneckLevel();
        String up = "dec" + (bottleneck - 1) + "_up";
        List<String> inputs = model.graph().getConfiguration().getVertexInputs().get(up);
        if (inputs == null || inputs.size() != 1) {
            throw new ModelConfigException("graph vertex '" + up + "'", "the first decoder up-sampling with one input (the bottleneck)",
                    inputs == null ? "no such vertex" : inputs);
        }
        return inputs.get(0);
    }

    /**
     * Name of the vertex whose output the head reads: the decoder's full-resolution features, what CPA pretraining
     * compares between student and teacher.
     */
    public static String decoderVertex(PromptableUNet model) {
        List<String> inputs = model.graph().getConfiguration().getVertexInputs().get(UNetGraphBuilder.HEAD);
        if (inputs == null || inputs.size() != 1) {
            throw new ModelConfigException("graph vertex '" + UNetGraphBuilder.HEAD + "'", "the head with one input (the decoder)",
                    inputs == null ? "no such vertex" : inputs);
        }
        return inputs.get(0);
    }

    /**
     * Decoder features {@code [N, D, H, W, C]} (NDHWC, full resolution, C = the finest level's channels) for a batch of
     * normalised windows; inference mode, a detached array the caller owns. Everything but the head runs.
     */
    public static INDArray decoder(PromptableUNet model, INDArray windowsNdhwc) {
        model.checkWindows(windowsNdhwc, "windows");
        return model.graph().output(List.of(decoderVertex(model)), false, new INDArray[] {windowsNdhwc.castTo(model.dataType())}, null)[0];
    }

    /** The vertex this extractor reads. */
    public String vertex() {
        return vertex;
    }

    /** Feature channels of the bottleneck (the last entry of the spec's channels). */
    public int channels() {
        return model.spec().channels().get(model.spec().bottleneckLevel());
    }

    /**
     * Bottleneck activations {@code [N, d, h, w, C]} (NDHWC; d, h, w = patch / 2^bottleneck) for a batch of normalised
     * windows {@code [N, D, H, W, 1]}; a detached array the caller owns.
     */
    public INDArray bottleneck(INDArray windowsNdhwc) {
        model.checkWindows(windowsNdhwc, "windows");
        return model.graph().output(List.of(vertex), false, new INDArray[] {windowsNdhwc.castTo(model.dataType())}, null)[0];
    }
}
