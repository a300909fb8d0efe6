package org.promptseg.jobs.doctor;

import java.util.Arrays;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Cnn3DLossLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.promptseg.common.Json;

/**
 * A small Conv3D network (NDHWC, as promptseg's models run) trained for a few steps: proves that
 * DL4J's 3D convolutions work in this JVM and measures the step time. Used by the start-up
 * self-check (in every Spark executor) and by the oneDNN-vs-plain benchmark.
 */
public final class Conv3dProbe {
    /** Result of one probe: median and all step times, and the losses to prove training ran. */
    public record Result(int patch, int batch, int channels, double medianStepMs, double[] stepMs, double firstLoss, double lastLoss) {
        public boolean trained() {
            return Double.isFinite(firstLoss) && Double.isFinite(lastLoss);
        }
    }

    private Conv3dProbe() {}

    /**
     * Child-JVM entry point of the backend benchmark: {@code patch batch channels warmup steps};
     * prints the result as one JSON line on stdout.
     */
    public static void main(String[] args) {
        int[] a = Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        Result r = run(a[0], a[1], a[2], a[3], a[4], 7L);
        Nd4jFacts facts = Nd4jFacts.read();
        System.out.println(Json.canonical(Map.of("result", r, "nd4j", facts)));
    }

    public static ComputationGraph network(int patch, int channels, long seed) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder()
                .addInputs("image")
                .setInputTypes(InputType.convolutional3D(Convolution3D.DataFormat.NDHWC, patch, patch, patch, 1))
                .addLayer("conv1", new Convolution3D.Builder(3, 3, 3).nOut(channels).activation(Activation.LEAKYRELU)
                        .dataFormat(Convolution3D.DataFormat.NDHWC).build(), "image")
                .addLayer("conv2", new Convolution3D.Builder(3, 3, 3).nOut(channels).activation(Activation.LEAKYRELU)
                        .dataFormat(Convolution3D.DataFormat.NDHWC).build(), "conv1")
                .addLayer("head", new Convolution3D.Builder(1, 1, 1).nOut(2).activation(Activation.IDENTITY)
                        .dataFormat(Convolution3D.DataFormat.NDHWC).build(), "conv2")
                .addLayer("loss", new Cnn3DLossLayer.Builder(Convolution3D.DataFormat.NDHWC)
                        .lossFunction(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).build(), "head")
                .setOutputs("loss")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /** Trains {@code warmup + steps} steps on a seeded random batch (label = image > 0) and times the last {@code steps}. */
    public static Result run(int patch, int batch, int channels, int warmup, int steps, long seed) {
        ComputationGraph net = network(patch, channels, seed);
        Nd4j.getRandom().setSeed(seed);
        INDArray image = Nd4j.randn(DataType.FLOAT, batch, patch, patch, patch, 1);
        INDArray fg = image.gt(0).castTo(DataType.FLOAT);
        INDArray labels = Nd4j.concat(4, fg.rsub(1.0), fg);
        double first = Double.NaN;
        double last = Double.NaN;
        double[] times = new double[steps];
        for (int i = 0; i < warmup + steps; i++) {
            long t0 = System.nanoTime();
            net.fit(new INDArray[] {image}, new INDArray[] {labels});
            double ms = (System.nanoTime() - t0) / 1e6;
            double score = net.score();
            if (i == 0) {
                first = score;
            }
            last = score;
            if (i >= warmup) {
                times[i - warmup] = ms;
            }
        }
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        double median = sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
        return new Result(patch, batch, channels, median, times, first, last);
    }
}
