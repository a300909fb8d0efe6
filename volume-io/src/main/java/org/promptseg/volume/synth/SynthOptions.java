package org.promptseg.volume.synth;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * What {@code promptseg synth} generates ({@code promptseg.synth.*}).
 *
 * @param centers number of centers (scanner signatures), 1..16
 * @param casesPerCenter labelled cases per center
 * @param unlabelledCasesPerCenter unlabelled pool per center (imagesTs; reference labels in labelsTs)
 * @param size in-plane grid size in voxels; the anatomy is fixed in mm, so size sets the resolution
 * @param seed the whole collection is a function of this seed
 * @param gzipLevel deflate level of the written files
 * @param threads cases generated in parallel; the output does not depend on it
 * @param shiftStrength how far the centers' imaging departs from center c0's: 0 = same contrast phase, noise, blur,
 *     calibration and artefacts everywhere (only geometry and storage differ), 1 = the full scanner signatures
 */
public record SynthOptions(int centers, int casesPerCenter, int unlabelledCasesPerCenter, int size, long seed, int gzipLevel, int threads,
                           double shiftStrength) {
    public SynthOptions {
        if (centers < 1 || centers > 16) {
            throw new IllegalArgumentException("promptseg.synth.centers must be 1..16, got " + centers);
        }
        if (casesPerCenter < 1 || unlabelledCasesPerCenter < 0 || casesPerCenter + unlabelledCasesPerCenter > 1000) {
            throw new IllegalArgumentException("promptseg.synth: cases-per-center must be >= 1 and unlabelled-cases-per-center >= 0 (at most 1000 in all)");
        }
        if (size < 16 || size > 512) {
            throw new IllegalArgumentException("promptseg.synth.size must be 16..512, got " + size);
        }
        if (gzipLevel < 1 || gzipLevel > 9) {
            throw new IllegalArgumentException("promptseg.synth.gzip-level must be 1..9, got " + gzipLevel);
        }
        if (!(shiftStrength >= 0 && shiftStrength <= 1)) {
            throw new IllegalArgumentException("promptseg.synth.shift-strength must be in [0, 1], got " + shiftStrength);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("promptseg.synth.threads must be >= 1, got " + threads);
        }
    }

    public static SynthOptions fromConfig(Config root) {
        Config c = root.getConfig("promptseg.synth");
        return new SynthOptions(c.getInt("centers"), c.getInt("cases-per-center"), c.getInt("unlabelled-cases-per-center"),
                c.getInt("size"), c.getLong("seed"), c.getInt("gzip-level"), c.getInt("threads"), c.getDouble("shift-strength"));
    }

    public static SynthOptions defaults() {
        return fromConfig(ConfigFactory.defaultReference());
    }

    public SynthOptions with(int centers, int casesPerCenter, int unlabelled, int size, long seed) {
        return new SynthOptions(centers, casesPerCenter, unlabelled, size, seed, gzipLevel, threads, shiftStrength);
    }

    public SynthOptions withThreads(int t) {
        return new SynthOptions(centers, casesPerCenter, unlabelledCasesPerCenter, size, seed, gzipLevel, t, shiftStrength);
    }

    public SynthOptions withShiftStrength(double s) {
        return new SynthOptions(centers, casesPerCenter, unlabelledCasesPerCenter, size, seed, gzipLevel, threads, s);
    }
}
