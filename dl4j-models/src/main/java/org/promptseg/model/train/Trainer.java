package org.promptseg.model.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.promptseg.model.FeatureExtractor;
import org.promptseg.model.ModelConfigException;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TuningMode;
import org.promptseg.model.UNetGraphBuilder;
import org.promptseg.model.loss.LossResult;
import org.promptseg.model.loss.LossSettings;
import org.promptseg.model.loss.SegmentationLoss;

/**
 * Local training steps on one network: forward, Dice + CE with partial labels, backward, AdamW on the
 * parameters the {@link TuningMode} trains — and nothing else.
 *
 * <p>The trainer owns the optimizer instead of DL4J's per-layer updaters: optimizer state is allocated only
 * for trainable parameters (in prompt mode a few kilobytes instead of twice the backbone), parameters outside
 * the trainable set are never written, so a frozen backbone stays bit-identical, and a layer that mixes
 * frozen projections with trainable tokens needs no per-parameter updater override. The network has no
 * running statistics (instance norm) and no dropout, so a step involves no randomness: the same inputs and
 * parameters give the same result on CPU with the same thread count.
 *
 * <p>Not thread-safe; one trainer per network copy. Free of Spark: the parameter-server task creates one per
 * round ({@link #resetOptimizer()} or a new instance), runs {@link #step} and returns the parameter delta.
 */
public final class Trainer {
    private final PromptableUNet model;
    private final TuningMode mode;
    private final OptimSettings optim;
    private final SegmentationLoss loss;
    private final List<String> trainable;
    private final Map<String, INDArray> moments = new LinkedHashMap<>();
    private final Map<String, GradientUpdater<?>> updaters = new LinkedHashMap<>();
    private int steps;

    public Trainer(PromptableUNet model, TuningMode mode, OptimSettings optim, LossSettings lossSettings) {
        this.model = model;
        this.mode = mode;
        this.optim = optim;
        this.loss = new SegmentationLoss(lossSettings);
        this.trainable = model.trainableNames(mode);
        if (trainable.isEmpty()) {
            throw new ModelConfigException("mode", "a mode with trainable parameters in this network (prompt mode needs prompt kinds)",
                    mode.configName());
        }
        resetOptimizer();
    }

    public PromptableUNet model() {
        return model;
    }

    public TuningMode mode() {
        return mode;
    }

    /** Names of the parameters this trainer updates, sorted. */
    public List<String> trainableNames() {
        return trainable;
    }

    /** One optimisation step; returns the loss before the update. */
    public double step(DataBatch batch) {
        LossResult r = computeGradients(batch);
        applyUpdate();
        return r.total();
    }

    /** AdamW on the trainable parameters from {@link #lastGradients}; parameters outside the trainable set are never written. */
    private void applyUpdate() {
        Map<String, INDArray> grads = lastGradients;
        double lr = optim.learningRate();
        for (String name : trainable) {
            INDArray param = model.graph().getParam(name);
            INDArray update = grads.get(name).dup('c').reshape('c', 1, param.length());
            updaters.get(name).applyUpdater(update, steps, 0);
            if (optim.weightDecay() > 0) {
                param.muli(1 - lr * optim.weightDecay());
            }
            param.subi(update.reshape('c', param.shape()));
        }
        steps++;
    }

    private Map<String, INDArray> lastGradients;

    /**
     * Forward and backward pass without an update. The gradients of every parameter are computed (DL4J's
     * convolution backprop yields weight and input gradients together) and kept until the next call.
     */
    public LossResult computeGradients(DataBatch batch) {
        model.checkWindows(batch.images(), "images");
        if (batch.target().size(4) != model.spec().numClasses()) {
            throw new ModelConfigException("target", model.spec().numClasses() + " classes in the last axis", batch.target().size(4));
        }
        ComputationGraph graph = model.graph();
        INDArray x = batch.images().castTo(model.dataType());
        Map<String, INDArray> activations = graph.feedForward(new INDArray[] {x}, true, false);
        INDArray logits = activations.get(UNetGraphBuilder.HEAD);
        LossResult r = loss.compute(logits, batch.target().castTo(model.dataType()), batch.classMask(), true);
        Gradient g = graph.backpropGradient(r.gradient());
        lastGradients = g.gradientForVariable();
        return r;
    }

