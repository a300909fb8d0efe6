package org.promptseg.jobs.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.promptseg.jobs.rounds.Groups;
import org.promptseg.jobs.rounds.LocalTrainer;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.model.FeatureExtractor;
import org.promptseg.model.NativeThreads;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TuningMode;
import org.promptseg.model.cpa.CpaLoss;
import org.promptseg.model.cpa.CpaSettings;
import org.promptseg.model.loss.LossSettings;
import org.promptseg.model.train.DataBatch;
import org.promptseg.model.train.OptimSettings;
import org.promptseg.model.train.Trainer;
import org.promptseg.volume.preprocess.Normalization;
import org.promptseg.volume.preprocess.Patch;
import org.promptseg.volume.preprocess.PatchView;

/**
 * The local trainer of {@code pretrain --objective cpa+seg}: every weight trains (student), next to a teacher that
 * only runs forward.
 *
 * <p>Each step draws a batch of the partition's patches (seeded); every patch gives a teacher view (milder
 * augmentation) and a student view (smaller crop, mirroring, stronger intensity changes, holes). The teacher network
 * (the round's {@code teacher/...} groups, received read-only) computes decoder features of its views in inference
 * mode; the student trains on {@code seg + weight · cpa}: the segmentation loss on the samples whose case is labelled
 * (the student view's labels follow its geometry; the center's prompt tokens of its labelled classes are active),
 * the CPA loss on all samples. Unlabelled cases ({@code unlabelledCases}, or patches without a label) take part in
 * the CPA loss only.
 *
 * <p>Student and teacher are two networks borrowed from the executor's pool; the teacher's parameters are written
 * from the broadcast each task and never receive a gradient (its forward is inference only, and the CPA loss treats
 * its features and prototypes as constants).
 */
public final class CpaPatchTrainer implements LocalTrainer<Patch> {
    private static final long serialVersionUID = 1L;
    private final ModelSource source;
    private final OptimSettings optim;
    private final LossSettings loss;
    private final Normalization normalization;
    private final Map<String, boolean[]> labelledByCenter;
    private final Set<String> unlabelledCases;
    private final CpaSettings cpa;
    private final PatchView.Augmentation teacherView;
    private final PatchView.Augmentation studentView;
    private final int localSteps;
    private final int batchSize;
    private final int threads;

    /**
     * @param unlabelledCases cases (as {@link #caseKey}) whose labels pretraining must not use
     */
    public CpaPatchTrainer(ModelSource source, OptimSettings optim, LossSettings loss, Normalization normalization,
                           Map<String, boolean[]> labelledByCenter, Set<String> unlabelledCases, CpaSettings cpa,
                           PatchView.Augmentation teacherView, PatchView.Augmentation studentView, int localSteps, int batchSize, int threads) {
        this.source = source;
        this.optim = optim;
        this.loss = loss;
        this.normalization = normalization;
        this.labelledByCenter = Map.copyOf(labelledByCenter);
        this.unlabelledCases = Set.copyOf(unlabelledCases);
        this.cpa = cpa;
        this.teacherView = teacherView;
        this.studentView = studentView;
        this.localSteps = localSteps;
        this.batchSize = batchSize;
        this.threads = threads;
    }

    /** The key of a case in {@code unlabelledCases}. */
    public static String caseKey(String center, String caseId) {
        return center + "/" + caseId;
    }

    @Override
    public LocalResult train(String center, List<Patch> records, Map<String, ParamSet> start, long seed) {
        throw new IllegalStateException("CPA pretraining needs the teacher groups: run it with reference groups teacher/<group>");
    }

    @Override
    public LocalResult train(String center, List<Patch> records, Map<String, ParamSet> start, Map<String, ParamSet> reference, long seed) {
        NativeThreads.set(threads);
        List<Patch> patches = PatchTrainer.sorted(records);
        boolean[] labelled = labelledByCenter.get(center);
        if (labelled == null) {
            throw new IllegalStateException("no class mask for center " + center);
        }
        Map<String, ParamSet> teacherGroups = new TreeMap<>();
        for (String g : start.keySet()) {
            ParamSet t = reference.get(Groups.teacher(g));
            if (t == null) {
                throw new IllegalStateException("no teacher tensors for group " + g + " (received " + reference.keySet() + ")");
            }
            teacherGroups.put(g, t);
        }
        try (ExecutorModels.Lease studentLease = ExecutorModels.borrow(source); ExecutorModels.Lease teacherLease = ExecutorModels.borrow(source)) {
            PromptableUNet student = studentLease.apply(new ModelState(TuningMode.FULL, null, start, labelled));
            PromptableUNet teacher = teacherLease.apply(new ModelState(TuningMode.FULL, null, teacherGroups, labelled));
            Trainer trainer = new Trainer(student, TuningMode.FULL, optim, loss);
            CpaLoss cpaLoss = new CpaLoss(cpa);
            int numClasses = student.spec().numClasses();
            SplittableRandom rnd = new SplittableRandom(seed);
            int n = Math.min(batchSize, patches.size());
            double totalSum = 0;
            double segSum = 0;
            int segSteps = 0;
            double cpaSum = 0;
            for (int step = 0; step < localSteps; step++) {
                List<float[]> studentImages = new ArrayList<>(n);
                List<float[]> teacherImages = new ArrayList<>(n);
                List<byte[]> labels = new ArrayList<>(n);
                List<PatchView> sv = new ArrayList<>(n);
                List<PatchView> tv = new ArrayList<>(n);
                boolean[] segmented = new boolean[n];
                int[] shape = null;
                for (int i = 0; i < n; i++) {
                    Patch p = patches.get(rnd.nextInt(patches.size()));
                    shape = p.shapeZyx();
                    float[] image = normalization.apply(p.image());
                    PatchView t = PatchView.random(shape, teacherView, rnd);
                    PatchView s = PatchView.random(shape, studentView, rnd);
                    tv.add(t);
                    sv.add(s);
                    teacherImages.add(t.image(image));
                    studentImages.add(s.image(image));
                    segmented[i] = p.label() != null && !unlabelledCases.contains(caseKey(center, p.caseId()));
                    labels.add(segmented[i] ? s.labels(p.label()) : null);
                }
                INDArray teacherFeatures = FeatureExtractor.decoder(teacher, PatchBatches.images(teacherImages, shape));
                DataBatch batch = DataBatch.ofClassIndices(PatchBatches.images(studentImages, shape), PatchBatches.classIndices(labels, shape),
                        numClasses, PatchBatches.classMask(n, labelled));
                Trainer.Terms terms = trainer.step(batch, segmented, features -> {
                    CpaLoss.Result r = cpaLoss.compute(features, teacherFeatures, sv, tv, true);
                    return new Trainer.FeatureLoss.Value(r.loss(), r.gradient());
                }, cpa.weight());
                totalSum += terms.total();
                cpaSum += terms.feature();
                if (!Double.isNaN(terms.segmentation())) {
                    segSum += terms.segmentation();
                    segSteps++;
                }
            }
            Map<String, Double> lossTerms = new TreeMap<>();
            lossTerms.put("cpa", cpaSum / localSteps);
            if (segSteps > 0) {
                lossTerms.put("seg", segSum / segSteps);
            }
            return new LocalResult(PatchTrainer.trainedGroups(student, TuningMode.FULL, start), localSteps, (long) localSteps * n,
                    totalSum / localSteps, lossTerms);
        }
    }
}
