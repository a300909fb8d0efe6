package org.promptseg.model.cpa;

import java.io.Serializable;
import org.promptseg.model.ModelConfigException;

/**
 * The maths of contrastive prototype assignment (PUNet's CPA, SEED-METHODS §1), read from
 * {@code promptseg.pretrain.cpa.*}: every error names its configuration key.
 *
 * @param prototypes          prototypes per image (fewer if the coarse seeding grid has fewer cells)
 * @param studentTemperature  temperature of the student's assignment softmax (PUNet 0.066)
 * @param teacherTemperature  temperature of the teacher's assignment and of the k-means assignments, sharper (PUNet 0.033)
 * @param kmeansIterations    soft k-means refinements of the seeded prototypes (PUNet 3)
 * @param spatialFwhm         full width at half maximum of the Gaussian spatial weight of the k-means, in patch voxels
 * @param featureStride       the decoder features are average-pooled by this factor per axis before the loss (PUNet 2)
 * @param matchDistance       a student position is matched to the nearest teacher position if it is at most this far, in patch voxels
 * @param weight              weight of the CPA term next to the segmentation loss
 */
public record CpaSettings(int prototypes, double studentTemperature, double teacherTemperature, int kmeansIterations, double spatialFwhm,
                          int featureStride, double matchDistance, double weight) implements Serializable {
    private static final String KEY = "promptseg.pretrain.cpa.";

    public CpaSettings {
        if (prototypes < 2) {
            throw new ModelConfigException(KEY + "prototypes", "at least 2 prototypes per image", prototypes);
        }
        if (!(studentTemperature > 0)) {
            throw new ModelConfigException(KEY + "temperatures.student", "a temperature > 0", studentTemperature);
        }
        if (!(teacherTemperature > 0)) {
            throw new ModelConfigException(KEY + "temperatures.teacher", "a temperature > 0", teacherTemperature);
        }
        if (kmeansIterations < 0) {
            throw new ModelConfigException(KEY + "kmeans-iterations", "a count >= 0", kmeansIterations);
        }
        if (!(spatialFwhm > 0)) {
            throw new ModelConfigException(KEY + "spatial-fwhm", "a width > 0 (patch voxels)", spatialFwhm);
        }
        if (featureStride < 1) {
            throw new ModelConfigException(KEY + "feature-stride", "a stride >= 1", featureStride);
        }
        if (!(matchDistance >= 0)) {
            throw new ModelConfigException(KEY + "match-distance", "a distance >= 0 (patch voxels)", matchDistance);
        }
        if (!(weight >= 0)) {
            throw new ModelConfigException(KEY + "weight", "a weight >= 0", weight);
        }
    }

    /** The rule behind {@code prototypes = auto}: about one prototype per 128 pooled feature positions, between 8 and 256 (PUNet's 256). */
    public static int autoPrototypes(int[] patchZyx, int featureStride) {
        long positions = 1;
        for (int p : patchZyx) {
            positions *= Math.max(1, p / featureStride);
        }
        return (int) Math.max(8, Math.min(256, positions / 128));
    }
}
