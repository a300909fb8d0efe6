package org.promptseg.model.layers;

import java.util.Map;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.promptseg.model.ParamRole;

/**
 * Instance normalisation (per sample and channel over D, H, W) with a learned affine, followed by LeakyReLU.
 *
 * <p>Chosen over BatchNormalization because it has no running statistics: train and inference compute
 * the same thing, it is exact at batch 1-2, and a frozen backbone cannot drift through statistics updated
 * in prompt mode (the "frozen BN still updates" trap). The affine parameters are backbone parameters.
 */
public class InstanceNormLeakyRelu extends VolumeLayer {
    public static final String GAMMA = "gamma";
    public static final String BETA = "beta";

    @JsonProperty private double epsilon = 1e-5;
    @JsonProperty private double slope = 0.01;

    /** For JSON. */
    public InstanceNormLeakyRelu() {
    }

    public InstanceNormLeakyRelu(String name, double epsilon, double slope) {
        this.layerName = name;
        this.epsilon = epsilon;
        this.slope = slope;
    }

    @Override
    public ParamRole roleOf(String paramKey) {
        return ParamRole.BACKBONE;
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addWeightParam(GAMMA, 1, channels);
        params.addWeightParam(BETA, 1, channels);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.get(GAMMA).assign(1);
        params.get(BETA).assign(0);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
        SDVariable mean = x.mean(true, 1, 2, 3);
        SDVariable centred = x.sub(mean);
        SDVariable variance = centred.mul(centred).mean(true, 1, 2, 3);
        SDVariable normalised = centred.mul(sd.math().rsqrt(variance.add(epsilon)));
        SDVariable gamma = sd.reshape(p.get(GAMMA), 1, 1, 1, 1, channels);
        SDVariable beta = sd.reshape(p.get(BETA), 1, 1, 1, 1, channels);
        return sd.nn().leakyRelu(normalised.mul(gamma).add(beta), slope);
    }
}
