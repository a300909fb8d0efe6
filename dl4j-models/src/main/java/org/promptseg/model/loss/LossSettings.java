package org.promptseg.model.loss;

import com.typesafe.config.Config;
import org.promptseg.model.ModelConfigException;

/**
 * Weights and details of the Dice + cross-entropy loss ({@code promptseg.loss.*}).
 *
 * @param diceWeight            weight of the soft Dice term
 * @param ceWeight              weight of the cross-entropy term
 * @param diceIncludeBackground whether background is one of the Dice classes
 * @param diceSmooth            smoothing added to numerator and denominator of every class Dice
 */
public record LossSettings(double diceWeight, double ceWeight, boolean diceIncludeBackground, double diceSmooth)
        implements java.io.Serializable {
    public LossSettings {
        if (diceWeight < 0) {
            throw new ModelConfigException("promptseg.loss.dice-weight", "a value >= 0", diceWeight);
        }
        if (ceWeight < 0) {
            throw new ModelConfigException("promptseg.loss.ce-weight", "a value >= 0", ceWeight);
        }
        if (diceWeight + ceWeight == 0) {
            throw new ModelConfigException("promptseg.loss", "dice-weight or ce-weight > 0", "both 0");
        }
        if (!(diceSmooth > 0)) {
            throw new ModelConfigException("promptseg.loss.dice-smooth", "a value > 0", diceSmooth);
        }
    }

    /** Dice 1, CE 1, background excluded from Dice, smooth 1e-5 (the reference.conf defaults). */
    public static LossSettings defaults() {
        return new LossSettings(1.0, 1.0, false, 1e-5);
    }

    public static LossSettings fromConfig(Config root) {
        Config c = root.getConfig("promptseg.loss");
        return new LossSettings(c.getDouble("dice-weight"), c.getDouble("ce-weight"),
                c.getBoolean("dice-include-background"), c.getDouble("dice-smooth"));
    }
}