    /**
     * A loss on the decoder features (the head's input) whose value and gradient the caller computes, e.g. the CPA
     * loss against a teacher. Called once per step with the student's training-mode features.
     */
    @FunctionalInterface
    public interface FeatureLoss {
        /** @param gradient d value / d features, the features' shape */
        record Value(double value, INDArray gradient) {}

        Value compute(INDArray features);
    }

    /**
     * The terms of one step with a feature loss.
     *
     * @param total        segmentation + weight · feature
     * @param segmentation segmentation loss on the samples that have labels (NaN when none has)
     * @param feature      the feature loss, unweighted
     */
    public record Terms(double total, double segmentation, double feature) {}

    /** One optimisation step with a feature loss next to the segmentation loss (see {@link #computeGradients(DataBatch, boolean[], FeatureLoss, double)}). */
    public Terms step(DataBatch batch, boolean[] segmented, FeatureLoss featureLoss, double featureWeight) {
        Terms t = computeGradients(batch, segmented, featureLoss, featureWeight);
        applyUpdate();
        return t;
    }

    /**
     * Forward and backward pass with two losses: the segmentation loss on the samples flagged in {@code segmented}
     * (their targets and class masks as usual; the others' targets are ignored) and {@code featureWeight} times a
     * loss on the decoder features. The feature loss's gradient enters DL4J's backprop as the external error of a
     * second graph output at the decoder vertex (a graph sharing this network's parameters); DL4J sets, not adds,
     * an output vertex's external error, so the head's own contribution (d logits · W_head) is added here.
     */
    public Terms computeGradients(DataBatch batch, boolean[] segmented, FeatureLoss featureLoss, double featureWeight) {
        model.checkWindows(batch.images(), "images");
        if (segmented.length != batch.size()) {
            throw new ModelConfigException("segmented", batch.size() + " flags (one per sample)", segmented.length);
        }
        ComputationGraph graph = featureGraph();
        INDArray x = batch.images().castTo(model.dataType());
        Map<String, INDArray> activations = graph.feedForward(new INDArray[] {x}, true, false);
        INDArray logits = activations.get(UNetGraphBuilder.HEAD);
        INDArray features = activations.get(featureVertex);
        INDArray dLogits = Nd4j.zeros(logits.dataType(), logits.shape());
        long[] rows = java.util.stream.IntStream.range(0, segmented.length).filter(i -> segmented[i]).asLongStream().toArray();
        double seg = Double.NaN;
        if (rows.length > 0) {
            INDArray target = batch.target().castTo(model.dataType());
            LossResult r = rows.length == segmented.length
                    ? loss.compute(logits, target, batch.classMask(), true)
                    : loss.compute(select(logits, rows), select(target, rows), select(batch.classMask(), rows), true);
            seg = r.total();
            for (int i = 0; i < rows.length; i++) {
                dLogits.get(NDArrayIndex.point(rows[i])).assign(r.gradient().get(NDArrayIndex.point(i)));
            }
        }
        FeatureLoss.Value f = featureLoss.compute(features.dup());
        if (!Arrays.equals(f.gradient().shape(), features.shape())) {
            throw new ModelConfigException("feature loss gradient", Arrays.toString(features.shape()), Arrays.toString(f.gradient().shape()));
        }
        INDArray dFeatures = headInputGradient(dLogits).addi(f.gradient().castTo(features.dataType()).mul(featureWeight));
        Gradient g = graph.backpropGradient(dLogits, dFeatures);
        lastGradients = g.gradientForVariable();
        double total = (Double.isNaN(seg) ? 0 : seg) + featureWeight * f.value();
        return new Terms(total, seg, f.value());
    }

    private static INDArray select(INDArray a, long[] rows) {
        INDArray[] parts = new INDArray[rows.length];
        for (int i = 0; i < rows.length; i++) {
            parts[i] = a.get(NDArrayIndex.interval(rows[i], rows[i] + 1)).dup();
        }
        return Nd4j.concat(0, parts);
    }

