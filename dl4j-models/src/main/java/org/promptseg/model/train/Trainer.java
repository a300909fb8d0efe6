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
        return r.total();
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
