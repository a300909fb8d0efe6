package org.promptseg.model.metrics;

import org.promptseg.model.infer.VolumeShape;

/**
 * Symmetric surface distances between two non-empty binary masks on the same grid, and the HD95
 * derived from them (definition in the package documentation).
 */
final class SurfaceDistances {

    static final double HD_PERCENTILE = 95;

    private final double[] referenceToPrediction;
    private final double[] predictionToReference;

    private SurfaceDistances(double[] referenceToPrediction, double[] predictionToReference) {
        this.referenceToPrediction = referenceToPrediction;
        this.predictionToReference = predictionToReference;
    }

    /**
     * @param scratch a float array of at least {@code shape.voxelCount()} values, reused between calls
     */
    static SurfaceDistances between(boolean[] reference, boolean[] prediction, VolumeShape shape, Spacing spacing,
                                    float[] scratch) {
        int[] referenceSurface = Surface.voxels(reference, shape);
        int[] predictionSurface = Surface.voxels(prediction, shape);
        if (referenceSurface.length == 0 || predictionSurface.length == 0) {
            throw new IllegalArgumentException("surface distances need two non-empty masks");
        }
        EuclideanDistanceTransform edt = new EuclideanDistanceTransform(shape, spacing);
        edt.squaredDistances(Surface.asMask(predictionSurface, shape.voxelCount()), scratch);
        double[] toPrediction = lookUp(scratch, referenceSurface);
        edt.squaredDistances(Surface.asMask(referenceSurface, shape.voxelCount()), scratch);
        double[] toReference = lookUp(scratch, predictionSurface);
        return new SurfaceDistances(toPrediction, toReference);
    }

    private static double[] lookUp(float[] squared, int[] voxels) {
        double[] distances = new double[voxels.length];
        for (int i = 0; i < voxels.length; i++) {
            distances[i] = Math.sqrt(squared[voxels[i]]);
        }
        return distances;
    }

    /** Distance (mm) from each reference surface voxel to the prediction's surface, in voxel order. */
    double[] referenceToPrediction() {
        return referenceToPrediction.clone();
    }

    /** Distance (mm) from each prediction surface voxel to the reference's surface, in voxel order. */
    double[] predictionToReference() {
        return predictionToReference.clone();
    }

    /** The larger of the two directed 95th percentiles, in mm. */
    double hd95() {
        return Math.max(Percentile.linear(referenceToPrediction(), HD_PERCENTILE),
                Percentile.linear(predictionToReference(), HD_PERCENTILE));
    }
}
