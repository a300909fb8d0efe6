package org.promptseg.model.metrics;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;
import org.promptseg.model.ModelConfigException;
import org.promptseg.model.infer.VolumeShape;
import org.promptseg.volume.Volume;
import org.promptseg.volume.dataset.CaseLoader;

/**
 * Scores a predicted label map against a reference label map: Dice and HD95 (mm) per class, with
 * the definitions and empty-mask policy of this package.
 *
 * <p>Cost: one pass over the volume for counts and bounding boxes, then per class a distance
 * transform pair over the bounding box of that class in both maps only (the nearest surface voxel
 * of either mask always lies inside it, so cropping changes no distance). Memory: 4 bytes per voxel
 * of the largest such box. Stateless and thread-safe.
 */
public final class SegmentationScorer {

    private final List<String> classNames;

    /**
     * @param classNames the global class list, index = label value; entry 0 is background and is
     *                   never scored
     */
    public SegmentationScorer(List<String> classNames) {
        if (classNames == null || classNames.size() < 2 || classNames.size() > 256) {
            throw new ModelConfigException("class names", "2..256 names, background first",
                    classNames == null ? "none" : classNames.size() + " names");
        }
        Set<String> seen = new HashSet<>();
        for (String name : classNames) {
            if (name == null || name.isBlank() || !seen.add(name)) {
                throw new ModelConfigException("class names", "distinct, non-blank names", classNames);
            }
        }
        this.classNames = List.copyOf(classNames);
    }

    /**
     * Scores two volume-io label maps (uint8) of one case: they must share the shape and, within
     * {@code geometryToleranceMm} ({@code promptseg.volume.geometry-tolerance-mm}), the geometry; the
     * spacing is the reference's.
     */
    public CaseMetrics score(String caseId, Volume reference, Volume prediction, double geometryToleranceMm) {
        CaseLoader.requireSameGrid(reference, prediction, "prediction of case " + caseId, geometryToleranceMm);
        double[] zyx = reference.geometry().spacingZyx();
        return score(caseId, reference.labels(), prediction.labels(), VolumeShape.of(reference.shape()),
                new Spacing(zyx[0], zyx[1], zyx[2]));
    }

    /** Scores every foreground class (labels 1 .. classes - 1). */
    public CaseMetrics score(String caseId, byte[] reference, byte[] prediction, VolumeShape shape, Spacing spacing) {
        return score(caseId, reference, prediction, shape, spacing,
                IntStream.range(1, classNames.size()).boxed().toList());
    }

    /**
     * Scores the given labels only — e.g. the classes a center actually annotates (partial labels,
     * DESIGN §10); a class a center does not label must not be scored as "absent".
     */
    public CaseMetrics score(String caseId, byte[] reference, byte[] prediction, VolumeShape shape, Spacing spacing,
                             List<Integer> labels) {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(spacing, "spacing");
        shape.requireLength("reference labels", reference.length);
        shape.requireLength("prediction labels", prediction.length);
        for (int label : labels) {
            if (label < 1 || label >= classNames.size()) {
                throw new ModelConfigException("labels to score", "foreground labels 1.." + (classNames.size() - 1), label);
            }
        }
        LabelCensus census = LabelCensus.of(reference, prediction, shape, classNames.size());
        List<ClassMetrics> metrics = new ArrayList<>(labels.size());
        float[][] scratch = {new float[0]};
        for (int label : labels.stream().sorted().distinct().toList()) {
            metrics.add(ClassMetrics.of(label, classNames.get(label), census.referenceVoxels(label),
                    census.predictionVoxels(label), census.overlapVoxels(label),
                    () -> hd95(reference, prediction, shape, spacing, census.box(label), label, scratch)));
        }
        return new CaseMetrics(caseId, metrics);
    }

    private static double hd95(byte[] reference, byte[] prediction, VolumeShape shape, Spacing spacing, Box box,
                               int label, float[][] scratch) {
        VolumeShape cropShape = box.shape();
        boolean[] croppedReference = box.crop(reference, shape, (byte) label);
        boolean[] croppedPrediction = box.crop(prediction, shape, (byte) label);
        if (scratch[0].length < cropShape.voxelCount()) {
            scratch[0] = new float[cropShape.voxelCount()];
        }
        return SurfaceDistances.between(croppedReference, croppedPrediction, cropShape, spacing, scratch[0]).hd95();
    }
}
