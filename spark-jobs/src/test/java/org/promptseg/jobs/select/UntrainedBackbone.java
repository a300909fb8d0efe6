package org.promptseg.jobs.select;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.promptseg.common.Json;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.jobs.train.ModelGroups;
import org.promptseg.jobs.train.TensorConversions;
import org.promptseg.model.ModelSpec;
import org.promptseg.model.ParamReport;
import org.promptseg.model.PromptableUNet;
import org.promptseg.store.BackboneDescription;
import org.promptseg.store.BackboneIds;
import org.promptseg.store.PromptStore;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.dataset.CaseLoader;
import org.promptseg.volume.dataset.CaseRef;
import org.promptseg.volume.dataset.CenterCollection;
import org.promptseg.volume.dataset.LabelledCase;
import org.promptseg.volume.preprocess.Fingerprint;
import org.promptseg.volume.preprocess.FingerprintPartial;
import org.promptseg.volume.preprocess.Normalization;
import org.promptseg.volume.preprocess.PreprocessOptions;

/**
 * Test fixture: a freshly initialised (untrained) backbone published into a real store the way pretrain publishes one
 * (normalisation from the collection's fingerprint, target spacing, prompt kinds, generic prompts), in seconds instead of
 * a pretraining run. Selection's mechanics do not depend on how well the network segments.
 */
final class UntrainedBackbone {
    private UntrainedBackbone() {}

    static String publish(PromptStore store, CenterCollection collection, String center, Config config, long seed) throws IOException {
        ModelSpec spec = ModelSpec.fromConfig(config, "tiny").withNumClasses(collection.classes().size());
        PreprocessOptions preprocess = PreprocessOptions.fromConfig(config);
        FingerprintPartial partial = FingerprintPartial.empty();
        CaseLoader loader = new CaseLoader(new Configuration(), VolumeOptions.fromConfig(config));
        for (CaseRef ref : collection.dataset(center).labelled()) {
            LabelledCase c = loader.load(ref);
            partial = partial.merge(FingerprintPartial.ofCase(center + "/" + ref.caseId(), c.image(),
                    collection.classMapping(center).remap(c.label(), ref.labelUri())));
        }
        Fingerprint fingerprint = partial.finish(preprocess.percentileLow(), preprocess.percentileHigh());
        PromptableUNet model = PromptableUNet.create(spec, seed);
        ParamSet generic = ModelGroups.prompts(model);
        String id = BackboneIds.compute(model.canonicalConfigurationJson(), TensorConversions.toStore(TensorConversions.toSet(model.backboneParameters())));
        Map<String, Object> normalisation = new LinkedHashMap<>();
        normalisation.put("fingerprint", fingerprint);
        normalisation.put("normalization", Normalization.of(preprocess, fingerprint));
        normalisation.put("target_spacing_zyx", preprocess.targetSpacing(fingerprint));
        normalisation.put("preprocess", preprocess);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("spec", spec);
        details.put("prompt_kinds", spec.prompts().kinds().stream().map(k -> k.name().toLowerCase(Locale.ROOT)).sorted().toList());
        store.putBackbone(id, new ByteArrayInputStream(model.toZipBytes()), new BackboneDescription(spec.preset(), collection.classes(), spec.patch(),
                ParamReport.of(model).frozen(), tree(normalisation), tree(Map.of("fixture", "untrained")), tree(details)),
                generic.isEmpty() ? null : TensorConversions.toStore(generic));
        return id;
    }

    private static JsonNode tree(Object o) {
        return Json.mapper().valueToTree(o);
    }

    static List<String> testSettings() {
        return List.of("promptseg.spark.master=local[2]", "promptseg.model.presets.tiny.channels=[4,8,16,32]", "promptseg.prompt.kinds=[deep]",
                "promptseg.prompt.deep.stages=1", "promptseg.select.ensemble.members=3", "promptseg.select.ensemble.rounds=2",
                "promptseg.select.ensemble.local-steps=2", "promptseg.select.ensemble.patches-per-case=4", "promptseg.cli.progress=false");
    }
}
