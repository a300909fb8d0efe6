package org.promptseg.volume.preprocess;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.Serializable;

/**
 * Intensity normalisation applied on the fly to int16 HU patches (patches are stored un-normalised, DESIGN §10).
 * {@code zscore}: clip to the fingerprint's foreground percentiles, subtract its mean, divide by its std (nnU-Net's CT
 * scheme). {@code window}: clip to a fixed HU window and map it linearly onto [-1, 1]. The record is what
 * {@code backbone.json} stores, so inference normalises exactly as training did.
 */
public record Normalization(
        @JsonProperty("mode") String mode,
        @JsonProperty("clip_low") double clipLow,
        @JsonProperty("clip_high") double clipHigh,
        @JsonProperty("offset") double offset,
        @JsonProperty("scale") double scale) implements Serializable {
    public static final String ZSCORE = "zscore";
    public static final String WINDOW = "window";

    public Normalization {
        if (!(clipHigh > clipLow) || !Double.isFinite(offset) || !(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("normalisation needs clip_low < clip_high, a finite offset and a positive scale; got "
                    + clipLow + ", " + clipHigh + ", " + offset + ", " + scale);
        }
    }

    /** Clip to the fingerprint's percentiles, then z-score with its foreground mean and std. */
    public static Normalization zscore(Fingerprint f) {
        if (f.foregroundVoxels() == 0) {
            throw new IllegalArgumentException("the fingerprint has no foreground voxels: z-score normalisation is undefined (use normalization = window)");
        }
        return new Normalization(ZSCORE, f.percentileLowValue(), Math.max(f.percentileHighValue(), f.percentileLowValue() + 1), f.mean(), Math.max(f.std(), 1e-6));
    }

    /** Clip to [low, high] HU and map onto [-1, 1]. */
    public static Normalization window(double lowHu, double highHu) {
        return new Normalization(WINDOW, lowHu, highHu, (lowHu + highHu) / 2, (highHu - lowHu) / 2);
    }

    /** The normalisation the options ask for, using the fingerprint for z-score. */
    public static Normalization of(PreprocessOptions o, Fingerprint f) {
        return o.normalization().equals(WINDOW) ? window(o.windowLowHu(), o.windowHighHu()) : zscore(f);
    }

    public float apply(float hu) {
        double c = Math.min(Math.max(hu, clipLow), clipHigh);
        return (float) ((c - offset) / scale);
    }

    /** Normalises {@code hu} into {@code out} (same length). */
    public void apply(short[] hu, float[] out) {
        float lo = (float) clipLow;
        float hi = (float) clipHigh;
        float off = (float) offset;
        float inv = (float) (1.0 / scale);
        for (int i = 0; i < hu.length; i++) {
            float c = Math.min(Math.max(hu[i], lo), hi);
            out[i] = (c - off) * inv;
        }
    }

    public float[] apply(short[] hu) {
        float[] out = new float[hu.length];
        apply(hu, out);
        return out;
    }
}
