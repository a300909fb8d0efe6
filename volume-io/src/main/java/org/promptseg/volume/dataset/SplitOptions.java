package org.promptseg.volume.dataset;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.Serializable;

/** Train/validation/test fractions of a center's labelled cases ({@code promptseg.volume.split.*}). */
public record SplitOptions(double train, double val, double test) implements Serializable {
    public SplitOptions {
        if (!(train >= 0 && val >= 0 && test >= 0) || Math.abs(train + val + test - 1) > 1e-9 || train == 0) {
            throw new IllegalArgumentException("promptseg.volume.split: train/val/test = " + train + "/" + val + "/" + test
                    + ": expected non-negative fractions summing to 1, with train > 0");
        }
    }

    public static SplitOptions fromConfig(Config root) {
        Config c = root.getConfig("promptseg.volume.split");
        return new SplitOptions(c.getDouble("train"), c.getDouble("val"), c.getDouble("test"));
    }

    public static SplitOptions defaults() {
        return fromConfig(ConfigFactory.defaultReference());
    }
}
