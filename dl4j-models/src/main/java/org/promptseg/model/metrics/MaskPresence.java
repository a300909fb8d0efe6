package org.promptseg.model.metrics;

/** Which of the two masks of a class contain any voxel: decides how Dice and HD95 are defined. */
public enum MaskPresence {
    /** Both masks have voxels: Dice and HD95 are measured. */
    BOTH,
    /** Neither has voxels: a correct "absent", Dice 1 and HD95 0. */
    NEITHER,
    /** Only the reference has voxels: a missed structure, Dice 0, HD95 undefined. */
    REFERENCE_ONLY,
    /** Only the prediction has voxels: a false detection, Dice 0, HD95 undefined. */
    PREDICTION_ONLY
}
