package org.promptseg.model.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import org.promptseg.model.ModelConfigException;

/**
 * Dice and HD95 of one class in one case, with the voxel counts they came from.
 *
 * <p>Empty-mask policy (see {@link MaskPresence}): both empty → Dice 1, HD95 0; exactly one empty →
 * Dice 0, HD95 {@code NaN} (written as JSON {@code null}). Anything averaging HD95 must skip
 * {@code NaN} explicitly; {@link MetricsSummary} does and counts what it skipped.
 *
 * @param label            the class's value in the label maps
 * @param name             the class's name in the global class list
 * @param presence         which masks have voxels
 * @param referenceVoxels  voxels of the class in the reference (ground truth)
 * @param predictionVoxels voxels of the class in the prediction
 * @param overlapVoxels    voxels of the class in both
 * @param dice             {@code 2 |R ∩ P| / (|R| + |P|)}, in [0, 1]
 * @param hd95Mm           95th-percentile symmetric surface distance in mm, or {@code NaN} when undefined
 */
public record ClassMetrics(
        @JsonProperty("label") int label,
        @JsonProperty("name") String name,
        @JsonProperty("presence") MaskPresence presence,
        @JsonProperty("reference_voxels") long referenceVoxels,
        @JsonProperty("prediction_voxels") long predictionVoxels,
        @JsonProperty("overlap_voxels") long overlapVoxels,
        @JsonProperty("dice") double dice,
        @JsonProperty("hd95_mm")
        @JsonSerialize(using = UndefinedAsNull.Serializer.class)
        @JsonDeserialize(using = UndefinedAsNull.Deserializer.class)
        double hd95Mm) implements java.io.Serializable {

    public ClassMetrics {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(presence, "presence");
        if (referenceVoxels < 0 || predictionVoxels < 0 || overlapVoxels < 0
                || overlapVoxels > Math.min(referenceVoxels, predictionVoxels)) {
            throw new ModelConfigException("voxel counts of class " + name, "non-negative, overlap at most the smaller mask",
                    "reference " + referenceVoxels + ", prediction " + predictionVoxels + ", overlap " + overlapVoxels);
        }
    }

    /**
     * Applies the empty-mask policy to the counts; {@code hd95} is asked only when both masks have voxels.
     */
    static ClassMetrics of(int label, String name, long referenceVoxels, long predictionVoxels, long overlapVoxels,
                           DoubleSupplier hd95) {
        MaskPresence presence = referenceVoxels > 0
                ? (predictionVoxels > 0 ? MaskPresence.BOTH : MaskPresence.REFERENCE_ONLY)
                : (predictionVoxels > 0 ? MaskPresence.PREDICTION_ONLY : MaskPresence.NEITHER);
        return switch (presence) {
            case BOTH -> new ClassMetrics(label, name, presence, referenceVoxels, predictionVoxels, overlapVoxels,
                    2.0 * overlapVoxels / (referenceVoxels + predictionVoxels), hd95.getAsDouble());
            case NEITHER -> new ClassMetrics(label, name, presence, 0, 0, 0, 1.0, 0.0);
            case REFERENCE_ONLY, PREDICTION_ONLY -> new ClassMetrics(label, name, presence, referenceVoxels,
                    predictionVoxels, 0, 0.0, Double.NaN);
        };
    }

    /** False exactly when one of the two masks is empty and HD95 is therefore undefined. */
    public boolean hasHd95() {
        return !Double.isNaN(hd95Mm);
    }
}