    /** d loss / d head input = d logits · W for the 1³ head convolution (W is [classes, channels, 1, 1, 1]). */
    private INDArray headInputGradient(INDArray dLogits) {
        INDArray w = model.graph().getParam(UNetGraphBuilder.HEAD + "_W");
        long classes = dLogits.size(4);
        long channels = w.length() / classes;
        long[] s = dLogits.shape();
        INDArray flat = dLogits.dup('c').reshape('c', s[0] * s[1] * s[2] * s[3], classes);
        return flat.mmul(w.dup('c').reshape('c', classes, channels)).reshape('c', s[0], s[1], s[2], s[3], channels);
    }

    private ComputationGraph featureGraph;
    private String featureVertex;

    /** The network's configuration with the decoder features as a second output, on the same parameter array (no copy). */
    private ComputationGraph featureGraph() {
        if (featureGraph == null) {
            featureVertex = FeatureExtractor.decoderVertex(model);
            ComputationGraphConfiguration conf = model.graph().getConfiguration().clone();
            conf.setNetworkOutputs(List.of(UNetGraphBuilder.HEAD, featureVertex));
            ComputationGraph g = new ComputationGraph(conf);
            g.init(model.graph().params(), false);
            featureGraph = g;
        }
        return featureGraph;
    }

    /** Gradients from the last {@link #computeGradients} or {@link #step}, by parameter name (live views). */
    public Map<String, INDArray> lastGradients() {
        if (lastGradients == null) {
            throw new IllegalStateException("no gradients yet: call computeGradients or step first");
        }
        return lastGradients;
    }

    /** Loss on a batch without gradients (inference-mode forward). */
    public LossResult evaluate(DataBatch batch) {
        INDArray logits = model.logits(batch.images());
        return loss.compute(logits, batch.target().castTo(model.dataType()), batch.classMask(), false);
    }

    /** Copies of the trainable parameters by stable name. */
    public Map<String, INDArray> trainableParams() {
        return model.extract(mode);
    }

    /** Writes trainable parameters (names and shapes checked, see {@link PromptableUNet#insert}). */
    public void setTrainableParams(Map<String, INDArray> values) {
        model.insert(mode, values);
    }

    /** Forgets all moments and the step count (a fresh local optimizer, as each parameter-server round needs). */
    public void resetOptimizer() {
        moments.clear();
        updaters.clear();
        Adam adam = new Adam(optim.learningRate(), optim.beta1(), optim.beta2(), optim.epsilon());
        for (String name : trainable) {
            long n = model.graph().getParam(name).length();
            INDArray state = Nd4j.zeros(model.dataType(), 1, 2 * n);
            moments.put(name, state);
            updaters.put(name, adam.instantiate(state, true));
        }
        steps = 0;
    }

    public int steps() {
        return steps;
    }

    /** A copy of the optimizer state. */
    public OptimizerState optimizerState() {
        Map<String, INDArray> copy = new LinkedHashMap<>();
        moments.forEach((k, v) -> copy.put(k, v.dup()));
        return new OptimizerState(steps, copy);
    }

    /** Restores a state taken from a trainer of the same network and mode. */
    public void loadOptimizerState(OptimizerState state) {
        if (!state.moments().keySet().equals(moments.keySet())) {
            throw new ModelConfigException("optimizer state", "moments for " + moments.keySet(), state.moments().keySet());
        }
        state.moments().forEach((name, v) -> {
            INDArray target = moments.get(name);
            if (!Arrays.equals(target.shape(), v.shape())) {
                throw new ModelConfigException("optimizer state '" + name + "'", Arrays.toString(target.shape()), Arrays.toString(v.shape()));
            }
            target.assign(v);
        });
        steps = state.steps();
    }

    /** Bytes of optimizer state held (only trainable parameters have any). */
    public long optimizerStateBytes() {
        return moments.values().stream().mapToLong(a -> a.length() * a.dataType().width()).sum();
    }
}
