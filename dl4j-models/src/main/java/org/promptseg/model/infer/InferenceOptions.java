package org.promptseg.model.infer;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigOrigin;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.promptseg.model.ModelConfigException;

/**
 * Settings of sliding-window inference, read from {@code promptseg.inference} (defaults and docs in
 * this module's {@code reference.conf}). The window size is not a setting: it is the network's.
 *
 * @param overlap               fraction of a window shared with its neighbour along each axis, in [0, 1)
 * @param batchSize             windows per predictor call, at least 1
 * @param weighting             how overlapping predictions are blended
 * @param gaussianSigmaFraction sigma of the gaussian weighting as a fraction of the window size per axis
 * @param mirrorAxes            axes mirrored for test-time augmentation; empty = no augmentation
 */
public record InferenceOptions(double overlap, int batchSize, Weighting weighting, double gaussianSigmaFraction,
                               Set<Axis> mirrorAxes) implements java.io.Serializable {

    static final String SECTION = "promptseg.inference";

    /** How predictions of overlapping windows are combined at a voxel. */
    public enum Weighting {
        /** Weighted by a gaussian centred in the window: window borders, which saw less context, count less. */
        GAUSSIAN,
        /** Plain average of every window that covers the voxel. */
        CONSTANT
    }

    public InferenceOptions {
        if (!(overlap >= 0 && overlap < 1)) {
            throw new ModelConfigException("overlap", "a fraction in [0, 1)", overlap);
        }
        if (batchSize < 1) {
            throw new ModelConfigException("batchSize", "at least 1 window", batchSize);
        }
        if (weighting == null) {
            throw new ModelConfigException("weighting", "gaussian or constant", null);
        }
        if (!(gaussianSigmaFraction > 0) || Double.isInfinite(gaussianSigmaFraction)) {
            throw new ModelConfigException("gaussianSigmaFraction", "a positive fraction of the window size", gaussianSigmaFraction);
        }
        if (mirrorAxes == null) {
            throw new ModelConfigException("mirrorAxes", "a (possibly empty) subset of [z, y, x]", null);
        }
        mirrorAxes = mirrorAxes.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(mirrorAxes));
    }

    /** The defaults of {@code reference.conf}, for code that has no configuration at hand (tests, tools). */
    public static InferenceOptions defaults() {
        return new InferenceOptions(0.5, 2, Weighting.GAUSSIAN, 0.125, Set.of());
    }

    public InferenceOptions withOverlap(double value) {
        return new InferenceOptions(value, batchSize, weighting, gaussianSigmaFraction, mirrorAxes);
    }

    public InferenceOptions withBatchSize(int value) {
        return new InferenceOptions(overlap, value, weighting, gaussianSigmaFraction, mirrorAxes);
    }

    public InferenceOptions withWeighting(Weighting value) {
        return new InferenceOptions(overlap, batchSize, value, gaussianSigmaFraction, mirrorAxes);
    }

    public InferenceOptions withMirrorAxes(Set<Axis> value) {
        return new InferenceOptions(overlap, batchSize, weighting, gaussianSigmaFraction, value);
    }

    /**
     * Reads {@code promptseg.inference} from the whole configuration (types are checked by Typesafe
     * Config; a value of the right type outside its range fails here, naming the key and where it was set).
     */
    public static InferenceOptions fromConfig(Config root) {
        Config c = root.getConfig(SECTION);
        double overlap = c.getDouble("overlap");
        require(c, "overlap", overlap >= 0 && overlap < 1, "a fraction in [0, 1)");
        int batchSize = c.getInt("batch-size");
        require(c, "batch-size", batchSize >= 1, "an integer >= 1");
        double sigma = c.getDouble("gaussian-sigma-fraction");
        require(c, "gaussian-sigma-fraction", sigma > 0 && !Double.isInfinite(sigma), "a number > 0");
        return new InferenceOptions(overlap, batchSize, parseWeighting(c), sigma, parseAxes(c));
    }

    private static void require(Config c, String key, boolean valid, String expected) {
        if (!valid) {
            throw invalid(c, key, expected, c.getValue(key).render());
        }
    }

    private static ModelConfigException invalid(Config c, String key, String expected, String found) {
        ConfigOrigin origin = c.getValue(key).origin();
        return new ModelConfigException(SECTION + "." + key, expected, found + " (set in " + origin.description() + ")");
    }

    private static Weighting parseWeighting(Config c) {
        String value = c.getString("weighting");
        try {
            return Weighting.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(c, "weighting", "gaussian or constant", "'" + value + "'");
        }
    }

    private static Set<Axis> parseAxes(Config c) {
        List<String> names = c.getStringList("mirror-axes");
        List<Axis> axes = new ArrayList<>();
        for (String name : names) {
            Axis axis = switch (name.toLowerCase(Locale.ROOT)) {
                case "z" -> Axis.Z;
                case "y" -> Axis.Y;
                case "x" -> Axis.X;
                default -> throw invalid(c, "mirror-axes", "a subset of [z, y, x]", names.toString());
            };
            if (axes.contains(axis)) {
                throw invalid(c, "mirror-axes", "each of z, y, x at most once", names.toString());
            }
            axes.add(axis);
        }
        return axes.isEmpty() ? Set.of() : EnumSet.copyOf(axes);
    }
}
