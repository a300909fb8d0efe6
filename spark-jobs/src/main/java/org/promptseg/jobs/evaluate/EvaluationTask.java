package org.promptseg.jobs.evaluate;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Uris;
import org.promptseg.jobs.infer.CaseInference;
import org.promptseg.jobs.report.Overlays;
import org.promptseg.jobs.train.ExecutorModels;
import org.promptseg.jobs.train.TensorConversions;
import org.promptseg.model.NativeThreads;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TuningMode;
import org.promptseg.model.infer.Segmentation;
import org.promptseg.model.metrics.CaseMetrics;
import org.promptseg.model.metrics.SegmentationScorer;
import org.promptseg.volume.Volume;
import org.promptseg.volume.dataset.CaseRef;
import org.promptseg.volume.dataset.ClassMapping;
import org.promptseg.volume.dataset.LabelledCase;
import org.promptseg.volume.nifti.NiftiDatatype;
import org.promptseg.volume.nifti.NiftiEncoding;
import org.promptseg.volume.nifti.NiftiWriter;
import org.promptseg.volume.preprocess.PreparedCase;

/** Evaluates one test case with every variant that applies to its center (executor side). */
record EvaluationTask(CaseInference inference, List<Variant> variants, List<String> classNames, boolean images, String predictionsUri,
                      int threads) implements Serializable {

    /** One case to evaluate. */
    record Work(String center, String caseKey, CaseRef ref, ClassMapping classes) implements Serializable {}

    CaseEvaluation evaluate(Work w) throws IOException {
        NativeThreads.set(threads);
        LabelledCase c = inference.load(w.ref(), w.classes());
        PreparedCase prepared = inference.prepare(c);
        float[] normalised = inference.normalise(prepared);
        boolean[] labelled = w.classes().labelledClasses();
        List<Integer> scored = new ArrayList<>();
        for (int k = 1; k < labelled.length; k++) {
            if (labelled[k]) {
                scored.add(k);
            }
        }
        SegmentationScorer scorer = new SegmentationScorer(classNames);
        Map<String, CaseMetrics> metrics = new TreeMap<>();
        Map<String, byte[]> overlays = new TreeMap<>();
        Map<String, Long> millis = new TreeMap<>();
        Volume reference = c.label();
        double[] spacing = reference.geometry().spacingZyx();
        int[] dims = reference.shape().zyx();
        int slice = Overlays.busiestSlice(reference.labels(), dims);
        float[] hu = c.image().voxels().toFloats();
        for (Variant v : variants) {
            if (!v.appliesTo(w.center())) {
                continue;
            }
            long t0 = System.nanoTime();
            Segmentation seg;
            try (ExecutorModels.Lease lease = ExecutorModels.borrow(v.source())) {
                PromptableUNet model = lease.model();
                model.setActiveClasses(labelled);
                if (v.prompts() != null) {
                    model.insert(TuningMode.PROMPT, TensorConversions.toArrays(v.prompts()));
                }
                seg = inference.segment(model, normalised, prepared);
            }
            Volume predicted = inference.toSource(prepared, seg);
            millis.put(v.name(), (System.nanoTime() - t0) / 1_000_000);
            metrics.put(v.name(), scorer.score(w.caseKey(), reference.labels(), predicted.labels(),
                    org.promptseg.model.infer.VolumeShape.of(reference.shape()),
                    new org.promptseg.model.metrics.Spacing(spacing[0], spacing[1], spacing[2]), scored));
            if (images) {
                overlays.put(v.name(), Overlays.axialPng(hu, dims, slice, -250, 350, reference.labels(), predicted.labels(), 3,
                        w.center() + " " + w.caseKey() + " z=" + slice + " " + v.label()));
            }
            if (predictionsUri != null) {
                Path out = new Path(Uris.toPath(predictionsUri), w.center() + "/" + v.name() + "/" + w.caseKey() + ".nii.gz");
                new NiftiWriter(new Configuration()).write(out, predicted, NiftiEncoding.of(NiftiDatatype.UINT8), true);
            }
        }
        return new CaseEvaluation(w.center(), w.caseKey(), metrics, overlays, millis);
    }
}
