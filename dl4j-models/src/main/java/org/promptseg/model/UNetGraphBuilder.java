package org.promptseg.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.conf.layers.Subsampling3DLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;
import org.promptseg.model.layers.BottleneckPrompt;
import org.promptseg.model.layers.InputPrompt;
import org.promptseg.model.layers.InstanceNormLeakyRelu;
import org.promptseg.model.layers.WindowPromptAttention;

/**
 * Turns a {@link ModelSpec} into a DL4J graph configuration: a 3D UNet in NDHWC with prompt modules.
 *
 * <pre>
 * image → [input prompt] → per level: (conv3³ → instance norm + LeakyReLU) × k → [attention] → max-pool
 *   bottleneck: (conv → norm) × k → [attention] → [bottleneck prompt]
 *   per level up: deconv 2³/2 → + skip → (conv → norm) × k → [attention] → [bottleneck prompt]
 *   head: conv 1³ → logits [N, D, H, W, C]
 * </pre>
 *
 * Skips are added, not concatenated (MergeVertex fails in backprop on rank 5 in DL4J M2.1). The graph's
 * own updater is NoOp: {@link org.promptseg.model.train.Trainer} owns optimisation and keeps optimizer
 * state only for the parameters that train. Vertex names are stable; parameter names derive from them.
 */
public final class UNetGraphBuilder {
    public static final String INPUT = "image";
    public static final String HEAD = "head";

    private UNetGraphBuilder() {
    }

    public static ComputationGraphConfiguration build(ModelSpec spec, long seed, DataType dataType) {
        PromptSpec prompts = spec.prompts();
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(dataType)
                .updater(new NoOp())
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.convolutional3D(Convolution3D.DataFormat.NDHWC,
                        spec.patch().get(0), spec.patch().get(1), spec.patch().get(2), 1));

        String x = INPUT;
        if (prompts.has(PromptKind.INPUT)) {
            g.addLayer("input_prompt", new InputPrompt("input_prompt", prompts.inputGrid()), x);
            x = "input_prompt";
        }
        java.util.List<Integer> attention = spec.attentionLevels();
        int bottleneck = spec.bottleneckLevel();
        String[] skips = new String[spec.levels()];
        for (int level = 0; level < bottleneck; level++) {
            x = convBlocks(g, spec, "enc" + level, x, level);
            if (prompts.has(PromptKind.DEEP) && attention.contains(level)) {
                x = attention(g, spec, "enc" + level + "_attn", x);
            }
            skips[level] = x;
            g.addLayer("enc" + level + "_pool", new Subsampling3DLayer.Builder(Subsampling3DLayer.PoolingType.MAX)
                    .kernelSize(2, 2, 2).stride(2, 2, 2).convolutionMode(ConvolutionMode.Truncate)
                    .dataFormat(Convolution3D.DataFormat.NDHWC).build(), x);
            x = "enc" + level + "_pool";
        }
        x = convBlocks(g, spec, "mid", x, bottleneck);
        if (prompts.has(PromptKind.DEEP)) {
            x = attention(g, spec, "mid_attn", x);
        }
        int bottleneckModules = prompts.bottleneckStages();
        if (prompts.has(PromptKind.BOTTLENECK) && bottleneckModules-- > 0) {
            x = bottleneckPrompt(g, spec, "mid_bprompt", x);
        }
        for (int level = bottleneck - 1; level >= 0; level--) {
            String up = "dec" + level + "_up";
            g.addLayer(up, new Deconvolution3D.Builder().kernelSize(2, 2, 2).stride(2, 2, 2)
                    .convolutionMode(ConvolutionMode.Truncate).dataFormat(Convolution3D.DataFormat.NDHWC)
                    .nOut(spec.channels().get(level)).hasBias(false).activation(Activation.IDENTITY).build(), x);
            String skip = "dec" + level + "_skip";
            g.addVertex(skip, new ElementWiseVertex(ElementWiseVertex.Op.Add), up, skips[level]);
            x = convBlocks(g, spec, "dec" + level, skip, level);
            if (prompts.has(PromptKind.DEEP) && attention.contains(level)) {
                x = attention(g, spec, "dec" + level + "_attn", x);
            }
            if (prompts.has(PromptKind.BOTTLENECK) && bottleneckModules-- > 0) {
                x = bottleneckPrompt(g, spec, "dec" + level + "_bprompt", x);
            }
        }
        g.addLayer(HEAD, new Convolution3D.Builder().kernelSize(1, 1, 1).dataFormat(Convolution3D.DataFormat.NDHWC)
                .nOut(spec.numClasses()).hasBias(true).weightInit(WeightInit.XAVIER)
                .activation(Activation.IDENTITY).build(), x);
        g.setOutputs(HEAD);
        return g.build();
    }

    private static String convBlocks(ComputationGraphConfiguration.GraphBuilder g, ModelSpec spec, String prefix,
                                     String in, int level) {
        String x = in;
        for (int k = 0; k < spec.convsPerLevel(); k++) {
            String conv = prefix + "_conv" + k;
            // no bias: the instance norm right after removes any per-channel constant
            g.addLayer(conv, new Convolution3D.Builder().kernelSize(3, 3, 3).dataFormat(Convolution3D.DataFormat.NDHWC)
                    .nOut(spec.channels().get(level)).hasBias(false).activation(Activation.IDENTITY).build(), x);
            String norm = prefix + "_norm" + k;
            g.addLayer(norm, new InstanceNormLeakyRelu(norm, spec.normEpsilon(), spec.leakySlope()), conv);
            x = norm;
        }
        return x;
    }

    private static String attention(ComputationGraphConfiguration.GraphBuilder g, ModelSpec spec, String name, String in) {
        PromptSpec p = spec.prompts();
        g.addLayer(name, new WindowPromptAttention(name, p.heads(), p.window(), spec.numClasses() - 1,
                p.tokensPerClass(), p.tokenBias()), in);
        return name;
    }

    private static String bottleneckPrompt(ComputationGraphConfiguration.GraphBuilder g, ModelSpec spec, String name, String in) {
        PromptSpec p = spec.prompts();
        g.addLayer(name, new BottleneckPrompt(name, p.bottleneckRank(), p.bottleneckQueries()), in);
        return name;
    }
}
