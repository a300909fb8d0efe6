package org.promptseg.volume.nifti;

/** How the reader stores voxel values in memory (always the scaled values). */
public enum VoxelStorage {
    /**
     * The smallest exact type: uint8 without scaling as unsigned bytes; 8/16-bit integers whose scaled values all
     * fit int16 (the usual CT file, including uint16 with {@code scl_inter = -1024}) as int16; everything else as
     * float32.
     */
    COMPACT,
    /** Always float32. */
    FLOAT
}
