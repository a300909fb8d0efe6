package org.promptseg.model.layers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The hand-written {@link WindowPromptAttention} computes what its SameDiff formulation
 * ({@link ReferenceWindowPromptAttention}) computes: output, every parameter gradient and the input gradient,
 * in double precision, for window layouts that cut the volume along every axis, along some, or not at all,
 * with and without token bias and with switched-off tokens.
 */
@DisplayName("WindowPromptAttention: hand-written passes against the SameDiff formulation (double precision)")
class WindowPromptAttentionEquivalenceTest {
    private static final double TOLERANCE = 1e-10;

    static Stream<Arguments> cases() {
        return Stream.of(
                // description, heads, window, classes, tokens per class, token bias, input shape, switched-off tokens [from, to)
                Arguments.of("2³ windows along every axis, token bias", 2, 2, 2, 3, true, new long[] {2, 4, 4, 4, 4}, null),
                Arguments.of("windows along y only, one class off", 2, 4, 2, 3, false, new long[] {2, 4, 8, 2, 4}, new int[] {3, 6}),
                Arguments.of("non-cubic volume, windows along y and x, bias and a class off", 2, 2, 3, 2, true, new long[] {2, 2, 4, 6, 6}, new int[] {0, 2}),
                Arguments.of("one window covers the volume (bottleneck), 4 heads", 4, 4, 2, 4, true, new long[] {2, 2, 2, 2, 8}, new int[] {4, 8}),
                Arguments.of("every token off", 2, 2, 1, 3, true, new long[] {1, 4, 2, 2, 4}, new int[] {0, 3}));
    }

