package org.promptseg.volume.preprocess;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.Serializable;
import java.util.List;

/** Patch sampling settings ({@code promptseg.sampler.*}). */
public record SamplerOptions(int[] patchSizeZyx, double foregroundFraction, short padHu, long seed) implements Serializable {
    public SamplerOptions {
        if (patchSizeZyx == null || patchSizeZyx.length != 3 || patchSizeZyx[0] < 1 || patchSizeZyx[1] < 1 || patchSizeZyx[2] < 1) {
            throw new IllegalArgumentException("promptseg.sampler.patch-size-zyx: expected three sizes >= 1 (z, y, x)");
        }
        if (!(foregroundFraction >= 0 && foregroundFraction <= 1)) {
            throw new IllegalArgumentException("promptseg.sampler.foreground-fraction must be in [0, 1], got " + foregroundFraction);
        }
        patchSizeZyx = patchSizeZyx.clone();
    }

    public static SamplerOptions fromConfig(Config root) {
        Config c = root.getConfig("promptseg.sampler");
        List<Integer> p = c.getIntList("patch-size-zyx");
        int pad = c.getInt("pad-hu");
        if (pad < Short.MIN_VALUE || pad > Short.MAX_VALUE) {
            throw new IllegalArgumentException("promptseg.sampler.pad-hu must fit int16, got " + pad);
        }
        return new SamplerOptions(p.stream().mapToInt(Integer::intValue).toArray(), c.getDouble("foreground-fraction"), (short) pad, c.getLong("seed"));
    }

    public static SamplerOptions defaults() {
        return fromConfig(ConfigFactory.defaultReference());
    }

    public SamplerOptions withPatchSize(int z, int y, int x) {
        return new SamplerOptions(new int[] {z, y, x}, foregroundFraction, padHu, seed);
    }

    public SamplerOptions withSeed(long s) {
        return new SamplerOptions(patchSizeZyx, foregroundFraction, padHu, s);
    }
}
