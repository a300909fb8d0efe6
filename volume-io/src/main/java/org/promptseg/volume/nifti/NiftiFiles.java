package org.promptseg.volume.nifti;

import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where the header and the voxels of a NIfTI dataset live: one {@code .nii}/{@code .nii.gz} file, or a
 * {@code .hdr}/{@code .img} pair (each possibly gzipped), named by either of its two files. Whether a file is
 * gzipped is decided from its content (the gzip magic), not its name.
 */
public record NiftiFiles(Path header, Path image) {

    /** True for names promptseg treats as NIfTI or NIfTI pair files. */
    public static boolean hasNiftiName(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".nii") || n.endsWith(".nii.gz") || n.endsWith(".hdr") || n.endsWith(".hdr.gz")
                || n.endsWith(".img") || n.endsWith(".img.gz");
    }

    public boolean isPair() {
        return !header.equals(image);
    }

    /** Finds the files for {@code path}; for a pair named by one file, the other must exist. */
    public static NiftiFiles locate(FileSystem fs, Path path) throws IOException {
        String name = path.getName();
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        String base;
        boolean namedByHeader;
        if (lower.endsWith(".hdr") || lower.endsWith(".hdr.gz")) {
            base = name.substring(0, name.length() - (lower.endsWith(".gz") ? 7 : 4));
            namedByHeader = true;
        } else if (lower.endsWith(".img") || lower.endsWith(".img.gz")) {
            base = name.substring(0, name.length() - (lower.endsWith(".gz") ? 7 : 4));
            namedByHeader = false;
        } else {
            return new NiftiFiles(path, path);
        }
        String other = namedByHeader ? "img" : "hdr";
        boolean upper = name.charAt(base.length() + 1) == Character.toUpperCase(name.charAt(base.length() + 1));
        String ext = upper ? other.toUpperCase(java.util.Locale.ROOT) : other;
        Path plain = new Path(path.getParent(), base + "." + ext);
        Path gz = new Path(path.getParent(), base + "." + ext + (upper ? ".GZ" : ".gz"));
        Path found = fs.exists(plain) ? plain : fs.exists(gz) ? gz : null;
        if (found == null) {
            throw new java.io.FileNotFoundException(path + ": the " + (namedByHeader ? "image" : "header") + " file of this NIfTI pair is missing (looked for "
                    + plain.getName() + " and " + gz.getName() + ")");
        }
        return namedByHeader ? new NiftiFiles(path, found) : new NiftiFiles(found, path);
    }
}
