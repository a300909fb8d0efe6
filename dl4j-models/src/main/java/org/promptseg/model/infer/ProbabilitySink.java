package org.promptseg.model.infer;

/**
 * Receives per-class probabilities as the z-planes of a volume become final, so that callers can
 * write them out (or reduce them) without holding {@code classes x voxels} floats at once.
 */
@FunctionalInterface
public interface ProbabilitySink {

    /**
     * Called once per z-plane, in increasing z from 0 to depth - 1.
     *
     * @param z           the plane
     * @param classPlanes {@code classPlanes[c][y * width + x]} = probability of class c; the arrays are
     *                    reused for the next plane, so copy what you keep
     */
    void acceptPlane(int z, float[][] classPlanes);
}
