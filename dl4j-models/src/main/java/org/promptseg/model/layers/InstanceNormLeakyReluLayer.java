package org.promptseg.model.layers;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Runtime of {@link InstanceNormLeakyRelu}; see there for the method. */
class InstanceNormLeakyReluLayer extends BaseLayer<InstanceNormLeakyRelu> {

    InstanceNormLeakyReluLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Per-sample statistics of one [S, C] view: centred values, 1/σ [1, C] and the ones row used for sums. */
    private record Stats(INDArray centred, INDArray invStd, INDArray ones) {
    }

    private Stats stats(INDArray x) {
        long s = x.size(0);
        INDArray ones = Nd4j.ones(x.dataType(), 1, s);
        INDArray mean = ones.mmul(x).divi(s);
        INDArray centred = x.subRowVector(mean);
        INDArray var = ones.mmul(centred.mul(centred)).divi(s);
        INDArray invStd = Transforms.pow(var.addi(layerConf().epsilon()), -0.5, false);
        return new Stats(centred, invStd, ones);
    }

    private INDArray samples(INDArray a) {
        long n = a.size(0);
        long c = a.size(a.rank() - 1);
        return a.dup('c').reshape('c', n, a.length() / n / c, c);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray x = samples(input.castTo(dataType));
        INDArray gamma = getParam(InstanceNormLeakyRelu.GAMMA);
        INDArray beta = getParam(InstanceNormLeakyRelu.BETA);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, input.shape(), 'c');
        INDArray out3 = out.reshape('c', x.shape());
        for (long n = 0; n < x.size(0); n++) {
            Stats st = stats(x.get(NDArrayIndex.point(n)));
            INDArray z = st.centred().muliRowVector(st.invStd().muli(gamma)).addiRowVector(beta);
            out3.get(NDArrayIndex.point(n)).assign(Transforms.leakyRelu(z, layerConf().slope(), false));
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray x = samples(input.castTo(dataType));
        INDArray eps = samples(epsilon.castTo(dataType));
        INDArray gamma = getParam(InstanceNormLeakyRelu.GAMMA);
        INDArray beta = getParam(InstanceNormLeakyRelu.BETA);
        INDArray dGamma = gradientViews.get(InstanceNormLeakyRelu.GAMMA).assign(0);
        INDArray dBeta = gradientViews.get(InstanceNormLeakyRelu.BETA).assign(0);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c');
        INDArray dx3 = dx.reshape('c', x.shape());
        double slope = layerConf().slope();
        for (long n = 0; n < x.size(0); n++) {
            Stats st = stats(x.get(NDArrayIndex.point(n)));
            long s = st.centred().size(0);
            INDArray xhat = st.centred().muliRowVector(st.invStd());
            INDArray z = xhat.mulRowVector(gamma).addiRowVector(beta);
            // LeakyReLU derivative: 1 where z > 0, slope elsewhere
            INDArray dz = z.gt(0).castTo(dataType).muli(1 - slope).addi(slope).muli(eps.get(NDArrayIndex.point(n)));
            dBeta.addi(st.ones().mmul(dz));
            dGamma.addi(st.ones().mmul(dz.mul(xhat)));
            INDArray dxhat = dz.muliRowVector(gamma);
            INDArray meanD = st.ones().mmul(dxhat).divi(s);
            INDArray meanDX = st.ones().mmul(dxhat.mul(xhat)).divi(s);
            // dx = (dxhat - mean(dxhat) - xhat · mean(dxhat ⊙ xhat)) / σ
            INDArray g = dxhat.subiRowVector(meanD).subi(xhat.muliRowVector(meanDX)).muliRowVector(st.invStd());
            dx3.get(NDArrayIndex.point(n)).assign(g);
        }
        Gradient gradient = new DefaultGradient();
        gradient.gradientForVariable().put(InstanceNormLeakyRelu.GAMMA, dGamma);
        gradient.gradientForVariable().put(InstanceNormLeakyRelu.BETA, dBeta);
        return new Pair<>(gradient, dx);
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public Type type() {
        return Type.NORMALIZATION;
    }
}
