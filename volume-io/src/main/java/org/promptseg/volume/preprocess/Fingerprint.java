package org.promptseg.volume.preprocess;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.HadoopFiles;
import org.promptseg.common.Json;
import org.promptseg.volume.LocalFiles;
import org.promptseg.volume.dataset.CaseLoader;
import org.promptseg.volume.dataset.CaseRef;
import org.promptseg.volume.dataset.DatasetFormatException;
import org.promptseg.volume.dataset.LabelledCase;

/**
 * A dataset fingerprint, computed once and stored as {@code fingerprint.json} next to the data (nnU-Net's idea): the
 * spacing distribution over cases and the intensity statistics of foreground voxels, which define the default
 * normalisation. It is copied into {@code backbone.json} so inference normalises exactly as training did.
 * Build it with {@link FingerprintPartial} (mergeable, for Spark) or {@link #computeLocal}.
 *
 * @param medianSpacingZyx median voxel spacing (mm) over cases, (z, y, x): the default resampling target
 * @param medianShapeZyx median shape over cases
 * @param foregroundVoxels voxels with a label > 0 that the intensity statistics cover
 * @param percentileLowValue the {@code percentileLow}-th percentile of foreground HU (0.5 by default)
 */
public record Fingerprint(
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("cases") int cases,
        @JsonProperty("median_spacing_zyx") double[] medianSpacingZyx,
        @JsonProperty("min_spacing_zyx") double[] minSpacingZyx,
        @JsonProperty("max_spacing_zyx") double[] maxSpacingZyx,
        @JsonProperty("median_shape_zyx") int[] medianShapeZyx,
        @JsonProperty("foreground_voxels") long foregroundVoxels,
        @JsonProperty("mean") double mean,
        @JsonProperty("std") double std,
        @JsonProperty("min") double min,
        @JsonProperty("max") double max,
        @JsonProperty("percentile_low") double percentileLow,
        @JsonProperty("percentile_low_value") double percentileLowValue,
        @JsonProperty("percentile_high") double percentileHigh,
        @JsonProperty("percentile_high_value") double percentileHighValue) implements Serializable {

    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "fingerprint.json";

    public String toJson() {
        return Json.pretty(this);
    }

    public static Fingerprint fromJson(String json, String location) {
        try {
            Fingerprint f = Json.mapper().readValue(json, Fingerprint.class);
            if (f.formatVersion() != FORMAT_VERSION) {
                throw new DatasetFormatException(location, "format_version", "is " + f.formatVersion() + ": this promptseg reads version " + FORMAT_VERSION);
            }
            if (f.medianSpacingZyx() == null || f.medianSpacingZyx().length != 3) {
                throw new DatasetFormatException(location, "median_spacing_zyx", "expected 3 spacings (z, y, x)");
            }
            return f;
        } catch (JsonProcessingException e) {
            throw new DatasetFormatException(location, "json", "not a fingerprint (" + e.getOriginalMessage() + ")", e);
        }
    }

    public void write(Path path, Configuration conf, boolean overwrite) throws IOException {
        HadoopFiles.writeStringAtomically(path, LocalFiles.withoutChecksums(conf), overwrite, toJson());
    }

    public static Fingerprint read(Path path, Configuration conf) throws IOException {
        try {
            return fromJson(HadoopFiles.readString(path, LocalFiles.withoutChecksums(conf), 1L << 20), path.toString());
        } catch (FileNotFoundException e) {
            throw new DatasetFormatException(path.toString(), "file", "missing: compute the fingerprint first (shard does)", e);
        }
    }

    /** Computes the fingerprint of {@code cases} in this JVM, one case in memory at a time. */
    public static Fingerprint computeLocal(String keyPrefix, List<CaseRef> cases, CaseLoader loader, PreprocessOptions options) throws IOException {
        FingerprintPartial total = FingerprintPartial.empty();
        for (CaseRef c : cases) {
            LabelledCase lc = loader.load(c);
            total = total.merge(FingerprintPartial.ofCase(keyPrefix + c.caseId(), lc.image(), lc.label()));
        }
        return total.finish(options.percentileLow(), options.percentileHigh());
    }
}
