package org.promptseg.jobs.train;

import java.util.Arrays;
import java.util.Map;

/**
 * Which global classes a center labels, kept in a prompt version's metrics as one number
 * ({@value #METRIC}: bit k set = class k labelled; exact for up to 52 classes), so that inference with
 * a prompt version activates exactly the class prompts it was trained with.
 */
public final class ClassMasks {
    public static final String METRIC = "labelled_classes_mask";

    private ClassMasks() {}

    public static double encode(boolean[] labelled) {
        if (labelled.length > 52) {
            throw new IllegalArgumentException("class masks of more than 52 classes do not fit a metric");
        }
        long bits = 0;
        for (int k = 0; k < labelled.length; k++) {
            if (labelled[k]) {
                bits |= 1L << k;
            }
        }
        return bits;
    }

    /** The mask recorded in {@code metrics}, or every class when none is recorded. */
    public static boolean[] decode(Map<String, Double> metrics, int classes) {
        boolean[] out = new boolean[classes];
        Double v = metrics == null ? null : metrics.get(METRIC);
        if (v == null) {
            Arrays.fill(out, true);
            return out;
        }
        long bits = v.longValue();
        for (int k = 0; k < classes; k++) {
            out[k] = (bits & (1L << k)) != 0;
        }
        out[0] = true;
        return out;
    }
}
