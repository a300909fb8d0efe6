package org.promptseg.model.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's SameDiff layer runtime with its backward pass corrected.
 *
 * <p>In DL4J 1.0.0-M2.1 {@code SameDiffLayer.backpropGradient} returns exactly twice the true gradient, for
 * the parameters and for the input alike (measured on every promptseg layer against central finite
 * differences in double precision: ratios 2.0000 ± 1e-7; see {@code GradientCheckTest}). Uncorrected, each
 * custom layer would double the gradient of everything before it. This runtime halves both; if a DL4J upgrade
 * fixes the bug, the gradient check fails and this class must go.
 */
class HalvingGradientSameDiffLayer extends org.deeplearning4j.nn.layers.samediff.SameDiffLayer {
    HalvingGradientSameDiffLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        Pair<Gradient, INDArray> result = super.backpropGradient(epsilon, workspaceMgr);
        for (INDArray g : result.getFirst().gradientForVariable().values()) {
            g.muli(0.5);
        }
        result.getSecond().muli(0.5);
        return result;
    }
}
