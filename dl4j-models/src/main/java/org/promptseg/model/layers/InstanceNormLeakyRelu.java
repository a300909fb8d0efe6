package org.promptseg.model.layers;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.promptseg.model.ModelConfigException;

/**
 * Instance normalisation (per sample and channel over D, H, W) with a learned affine, then LeakyReLU, on
 * NDHWC volumes. Parameters {@code gamma}, {@code beta} of shape [1, C] are backbone parameters.
 *
 * <p>Why instance norm: it has no running statistics, so training and inference compute the same thing,
 * it is exact at batch 1-2, and a frozen backbone cannot drift through statistics that a "frozen"
 * BatchNormalization keeps updating in prompt mode.
 *
 * <p>Why a hand-written layer rather than a SameDiff one: reducing an NDHWC array over D, H, W with ND4J's
 * reduce ops walks the channel-strided elements one by one and made a 32³ training step take seconds.
 * Here every per-channel sum is a matrix product with a ones vector over the [D·H·W, C] view of one sample
 * (BLAS gemv), and the rest are row-broadcast element-wise ops. Backprop is analytic (checked against
 * finite differences in the tests).
 */
public class InstanceNormLeakyRelu extends BaseLayer {
    public static final String GAMMA = "gamma";
    public static final String BETA = "beta";

    @JsonProperty private double epsilon = 1e-5;
    @JsonProperty private double slope = 0.01;
    @JsonProperty private long channels;

    /** For JSON. */
    public InstanceNormLeakyRelu() {
    }

    public InstanceNormLeakyRelu(String name, double epsilon, double slope) {
        this.layerName = name;
        this.epsilon = epsilon;
        this.slope = slope;
    }

    public double epsilon() {
        return epsilon;
    }

    public double slope() {
        return slope;
    }

    public long channels() {
        return channels;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        InstanceNormLeakyReluLayer layer = new InstanceNormLeakyReluLayer(conf, dataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(initializer().init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return Params.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        check(inputType);
        return inputType;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        InputType.InputTypeConvolutional3D t = check(inputType);
        if (override || channels == 0) {
            channels = t.getChannels();
        }
    }

    private InputType.InputTypeConvolutional3D check(InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeConvolutional3D t) || t.getDataFormat() != Convolution3D.DataFormat.NDHWC) {
            throw new ModelConfigException("layer " + layerName + " input", "a 3D NDHWC volume", inputType);
        }
        return t;
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return new LayerMemoryReport.Builder(layerName, InstanceNormLeakyRelu.class, inputType, inputType)
                .standardMemory(2 * channels, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    /** gamma then beta in one [1, 2C] view. */
    static final class Params implements ParamInitializer {
        static final Params INSTANCE = new Params();

        @Override
        public long numParams(NeuralNetConfiguration conf) {
            return numParams(conf.getLayer());
        }

        @Override
        public long numParams(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return 2 * ((InstanceNormLeakyRelu) layer).channels;
        }

        @Override
        public List<String> paramKeys(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return List.of(GAMMA, BETA);
        }

        @Override
        public List<String> weightKeys(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return List.of(GAMMA);
        }

        @Override
        public List<String> biasKeys(org.deeplearning4j.nn.conf.layers.Layer layer) {
            return List.of(BETA);
        }

        @Override
        public boolean isWeightParam(org.deeplearning4j.nn.conf.layers.Layer layer, String key) {
            return GAMMA.equals(key);
        }

        @Override
        public boolean isBiasParam(org.deeplearning4j.nn.conf.layers.Layer layer, String key) {
            return BETA.equals(key);
        }

        @Override
        public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray view, boolean initialize) {
            Map<String, INDArray> m = split(conf, view);
            if (initialize) {
                m.get(GAMMA).assign(1);
                m.get(BETA).assign(0);
            }
            return m;
        }

        @Override
        public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray view) {
            return split(conf, view);
        }

        private static Map<String, INDArray> split(NeuralNetConfiguration conf, INDArray view) {
            long c = ((InstanceNormLeakyRelu) conf.getLayer()).channels;
            INDArray flat = view.reshape(view.length());
            Map<String, INDArray> m = new java.util.LinkedHashMap<>();
            m.put(GAMMA, flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, c)).reshape(1, c));
            m.put(BETA, flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(c, 2 * c)).reshape(1, c));
            return m;
        }
    }
}
