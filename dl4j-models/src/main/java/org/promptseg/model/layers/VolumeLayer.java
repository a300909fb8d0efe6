package org.promptseg.model.layers;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.promptseg.model.ModelConfigException;
import org.promptseg.model.ParamRole;

/**
 * Base of promptseg's custom layers: a SameDiff layer configuration on NDHWC volumes [N, D, H, W, C] whose
 * output has the input's shape. Subclasses say which role each of their parameters plays, so the model can
 * tell backbone from prompt parameters inside one layer. The parameters are always declared and initialised
 * the SameDiff way ({@code defineParameters}, {@code initializeParameters}); the computation is either a
 * SameDiff graph ({@code defineLayer}) or a hand-written runtime ({@link #createRuntime}).
 *
 * <p>Layers need a no-arg constructor and {@code @JsonProperty} fields (ND4J's shaded Jackson): DL4J
 * rebuilds them from the JSON configuration stored in model zips.
 */
public abstract class VolumeLayer extends SameDiffLayer {
    @JsonProperty protected long channels;
    @JsonProperty protected long depth;
    @JsonProperty protected long height;
    @JsonProperty protected long width;

    protected VolumeLayer() {
    }

    /** What the parameter with this key (as declared in {@code defineParameters}) is for. */
    public abstract ParamRole roleOf(String paramKey);

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        checkInput(inputType);
        return inputType;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        InputType.InputTypeConvolutional3D t = checkInput(inputType);
        if (override || channels == 0) {
            channels = t.getChannels();
            depth = t.getDepth();
            height = t.getHeight();
            width = t.getWidth();
        }
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        Layer layer = createRuntime(conf, networkDataType);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(layerParamsView);
        Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        layer.setListeners(listeners);
        return layer;
    }

    /**
     * The object that computes this layer inside a network. The default is DL4J's SameDiff runtime (with its
     * doubled gradient corrected); a layer with a hand-written forward and backward pass returns its own. The
     * parameters are declared and initialised by this configuration either way.
     */
    protected Layer createRuntime(NeuralNetConfiguration conf, DataType networkDataType) {
        return new HalvingGradientSameDiffLayer(conf, networkDataType);
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    private InputType.InputTypeConvolutional3D checkInput(InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional3D t)
                || t.getDataFormat() != Convolution3D.DataFormat.NDHWC) {
            throw new ModelConfigException("layer " + getLayerName() + " input", "a 3D NDHWC volume", inputType);
        }
        return t;
    }

    protected long voxels() {
        return depth * height * width;
    }
}
