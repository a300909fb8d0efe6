package org.promptseg.volume.nifti;

import java.io.Serializable;

/**
 * Header fields promptseg carries through a read-write round trip but does not interpret: intent code and
 * parameters, display range, slice timing, time offset and the frequency/phase/slice dimension byte.
 */
public record NiftiExtras(
        int intentCode, double intentP1, double intentP2, double intentP3,
        double calMax, double calMin,
        int sliceCode, long sliceStart, long sliceEnd, double sliceDuration,
        double toffset, int dimInfo) implements Serializable {
    public static final NiftiExtras NONE = new NiftiExtras(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
