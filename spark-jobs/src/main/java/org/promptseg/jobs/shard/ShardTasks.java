package org.promptseg.jobs.shard;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.promptseg.common.PromptsegException;
import org.promptseg.jobs.data.ContentHash;
import org.promptseg.jobs.data.PatchTable;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.dataset.CaseLoader;
import org.promptseg.volume.dataset.LabelledCase;
import org.promptseg.volume.preprocess.CasePreprocessor;
import org.promptseg.volume.preprocess.FingerprintPartial;
import org.promptseg.volume.preprocess.Patch;
import org.promptseg.volume.preprocess.PatchSampler;
import org.promptseg.volume.preprocess.PreparedCase;
import org.promptseg.volume.preprocess.PreprocessOptions;
import org.promptseg.volume.preprocess.SamplerOptions;

/** The executor side of the shard job: static, serialisable, holding settings only. */
final class ShardTasks implements Serializable {
    private static final long serialVersionUID = 1L;
    private final VolumeOptions volumeOptions;
    private final PreprocessOptions preprocess;
    private final SamplerOptions sampler;
    private final int patchesPerCase;

    ShardTasks(VolumeOptions volumeOptions, PreprocessOptions preprocess, SamplerOptions sampler, int patchesPerCase) {
        this.volumeOptions = volumeOptions;
        this.preprocess = preprocess;
        this.sampler = sampler;
        this.patchesPerCase = patchesPerCase;
    }

    /** Pass 1: read and check the case, fingerprint statistics on the source grid, content hash. Never throws for bad data. */
    CaseScan scan(CaseWork w) {
        // the file being read when the case failed: a user must be told which of image and label to fix
        String[] reading = new String[1];
        try {
            LabelledCase c = load(w, reading);
            String sha = ContentHash.of(c.image(), c.label());
            return new CaseScan(w, FingerprintPartial.ofCase(w.key(), c.image(), c.label()), sha, null, null);
        } catch (PromptsegException | IOException | IllegalArgumentException e) {
            return new CaseScan(w, null, null, reading[0], e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Pass 2: preprocess to the target spacing and sample patches. */
    Iterator<Row> patches(CaseWork w, double[] targetSpacingZyx) throws IOException {
        LabelledCase c = load(w);
        PreparedCase prepared = new CasePreprocessor(preprocess, targetSpacingZyx).prepare(c);
        List<Patch> patches = new PatchSampler(sampler).sample(w.center(), w.ref().caseId(), prepared.image(), prepared.label(), patchesPerCase);
        List<Row> rows = new ArrayList<>(patches.size());
        patches.forEach(p -> rows.add(PatchTable.toRow(p, w.split())));
        return rows.iterator();
    }

    /** Reads image and label and maps the center's label values onto the global classes. */
    private LabelledCase load(CaseWork w) throws IOException {
        return load(w, new String[1]);
    }

    /**
     * {@link #load(CaseWork)}, keeping in {@code reading[0]} the URI of the file being read, so that a failure names
     * the file it came from (image and label are read one after the other, as {@link CaseLoader#load} does).
     */
    private LabelledCase load(CaseWork w, String[] reading) throws IOException {
        CaseLoader loader = new CaseLoader(new Configuration(), volumeOptions);
        reading[0] = w.ref().channels().get(0).uri();
        Volume image = loader.readImage(w.ref(), 0);
        Volume label = null;
        if (w.ref().isLabelled()) {
            reading[0] = w.ref().labelUri();
            label = w.classes().remap(loader.readLabel(w.ref().labelUri(), image), w.ref().labelUri());
        }
        return new LabelledCase(w.ref().caseId(), image, label);
    }
}