    private static ComputationGraph single(org.deeplearning4j.nn.conf.layers.Layer layer, long[] shape) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.DOUBLE)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED).inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional3D(Convolution3D.DataFormat.NDHWC, shape[1], shape[2], shape[3], shape[4]))
                .addLayer("l", layer, "in")
                .setOutputs("l").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        g.initGradientsView();
        return g;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameOutputAndGradients(String description, int heads, int window, int classes, int tokensPerClass, boolean bias,
                                long[] shape, int[] off) {
        ComputationGraph fast = single(new WindowPromptAttention("l", heads, window, classes, tokensPerClass, bias), shape);
        ComputationGraph ref = single(new ReferenceWindowPromptAttention("l", heads, window, classes, tokensPerClass, bias), shape);
        assertThat(fast.getLayer("l").getClass().getSimpleName()).isEqualTo("WindowPromptAttentionLayer");
        // same declaration and initialisation: identical parameters before anything is changed
        assertThat(fast.params()).isEqualTo(ref.params());

        Nd4j.getRandom().setSeed(13);
        Map<String, INDArray> params = fast.getLayer("l").paramTable();
        params.forEach((k, v) -> {
            if (!k.equals(WindowPromptAttention.ACTIVE)) {
                v.assign(Nd4j.randn(DataType.DOUBLE, v.shape()).muli(k.equals(WindowPromptAttention.LN_GAIN) ? 0.5 : 1));
            }
        });
        if (off != null) {
            params.get(WindowPromptAttention.ACTIVE).get(NDArrayIndex.point(0), NDArrayIndex.interval(off[0], off[1])).assign(0);
        }
        ref.params().assign(fast.params());
        INDArray x = Nd4j.randn(DataType.DOUBLE, shape).muli(2).addi(0.3);
        INDArray eps = Nd4j.randn(DataType.DOUBLE, shape);

        assertThat(relativeError(fast.outputSingle(false, x), ref.outputSingle(false, x))).isLessThan(TOLERANCE);

        List<String> failures = new ArrayList<>();
        Pair<Gradient, INDArray> a = backprop(fast.getLayer("l"), x, eps);
        Pair<Gradient, INDArray> b = backprop(ref.getLayer("l"), x, eps);
        compare("input", a.getSecond(), b.getSecond(), failures);
        for (String key : params.keySet()) {
            INDArray ga = a.getFirst().gradientForVariable().get(key);
            if (key.equals(WindowPromptAttention.ACTIVE)) {
                // a per-center switch, not a learned parameter: no gradient
                assertThat(ga.sumNumber().doubleValue()).isZero();
                assertThat(Transforms.abs(ga).maxNumber().doubleValue()).isZero();
            } else {
                compare(key, ga, b.getFirst().gradientForVariable().get(key), failures);
            }
        }
        assertThat(failures).isEmpty();
        if (off != null) {
            // switched-off tokens get exactly zero weight, hence exactly zero gradient for their vectors and biases
            INDArray dTokens = a.getFirst().gradientForVariable().get(WindowPromptAttention.TOKENS);
            assertThat(maxAbs(dTokens.get(NDArrayIndex.interval(off[0], off[1]), NDArrayIndex.all()))).isZero();
            if (bias) {
                INDArray dBias = a.getFirst().gradientForVariable().get(WindowPromptAttention.TOKEN_BIAS);
                assertThat(maxAbs(dBias.get(NDArrayIndex.all(), NDArrayIndex.interval(off[0], off[1])))).isZero();
            }
            if (off[1] - off[0] < classes * tokensPerClass) {
                assertThat(maxAbs(dTokens)).as("the tokens still switched on learn").isPositive();
            }
        }

        // the backward pass without the forward pass it usually reuses (recomputed), and after a training
        // forward pass on another input (which must not be reused): the same gradients
        Layer layer = fast.getLayer("l");
        LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
        layer.setInput(x.dup(), none);
        Pair<Gradient, INDArray> recomputed = layer.backpropGradient(eps.dup(), none);
        compareAll("recomputed", recomputed, a, params.keySet(), failures);
        layer.setInput(x.add(1), none);
        layer.activate(true, none);
        layer.setInput(x.dup(), none);
        compareAll("after another input", layer.backpropGradient(eps.dup(), none), a, params.keySet(), failures);
        assertThat(failures).isEmpty();

        // the graph's own training path (workspaces on, detached activations as the Trainer uses it), twice so
        // the second pass runs in recycled workspace memory: the same gradients as the layer called directly
        for (int pass = 0; pass < 2; pass++) {
            fast.feedForward(new INDArray[] {x}, true, false);
            Gradient viaGraph = fast.backpropGradient(eps.dup());
            for (String key : params.keySet()) {
                compare("graph pass " + pass + " " + key, viaGraph.gradientForVariable().get("l_" + key),
                        a.getFirst().gradientForVariable().get(key), failures);
            }
        }
        assertThat(failures).isEmpty();
    }

    private static void compareAll(String what, Pair<Gradient, INDArray> got, Pair<Gradient, INDArray> expected,
                                   Iterable<String> keys, List<String> failures) {
        compare(what + " input", got.getSecond(), expected.getSecond(), failures);
        for (String key : keys) {
            compare(what + " " + key, got.getFirst().gradientForVariable().get(key), expected.getFirst().gradientForVariable().get(key), failures);
        }
    }

    private static double maxAbs(INDArray a) {
        return Transforms.abs(a).maxNumber().doubleValue();
    }

    private static Pair<Gradient, INDArray> backprop(Layer layer, INDArray x, INDArray eps) {
        LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();
        layer.setInput(x.dup(), ws);
        layer.activate(true, ws);
        Pair<Gradient, INDArray> p = layer.backpropGradient(eps.dup(), ws);
        Gradient copy = new org.deeplearning4j.nn.gradient.DefaultGradient();
        p.getFirst().gradientForVariable().forEach((k, v) -> copy.gradientForVariable().put(k, v.dup()));
        return new Pair<>(copy, p.getSecond().dup());
    }

    private static void compare(String what, INDArray a, INDArray b, List<String> failures) {
        double err = relativeError(a, b);
        if (!(err < TOLERANCE)) {
            failures.add(what + ": relative error " + err + " (max |reference| " + Transforms.abs(b).maxNumber() + ")");
        }
    }

    /**
     * max |a − b| over max(max |b|, 1e-3). The floor keeps gradients that are zero in exact arithmetic from
     * dividing rounding noise by itself: the SameDiff formulation routes ~1e-15 through its max shift to
     * switched-off tokens, where the hand-written layer gives exactly 0 (checked separately).
     */
    private static double relativeError(INDArray a, INDArray b) {
        assertThat(a.shape()).isEqualTo(b.shape());
        double scale = Math.max(Transforms.abs(b).maxNumber().doubleValue(), 1e-3);
        return Transforms.abs(a.sub(b)).maxNumber().doubleValue() / scale;
    }
}
