package org.promptseg.jobs.data;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.HadoopFiles;
import org.promptseg.common.Json;
import org.promptseg.common.PromptsegException;
import org.promptseg.volume.preprocess.Fingerprint;
import org.promptseg.volume.preprocess.FingerprintPartial;

/**
 * {@code shard.json}, the contract of a patch dataset: what was sharded from where, with which
 * geometry and fingerprints, every case (by published id) with its split, patch count and content hash,
 * and every case that was skipped and why. Per-center fingerprint partials sit beside it in
 * {@code fingerprints/<center>.json} so that any subset of centers can be merged later (pretraining).
 */
public record ShardManifest(
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("collection") String collection,
        @JsonProperty("classes") List<String> classes,
        @JsonProperty("patch_size_zyx") int[] patchSizeZyx,
        @JsonProperty("target_spacing_zyx") double[] targetSpacingZyx,
        @JsonProperty("patches_per_case") int patchesPerCase,
        @JsonProperty("sampler_seed") long samplerSeed,
        @JsonProperty("fingerprint") Fingerprint fingerprint,
        @JsonProperty("centers") Map<String, CenterShard> centers,
        @JsonProperty("skipped") List<SkippedCase> skipped,
        @JsonProperty("created_at") String createdAt) {

    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "shard.json";
    public static final String PARTIALS_DIR = "fingerprints";

    /** One center's part of the patch dataset. */
    public record CenterShard(@JsonProperty("dataset_root") String datasetRoot, @JsonProperty("fingerprint") Fingerprint fingerprint,
                              @JsonProperty("labelled_classes") boolean[] labelledClasses, @JsonProperty("patches") long patches,
                              @JsonProperty("cases") List<ShardedCase> cases) {}

    /** One case: published id, split, number of patches and SHA-256 of its decoded voxels and geometry. */
    public record ShardedCase(@JsonProperty("case") String caseKey, @JsonProperty("split") String split, @JsonProperty("patches") int patches,
                              @JsonProperty("content_sha256") String contentSha256) {}

    /** A case left out with --skip-bad: the file and what was wrong with it. */
    public record SkippedCase(@JsonProperty("center") String center, @JsonProperty("case") String caseKey, @JsonProperty("file") String file,
                              @JsonProperty("reason") String reason) {}

    public void write(Path dir, Configuration conf) throws IOException {
        HadoopFiles.writeStringAtomically(new Path(dir, FILE_NAME), conf, false, Json.pretty(this));
    }

    public static ShardManifest read(String patchesUri, Configuration conf) throws IOException {
        Path p = new Path(org.promptseg.common.Uris.toPath(patchesUri), FILE_NAME);
        String text;
        try {
            text = HadoopFiles.readString(p, conf, 64L << 20);
        } catch (java.io.FileNotFoundException e) {
            throw new PromptsegException(patchesUri + " is not a promptseg patch dataset: " + FILE_NAME + " is missing (run promptseg shard first)");
        }
        ShardManifest m = Json.mapper().readValue(text, ShardManifest.class);
        if (m.formatVersion() != FORMAT_VERSION) {
            throw new PromptsegException(p + ": format_version " + m.formatVersion() + ", this promptseg reads " + FORMAT_VERSION);
        }
        return m;
    }

    public CenterShard center(String id) {
        CenterShard c = centers.get(id);
        if (c == null) {
            throw new PromptsegException("center '" + id + "' is not in this patch dataset (has " + centers.keySet() + "); shard it first");
        }
        return c;
    }

    public static void writePartial(Path dir, String center, FingerprintPartial partial, Configuration conf) throws IOException {
        HadoopFiles.writeStringAtomically(new Path(new Path(dir, PARTIALS_DIR), center + ".json"), conf, false, partial.toJson());
    }

    /** The merged fingerprint partial of some centers of the patch dataset at {@code patchesUri}. */
    public static FingerprintPartial readPartials(String patchesUri, List<String> centers, Configuration conf) throws IOException {
        FingerprintPartial merged = FingerprintPartial.empty();
        for (String c : centers) {
            Path p = new Path(new Path(org.promptseg.common.Uris.toPath(patchesUri), PARTIALS_DIR), c + ".json");
            merged = merged.merge(FingerprintPartial.fromJson(HadoopFiles.readString(p, conf, 64L << 20), p.toString()));
        }
        return merged;
    }
}
