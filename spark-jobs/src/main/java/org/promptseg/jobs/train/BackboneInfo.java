package org.promptseg.jobs.train;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.promptseg.common.Json;
import org.promptseg.common.PromptsegException;
import org.promptseg.jobs.data.ShardManifest;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.model.PromptableUNet;
import org.promptseg.store.BackboneManifest;
import org.promptseg.store.PromptStore;
import org.promptseg.volume.preprocess.Normalization;

/**
 * A published backbone as the jobs use it: its id, manifest, the normalisation and spacing it was
 * trained with (inference and tuning must use the same), its prompt kinds and generic prompts.
 */
public record BackboneInfo(String storeUri, String id, BackboneManifest manifest, Normalization normalization, double[] targetSpacingZyx,
                           List<String> promptKinds) {

    public static BackboneInfo resolve(PromptStore store, String ref) throws IOException {
        String id = store.resolveBackbone(ref == null ? "latest" : ref);
        BackboneManifest m = store.backbone(id);
        JsonNode n = m.normalisation();
        if (n == null || n.get("normalization") == null || n.get("target_spacing_zyx") == null) {
            throw new PromptsegException("backbone " + id + " in " + store.root() + " records no normalisation; it was not published by promptseg pretrain");
        }
        Normalization norm = Json.mapper().treeToValue(n.get("normalization"), Normalization.class);
        double[] spacing = Json.mapper().treeToValue(n.get("target_spacing_zyx"), double[].class);
        List<String> kinds = new ArrayList<>();
        JsonNode k = m.details() == null ? null : m.details().get("prompt_kinds");
        if (k != null) {
            k.forEach(x -> kinds.add(x.asText()));
        }
        return new BackboneInfo(store.root(), id, m, norm, spacing, kinds);
    }

    public ModelSource source() {
        return new ModelSource.StoreBackbone(storeUri, id);
    }

    public PromptableUNet loadModel(PromptStore store) throws IOException {
        return PromptableUNet.fromZipBytes(store.readBackboneZip(id));
    }

    /** The generic prompts new centers start from (the mean of the pretraining centers' prompts). */
    public Optional<ParamSet> genericPrompts(PromptStore store) throws IOException {
        return store.genericPrompts(id).map(TensorConversions::fromStore);
    }

    /** Data sharded for another backbone (classes, patch size or spacing differ) would be silently wrong: refuse it. */
    public void requireCompatible(ShardManifest shard, String patchesUri) {
        if (!manifest.classNames().equals(shard.classes())) {
            throw new PromptsegException("backbone " + id + " segments classes " + manifest.classNames() + " but the patch dataset " + patchesUri
                    + " has " + shard.classes());
        }
        int[] p = shard.patchSizeZyx();
        List<Integer> bp = manifest.patchSize();
        if (p[0] != bp.get(0) || p[1] != bp.get(1) || p[2] != bp.get(2)) {
            throw new PromptsegException("backbone " + id + " works on " + bp + " patches but " + patchesUri + " has " + Arrays.toString(p)
                    + "; shard again with the backbone's preset");
        }
        for (int a = 0; a < 3; a++) {
            if (Math.abs(shard.targetSpacingZyx()[a] - targetSpacingZyx[a]) > 1e-6) {
                throw new PromptsegException("backbone " + id + " was trained at spacing " + Arrays.toString(targetSpacingZyx) + " mm but "
                        + patchesUri + " was resampled to " + Arrays.toString(shard.targetSpacingZyx())
                        + "; shard again with --target-spacing " + String.join(",", Arrays.stream(targetSpacingZyx).mapToObj(Double::toString).toList()));
            }
        }
    }
}
