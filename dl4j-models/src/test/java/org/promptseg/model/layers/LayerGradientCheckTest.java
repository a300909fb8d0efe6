package org.promptseg.model.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.promptseg.model.ParamRole;

/**
 * Each custom layer alone, in double precision: a graph {@code input → layer → 1x1x1 conv} and the
 * scalar {@code L = Σ output ⊙ W}. Every parameter tensor and the input gradient (what the layer passes
 * back to the frozen layers in front of it) are compared with central finite differences; per-center state
 * (the token switches) has no gradient by design.
 */
@DisplayName("Custom layer gradients (double precision, finite differences)")
class LayerGradientCheckTest {
    private static final double H = 1e-6;

    static Stream<Arguments> layers() {
        return Stream.of(
                Arguments.of("instance norm + LeakyReLU", new InstanceNormLeakyRelu("l", 1e-5, 0.01), 4),
                Arguments.of("window attention with tokens and token bias", new WindowPromptAttention("l", 2, 2, 2, 3, true), 4),
                Arguments.of("window attention, one class inactive", new WindowPromptAttention("l", 2, 4, 2, 3, false), 4),
                Arguments.of("bottleneck prompt", new BottleneckPrompt("l", 3, 4), 4),
                Arguments.of("input prompt", new InputPrompt("l", 3), 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void gradients(String description, org.deeplearning4j.nn.conf.layers.Layer layer, int channels) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional3D(Convolution3D.DataFormat.NDHWC, 4, 4, 4, channels))
                .addLayer("l", layer, "in")
                .addLayer("out", new Convolution3D.Builder().kernelSize(1, 1, 1).dataFormat(Convolution3D.DataFormat.NDHWC)
                        .nOut(3).activation(Activation.IDENTITY).build(), "l")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        g.initGradientsView();
        Nd4j.getRandom().setSeed(5);
        // leave the zero initialisations (gate, input grid), which would hide the parameters behind them
        g.getLayer("l").paramTable().forEach((k, v) -> {
            if (k.equals(BottleneckPrompt.GATE)) {
                v.assign(0.6);
            } else if (k.equals(InputPrompt.GRID)) {
                v.assign(Nd4j.randn(DataType.DOUBLE, v.shape()));
            } else if (k.equals(WindowPromptAttention.ACTIVE) && description.contains("inactive")) {
                v.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.interval(3, 6)).assign(0);
            }
        });
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 4, 4, 4, channels);
        INDArray w = Nd4j.randn(DataType.DOUBLE, 2, 4, 4, 4, 3);
        // backprop layer by layer, so the input gradient (what the layer hands to the frozen layers in front of it)
        // is visible too; this runs the layers exactly as the graph does
        org.deeplearning4j.nn.workspace.LayerWorkspaceMgr ws = org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces();
        org.deeplearning4j.nn.api.Layer l = g.getLayer("l");
        org.deeplearning4j.nn.api.Layer out = g.getLayer("out");
        l.setInput(x, ws);
        out.setInput(l.activate(true, ws), ws);
        out.activate(true, ws);
        var back = l.backpropGradient(out.backpropGradient(w.dup(), ws).getSecond(), ws);
        Map<String, INDArray> grads = new java.util.HashMap<>();
        back.getFirst().gradientForVariable().forEach((k, v) -> grads.put("l_" + k, v.dup()));
        INDArray dx = back.getSecond().dup();

        SplittableRandom random = new SplittableRandom(11);
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, INDArray> e : g.getLayer("l").paramTable().entrySet()) {
            INDArray p = e.getValue();
            if (layer instanceof VolumeLayer v && v.roleOf(e.getKey()) == ParamRole.STATE) {
                // a per-center switch (which classes' tokens count), set, never learned: no gradient is computed
                assertThat(grads.get("l_" + e.getKey()).amaxNumber().doubleValue()).as(e.getKey()).isZero();
                continue;
            }
            for (int k = 0; k < 3; k++) {
                long i = random.nextLong(p.length());
                double numeric = numeric(g, x, w, p, i);
                double analytic = grads.get("l_" + e.getKey()).getDouble(i);
                if (mismatch(analytic, numeric) > 1e-4) {
                    failures.add(e.getKey() + "[" + i + "] analytic " + analytic + " numeric " + numeric);
                }
            }
        }
        for (int k = 0; k < 6; k++) {
            long i = random.nextLong(x.length());
            double numeric = numeric(g, x, w, x, i);
            if (mismatch(dx.getDouble(i), numeric) > 1e-4) {
                failures.add("input[" + i + "] analytic " + dx.getDouble(i) + " numeric " + numeric);
            }
        }
        assertThat(failures).isEmpty();
    }

    private static double numeric(ComputationGraph g, INDArray x, INDArray w, INDArray target, long i) {
        double orig = target.getDouble(i);
        target.putScalar(i, orig + H);
        double plus = g.outputSingle(false, x).mul(w).sumNumber().doubleValue();
        target.putScalar(i, orig - H);
        double minus = g.outputSingle(false, x).mul(w).sumNumber().doubleValue();
        target.putScalar(i, orig);
        return (plus - minus) / (2 * H);
    }

    private static double mismatch(double a, double b) {
        return Math.abs(a - b) / Math.max(1e-3, Math.max(Math.abs(a), Math.abs(b)));
    }
}
