package org.promptseg.model.infer;

import org.promptseg.model.ModelConfigException;

/**
 * A {@link ProbabilitySink} that keeps every class's whole probability volume in memory: for small
 * volumes, tests and reports. For a full CT this is {@code classes x voxels} floats; stream the planes
 * elsewhere instead.
 */
public final class ProbabilityVolume implements ProbabilitySink {

    private final VolumeShape shape;
    private final float[][] classes;
    private int nextPlane;

    public ProbabilityVolume(VolumeShape shape, int numClasses) {
        if (numClasses < 1) {
            throw new ModelConfigException("probability volume classes", "at least 1", numClasses);
        }
        this.shape = shape;
        this.classes = new float[numClasses][shape.voxelCount()];
    }

    @Override
    public void acceptPlane(int z, float[][] classPlanes) {
        if (z != nextPlane || classPlanes.length != classes.length) {
            throw new IllegalStateException("plane " + z + " with " + classPlanes.length + " classes: expected plane "
                    + nextPlane + " with " + classes.length);
        }
        for (int c = 0; c < classes.length; c++) {
            System.arraycopy(classPlanes[c], 0, classes[c], z * shape.planeSize(), shape.planeSize());
        }
        nextPlane++;
    }

    public VolumeShape shape() {
        return shape;
    }

    public int numClasses() {
        return classes.length;
    }

    /** Probability of class {@code c} over the volume, (z, y, x) with x fastest; the live array, not a copy. */
    public float[] classVolume(int c) {
        return classes[c];
    }

    public float probability(int c, int z, int y, int x) {
        return classes[c][(z * shape.height() + y) * shape.width() + x];
    }

    /** True once every plane arrived. */
    public boolean isComplete() {
        return nextPlane == shape.depth();
    }
}
