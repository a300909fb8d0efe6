package org.promptseg.jobs.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.promptseg.jobs.rounds.LocalTrainer;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.model.NativeThreads;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TuningMode;
import org.promptseg.model.loss.LossSettings;
import org.promptseg.model.train.OptimSettings;
import org.promptseg.model.train.Trainer;
import org.promptseg.volume.preprocess.Normalization;
import org.promptseg.volume.preprocess.Patch;

/**
 * The DL4J local trainer of the parameter-server rounds: a borrowed network per task, the round's
 * tensors inserted, {@code localSteps} steps of a fresh optimiser on minibatches drawn (seeded) from the
 * partition's patches, the trained tensors returned per group.
 *
 * <p>Everything here is settings; the network comes from {@link ExecutorModels} by {@link ModelSource}.
 */
public final class PatchTrainer implements LocalTrainer<Patch> {
    private static final long serialVersionUID = 1L;
    private final ModelSource source;
    private final TuningMode mode;
    private final OptimSettings optim;
    private final LossSettings loss;
    private final Normalization normalization;
    private final Map<String, boolean[]> labelledByCenter;
    private final ParamSet fixedPrompts;
    private final int localSteps;
    private final int batchSize;
    private final int threads;

    /**
     * @param fixedPrompts prompt tensors to put in place before training when the mode does not train prompts
     *                     (head/full baselines start from the backbone with its generic prompts); may be null
     */
    public PatchTrainer(ModelSource source, TuningMode mode, OptimSettings optim, LossSettings loss, Normalization normalization,
                        Map<String, boolean[]> labelledByCenter, ParamSet fixedPrompts, int localSteps, int batchSize, int threads) {
        this.source = source;
        this.mode = mode;
        this.optim = optim;
        this.loss = loss;
        this.normalization = normalization;
        this.labelledByCenter = Map.copyOf(labelledByCenter);
        this.fixedPrompts = fixedPrompts;
        this.localSteps = localSteps;
        this.batchSize = batchSize;
        this.threads = threads;
    }

    @Override
    public LocalResult train(String center, List<Patch> records, Map<String, ParamSet> start, long seed) {
        NativeThreads.set(threads);
        List<Patch> patches = sorted(records);
        boolean[] labelled = labelledByCenter.get(center);
        if (labelled == null) {
            throw new IllegalStateException("no class mask for center " + center);
        }
        try (ExecutorModels.Lease lease = ExecutorModels.borrow(source)) {
            PromptableUNet model = lease.apply(new ModelState(mode, fixedPrompts, start, labelled));
            Trainer trainer = new Trainer(model, mode, optim, loss);
            SplittableRandom rnd = new SplittableRandom(seed);
            double lossSum = 0;
            int n = Math.min(batchSize, patches.size());
            for (int step = 0; step < localSteps; step++) {
                List<Patch> batch = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    batch.add(patches.get(rnd.nextInt(patches.size())));
                }
                lossSum += trainer.step(PatchBatches.batch(batch, normalization, labelled));
            }
            return new LocalResult(trainedGroups(model, mode, start), localSteps, (long) localSteps * n, lossSum / localSteps);
        }
    }

    /** The network's trained tensors, cut into the groups of {@code start} (same names). */
    static Map<String, ParamSet> trainedGroups(PromptableUNet model, TuningMode mode, Map<String, ParamSet> start) {
        Map<String, INDArray> trained = model.extract(mode);
        Map<String, ParamSet> updated = new TreeMap<>();
        for (Map.Entry<String, ParamSet> g : start.entrySet()) {
            Map<String, INDArray> part = new TreeMap<>();
            for (String name : g.getValue().names()) {
                part.put(name, trained.get(name));
            }
            updated.put(g.getKey(), TensorConversions.toSet(part));
        }
        return updated;
    }

    /** Shuffles do not keep order: sort by a stable key so the seed alone decides the batches. */
    static List<Patch> sorted(List<Patch> records) {
        List<Patch> out = new ArrayList<>(records);
        out.sort(Comparator.comparing(Patch::caseId).thenComparingInt(Patch::index));
        return out;
    }
}
