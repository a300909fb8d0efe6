package org.promptseg.jobs.retune;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.promptseg.common.Hashing;
import org.promptseg.common.Json;
import org.promptseg.store.BackboneDescription;
import org.promptseg.store.DataProvenance;
import org.promptseg.store.PromptManifest;
import org.promptseg.store.PromptPublication;
import org.promptseg.store.PromptStore;
import org.promptseg.store.tensor.Tensor;
import org.promptseg.store.tensor.TensorSet;
import org.promptseg.volume.Volume;
import org.promptseg.volume.dataset.CenterCollection;
import org.promptseg.volume.dataset.SplitOptions;
import org.promptseg.volume.nifti.NiftiEncoding;
import org.promptseg.volume.nifti.NiftiImage;
import org.promptseg.volume.nifti.NiftiReader;
import org.promptseg.volume.nifti.NiftiWriter;
import org.promptseg.volume.preprocess.Normalization;
import org.promptseg.volume.synth.SynthOptions;
import org.promptseg.volume.synth.SyntheticCollection;

/** Real stores, collections and files for the retune tests. */
final class RetuneFixtures {
    private RetuneFixtures() {}

    /** A synthetic collection ({@code centers.json} in {@code dir}); the same seed gives the same case_NNN whatever the case count. */
    static String synth(Path dir, int centers, int casesPerCenter, int size, long seed) throws IOException {
        return SyntheticCollection.generate(SynthOptions.defaults().with(centers, casesPerCenter, 0, size, seed).withThreads(2), dir.toString(),
                new Configuration(), false).manifestUri();
    }

    /**
     * Stores a backbone that jobs can plan with but not run: a promptseg-shaped backbone.json (classes of the synthetic
     * collection, normalisation, spacing, prompt kinds) over a model zip that is not a model. Its id derives from {@code seed}.
     */
    static String fakeBackbone(PromptStore store, long seed) throws IOException {
        return fakeBackbone(store, seed, SyntheticCollection.CLASSES);
    }

    /** The same, segmenting {@code classes}. */
    static String fakeBackbone(PromptStore store, long seed, List<String> classes) throws IOException {
        String id = Hashing.sha256Hex("fake backbone " + seed);
        ObjectNode norm = JsonNodeFactory.instance.objectNode();
        norm.set("normalization", Json.mapper().valueToTree(Normalization.window(-200, 300)));
        ArrayNode spacing = norm.putArray("target_spacing_zyx");
        spacing.add(8.0).add(8.0).add(8.0);
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.putArray("prompt_kinds").add("input");
        store.putBackbone(id, new ByteArrayInputStream(new byte[] {1, 2, 3}), new BackboneDescription("tiny", classes,
                List.of(16, 16, 16), 1000, norm, JsonNodeFactory.instance.objectNode(), details), null);
        return id;
    }

    /** Publishes prompts of {@code center} trained on {@code provenanceIds} ({@code id:sha16}) and makes them production. */
    static PromptManifest production(PromptStore store, String center, String backbone, List<String> provenanceIds, boolean recordIds, long seed)
            throws IOException {
        PromptManifest m = publish(store, center, backbone, provenanceIds, recordIds, seed);
        store.promote(center, AliasState.PRODUCTION, m.version());
        return m;
    }

    static PromptManifest publish(PromptStore store, String center, String backbone, List<String> provenanceIds, boolean recordIds, long seed)
            throws IOException {
        float[] v = new float[8];
        for (int i = 0; i < v.length; i++) {
            v[i] = seed * 0.5f + i;
        }
        TensorSet tensors = TensorSet.of("input_prompt", Tensor.ofFloats(new long[] {2, 4}, v));
        return store.publish(PromptPublication.builder(center, backbone, tensors).promptKinds(List.of("input"))
                .provenance(DataProvenance.of("file:/data/" + center, provenanceIds, recordIds)).build());
    }

    /** The clear ids of a center's train split. */
    static List<String> trainCases(String collection, String center) throws IOException {
        return CenterCollection.open(collection, new Configuration()).split(center, SplitOptions.defaults()).train();
    }

    /** Overwrites the label files of some cases with all-background labels (the same grid and encoding). */
    static void emptyLabels(Path collectionDir, String center, List<String> caseIds) throws IOException {
        Configuration conf = new Configuration();
        NiftiReader reader = new NiftiReader(conf);
        NiftiWriter writer = new NiftiWriter(conf);
        for (String id : caseIds) {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(collectionDir.resolve(center).resolve("labelsTr").resolve(id + ".nii.gz").toString());
            NiftiImage img = reader.read(p);
            Volume v = img.volume();
            writer.write(p, List.of(Volume.ofLabels(v.shape(), v.geometry(), new byte[v.labels().length])), NiftiEncoding.preserving(img.header()),
                    true);
        }
    }
}
