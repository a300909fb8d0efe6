package org.promptseg.model.metrics;

import org.promptseg.model.ModelConfigException;

/** Voxel size along z, y and x in millimetres. */
public record Spacing(double z, double y, double x) {

    public Spacing {
        requirePositive("spacing z", z);
        requirePositive("spacing y", y);
        requirePositive("spacing x", x);
    }

    public static Spacing isotropic(double mm) {
        return new Spacing(mm, mm, mm);
    }

    private static void requirePositive(String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new ModelConfigException(field, "a positive, finite voxel size in mm", value);
        }
    }
}
