package org.promptseg.volume.preprocess;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.Serializable;
import java.util.List;

/**
 * CT preprocessing settings ({@code promptseg.preprocess.*}; see reference.conf for each key's meaning).
 *
 * @param targetSpacingZyx resampling target (mm, z/y/x), or null for the fingerprint's median spacing
 */
public record PreprocessOptions(double[] targetSpacingZyx, String normalization, double windowLowHu, double windowHighHu,
                                boolean cropToBody, double bodyThresholdHu, int cropMarginVoxels,
                                double percentileLow, double percentileHigh) implements Serializable {
    public PreprocessOptions {
        if (targetSpacingZyx != null && (targetSpacingZyx.length != 3 || !(targetSpacingZyx[0] > 0 && targetSpacingZyx[1] > 0 && targetSpacingZyx[2] > 0))) {
            throw new IllegalArgumentException("promptseg.preprocess.target-spacing-zyx: expected [] or three positive spacings (z, y, x) in mm");
        }
        if (!normalization.equals(Normalization.ZSCORE) && !normalization.equals(Normalization.WINDOW)) {
            throw new IllegalArgumentException("promptseg.preprocess.normalization = '" + normalization + "': expected zscore or window");
        }
        if (!(windowHighHu > windowLowHu)) {
            throw new IllegalArgumentException("promptseg.preprocess.window-high-hu must be above window-low-hu");
        }
        if (!(percentileLow >= 0 && percentileLow < percentileHigh && percentileHigh <= 100)) {
            throw new IllegalArgumentException("promptseg.preprocess.percentile-low/high: expected 0 <= low < high <= 100");
        }
        if (cropMarginVoxels < 0) {
            throw new IllegalArgumentException("promptseg.preprocess.crop-margin-voxels must be >= 0");
        }
    }

    public static PreprocessOptions fromConfig(Config root) {
        Config c = root.getConfig("promptseg.preprocess");
        List<Double> t = c.getDoubleList("target-spacing-zyx");
        double[] target = t.isEmpty() ? null : t.stream().mapToDouble(Double::doubleValue).toArray();
        return new PreprocessOptions(target, c.getString("normalization"), c.getDouble("window-low-hu"), c.getDouble("window-high-hu"),
                c.getBoolean("crop-to-body"), c.getDouble("body-threshold-hu"), c.getInt("crop-margin-voxels"),
                c.getDouble("percentile-low"), c.getDouble("percentile-high"));
    }

    public static PreprocessOptions defaults() {
        return fromConfig(ConfigFactory.defaultReference());
    }

    /** The resampling target: the configured one, or the fingerprint's median spacing. */
    public double[] targetSpacing(Fingerprint fingerprint) {
        return targetSpacingZyx != null ? targetSpacingZyx.clone() : fingerprint.medianSpacingZyx().clone();
    }

    public PreprocessOptions withTargetSpacing(double[] zyx) {
        return new PreprocessOptions(zyx, normalization, windowLowHu, windowHighHu, cropToBody, bodyThresholdHu, cropMarginVoxels, percentileLow, percentileHigh);
    }

    public PreprocessOptions withCropToBody(boolean crop) {
        return new PreprocessOptions(targetSpacingZyx, normalization, windowLowHu, windowHighHu, crop, bodyThresholdHu, cropMarginVoxels, percentileLow, percentileHigh);
    }
}
