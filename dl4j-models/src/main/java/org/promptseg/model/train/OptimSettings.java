package org.promptseg.model.train;

import com.typesafe.config.Config;
import org.promptseg.model.ModelConfigException;
import org.promptseg.model.TuningMode;

/**
 * AdamW settings for one trainer ({@code promptseg.optim.*}; the learning rate depends on the mode).
 *
 * @param learningRate step size
 * @param beta1        first-moment decay
 * @param beta2        second-moment decay
 * @param epsilon      Adam epsilon
 * @param weightDecay  decoupled weight decay per step as a fraction of the learning rate (0 = none)
 */
public record OptimSettings(double learningRate, double beta1, double beta2, double epsilon, double weightDecay)
        implements java.io.Serializable {
    public OptimSettings {
        if (!(learningRate > 0)) {
            throw new ModelConfigException("promptseg.optim.learning-rate", "a value > 0", learningRate);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new ModelConfigException("promptseg.optim.beta1", "a value in [0, 1)", beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new ModelConfigException("promptseg.optim.beta2", "a value in [0, 1)", beta2);
        }
        if (!(epsilon > 0)) {
            throw new ModelConfigException("promptseg.optim.epsilon", "a value > 0", epsilon);
        }
        if (weightDecay < 0) {
            throw new ModelConfigException("promptseg.optim.weight-decay", "a value >= 0", weightDecay);
        }
    }

    public static OptimSettings adam(double learningRate) {
        return new OptimSettings(learningRate, 0.9, 0.999, 1e-8, 0);
    }

    public static OptimSettings fromConfig(Config root, TuningMode mode) {
        Config c = root.getConfig("promptseg.optim");
        return new OptimSettings(c.getDouble("learning-rate-" + mode.configName()), c.getDouble("beta1"),
                c.getDouble("beta2"), c.getDouble("epsilon"), c.getDouble("weight-decay"));
    }
}
