package org.promptseg.model.layers;

import java.util.Map;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.promptseg.model.ParamRole;

/**
 * DVPT-style bottleneck prompt on frozen features: {@code x + g · Up(read(prompts, Down(x)))}.
 *
 * <p>{@code z = Down(x)} projects every voxel to a few dimensions. The learnable prompt queries attend
 * over all voxels of the sample ({@code c = softmax_S(P zᵀ/√r) z}, one context vector per prompt), then
 * each voxel reads those contexts back through the same affinities taken over the prompts
 * ({@code u = softmax_M(z Pᵀ/√r) c}); {@code Up(u)} is added through a scalar gate {@code g} that starts
 * at 0, so a fresh module leaves the backbone's output unchanged. Every parameter here is prompt.
 */
public class BottleneckPrompt extends VolumeLayer {
    public static final String DOWN = "down";
    public static final String UP = "up";
    public static final String QUERIES = "queries";
    public static final String GATE = "gate";

    @JsonProperty private int rank = 8;
    @JsonProperty private int queries = 8;

    /** For JSON. */
    public BottleneckPrompt() {
    }

    public BottleneckPrompt(String name, int rank, int queries) {
        this.layerName = name;
        this.rank = rank;
        this.queries = queries;
    }

    @Override
    public ParamRole roleOf(String paramKey) {
        return ParamRole.PROMPT;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addWeightParam(DOWN, channels, rank);
        params.addWeightParam(UP, rank, channels);
        params.addWeightParam(QUERIES, queries, rank);
        params.addWeightParam(GATE, 1, 1);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.get(DOWN).assign(Nd4j.randn(params.get(DOWN).dataType(), channels, rank).muli(Math.sqrt(1.0 / channels)));
        params.get(UP).assign(Nd4j.randn(params.get(UP).dataType(), rank, channels).muli(Math.sqrt(1.0 / rank)));
        params.get(QUERIES).assign(Nd4j.randn(params.get(QUERIES).dataType(), queries, rank));
        params.get(GATE).assign(0);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
        long s = voxels();
        double scale = 1.0 / Math.sqrt(rank);
        SDVariable z = sd.mmul(sd.reshape(x, -1, channels), p.get(DOWN));                 // [N*S, r]
        SDVariable affinity = sd.reshape(sd.mmul(z, p.get(QUERIES), false, true, false).mul(scale), -1, s, queries); // [N, S, M]
        SDVariable zBySample = sd.reshape(z, -1, s, rank);                                  // [N, S, r]
        SDVariable gather = sd.nn().softmax(sd.permute(affinity, 0, 2, 1), 2);              // [N, M, S]
        SDVariable context = sd.mmul(gather, zBySample);                                    // [N, M, r]
        SDVariable read = sd.nn().softmax(affinity, 2);                                     // [N, S, M]
        SDVariable u = sd.reshape(sd.mmul(read, context), -1, rank);                        // [N*S, r]
        SDVariable delta = sd.reshape(sd.mmul(u, p.get(UP)), -1, depth, height, width, channels);
        return x.add(delta.mul(sd.reshape(p.get(GATE), 1, 1, 1, 1, 1)));
    }
}
