package org.promptseg.model.layers;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * Runtime base of a {@link VolumeLayer} whose forward and backward passes are written by hand instead of
 * being run by DL4J's SameDiff runtime.
 *
 * <p>The configuration class stays a SameDiff layer: its parameters are declared and initialised exactly as
 * before (same keys, shapes, order in the flattened view, random initialisation), so the configuration JSON,
 * model zips, backbone ids and stored prompt versions do not change. Only the runtime differs. This class
 * holds the parameter and gradient views the way DL4J's SameDiff runtime does; subclasses implement
 * {@code activate} and {@code backpropGradient} and write parameter gradients into {@link #gradientView}.
 *
 * <p>Why by hand: at the sizes of the tiny preset a SameDiff layer spends its time dispatching dozens of
 * small ops, generic high-rank permutes and, in backprop, a second forward pass inside the SameDiff
 * session; a hand-written layer issues a few batched matrix products on contiguous layouts instead.
 */
abstract class HandWrittenVolumeLayer<C extends VolumeLayer> extends AbstractLayer<C> {
    private INDArray paramsView;
    private INDArray gradientsView;
    private Map<String, INDArray> params;
    private Map<String, INDArray> gradients;

    HandWrittenVolumeLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray params() {
        return paramsView;
    }

    @Override
    public long numParams() {
        return paramsView == null ? 0 : paramsView.length();
    }

    @Override
    public INDArray getParam(String key) {
        INDArray p = params == null ? null : params.get(key);
        if (p == null) {
            throw new IllegalArgumentException("layer " + layerConf().getLayerName() + " has no parameter '" + key + "'");
        }
        return p;
    }

    @Override
    public void setParam(String key, INDArray value) {
        INDArray p = getParam(key);
        if (!Arrays.equals(p.shape(), value.shape())) {
            throw new IllegalArgumentException("parameter '" + key + "' of layer " + layerConf().getLayerName() + " has shape "
                    + Arrays.toString(p.shape()) + ", not " + Arrays.toString(value.shape()));
        }
        p.assign(value);
    }

    @Override
    public void setParams(INDArray values) {
        if (paramsView == null || values.length() != paramsView.length()) {
            throw new IllegalArgumentException("layer " + layerConf().getLayerName() + " has " + numParams()
                    + " parameters, not " + values.length());
        }
        paramsView.assign(values);
    }

    @Override
    public void setParamsViewArray(INDArray view) {
        paramsView = view;
    }

    @Override
    public INDArray getGradientsViewArray() {
        return gradientsView;
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray view) {
        gradientsView = view;
        gradients = layerConf().initializer().getGradientsFromFlattened(conf, view);
    }

    /** The first table becomes the layer's parameter views; a later one is copied into them (as DL4J's runtimes do). */
    @Override
    public void setParamTable(Map<String, INDArray> table) {
        if (params == null) {
            params = new LinkedHashMap<>(table);
        } else {
            table.forEach(this::setParam);
        }
    }

    @Override
    public Map<String, INDArray> paramTable() {
        return paramTable(false);
    }

    @Override
    public Map<String, INDArray> paramTable(boolean backpropParamsOnly) {
        return params == null ? Collections.emptyMap() : Collections.unmodifiableMap(params);
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public void clearNoiseWeightParams() {
        // no weight noise
    }

    /** The slice of the network's flattened gradient that holds this parameter's gradient. */
    protected INDArray gradientView(String key) {
        if (gradients == null) {
            throw new IllegalStateException("layer " + layerConf().getLayerName() + ": no gradient view set (initGradientsView)");
        }
        return gradients.get(key);
    }

    /** A gradient holding every parameter's gradient view, in declaration order, after the subclass filled them. */
    protected Gradient gradientOfAllParams() {
        Gradient g = new DefaultGradient(gradientsView);
        for (String key : params.keySet()) {
            g.gradientForVariable().put(key, gradientView(key));
        }
        return g;
    }

    /** The input as a c-ordered array of the layer's data type (no copy when it already is one). */
    protected static INDArray contiguous(INDArray a, DataType type) {
        INDArray t = a.dataType() == type ? a : a.castTo(type);
        return t.ordering() == 'c' && Shape.hasDefaultStridesForShape(t) ? t : t.dup('c');
    }
}
