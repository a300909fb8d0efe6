package org.promptseg.volume.nifti;

/**
 * Which header fields define a NIfTI file's voxel-to-world affine, in the standard's order of preference: the
 * {@code sform} rows when {@code sform_code > 0}, else the {@code qform} quaternion when {@code qform_code > 0},
 * else only the voxel sizes in {@code pixdim} (the standard's "method 1": x = pixdim[1]·i, etc., no rotation, no
 * offset). Note: nibabel's fallback for method 1 differs (it centres the grid and flips x, the Analyze convention).
 */
public enum GeometrySource {
    SFORM, QFORM, PIXDIM
}
