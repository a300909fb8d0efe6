package org.promptseg.volume.dataset;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** Intensity plausibility limits of {@code dataset check} ({@code promptseg.volume.check.*}), in HU. */
public record CheckOptions(double ctMinAboveHu, double ctMinHu, double ctMaxHu) {
    public static CheckOptions fromConfig(Config root) {
        Config c = root.getConfig("promptseg.volume.check");
        return new CheckOptions(c.getDouble("ct-min-above-hu"), c.getDouble("ct-min-hu"), c.getDouble("ct-max-hu"));
    }

    public static CheckOptions defaults() {
        return fromConfig(ConfigFactory.defaultReference());
    }
}
