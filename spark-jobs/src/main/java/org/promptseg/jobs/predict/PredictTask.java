package org.promptseg.jobs.predict;

import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.promptseg.common.Uris;
import org.promptseg.jobs.infer.CaseInference;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.jobs.train.ExecutorModels;
import org.promptseg.jobs.train.ModelSource;
import org.promptseg.jobs.train.TensorConversions;
import org.promptseg.model.NativeThreads;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TuningMode;
import org.promptseg.model.infer.Segmentation;
import org.promptseg.volume.Volume;
import org.promptseg.volume.dataset.CaseRef;
import org.promptseg.volume.dataset.LabelledCase;
import org.promptseg.volume.nifti.NiftiDatatype;
import org.promptseg.volume.nifti.NiftiEncoding;
import org.promptseg.volume.nifti.NiftiWriter;
import org.promptseg.volume.preprocess.PreparedCase;

/** Segments one NIfTI volume with a center's prompts and writes the label map on the input's exact grid. */
record PredictTask(CaseInference inference, ModelSource source, ParamSet prompts, boolean[] activeClasses, boolean overwrite, int threads)
        implements Serializable {

    /** One volume: where it is and where its labels go. */
    record Work(String input, String output) implements Serializable {}

    /** What was written, and how long it took. */
    record Done(String input, String output, int[] shapeZyx, long voxelsLabelled, long millis) implements Serializable {}

    Done predict(Work w) throws IOException {
        long t0 = System.nanoTime();
        NativeThreads.set(threads);
        CaseRef ref = new CaseRef(caseName(w.input()), List.of(new CaseRef.Channel(w.input(), -1)), null, null);
        LabelledCase c = inference.load(ref, null);
        PreparedCase prepared = inference.prepare(c);
        float[] normalised = inference.normalise(prepared);
        Segmentation seg;
        try (ExecutorModels.Lease lease = ExecutorModels.borrow(source)) {
            PromptableUNet model = lease.model();
            model.setActiveClasses(activeClasses);
            if (prompts != null) {
                model.insert(TuningMode.PROMPT, TensorConversions.toArrays(prompts));
            }
            seg = inference.segment(model, normalised, prepared);
        }
        Volume labels = inference.toSource(prepared, seg);
        new NiftiWriter(new Configuration()).write(Uris.toPath(w.output()), labels, NiftiEncoding.of(NiftiDatatype.UINT8), overwrite);
        long labelled = 0;
        for (byte b : labels.labels()) {
            if (b != 0) {
                labelled++;
            }
        }
        return new Done(w.input(), w.output(), labels.shape().zyx(), labelled, (System.nanoTime() - t0) / 1_000_000);
    }

    static String caseName(String uri) {
        String name = uri.substring(uri.lastIndexOf('/') + 1);
        for (String ext : List.of(".nii.gz", ".nii", ".hdr", ".img")) {
            if (name.endsWith(ext)) {
                return name.substring(0, name.length() - ext.length());
            }
        }
        return name;
    }
}
