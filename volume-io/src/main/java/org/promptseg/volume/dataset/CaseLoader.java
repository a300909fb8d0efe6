package org.promptseg.volume.dataset;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.promptseg.common.Uris;
import org.promptseg.volume.Shape;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VolumeFormatException;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.VoxelArray;
import org.promptseg.volume.nifti.NiftiImage;
import org.promptseg.volume.nifti.NiftiReader;

/**
 * Reads a case's image and label and checks they belong together: same shape, and geometries within
 * {@code promptseg.volume.geometry-tolerance-mm} (corner distance). The label is returned on the image's exact
 * geometry, as unsigned bytes; a label that is not integral 0..255 is refused.
 */
public final class CaseLoader {
    private final NiftiReader reader;
    private final VolumeOptions options;

    public CaseLoader(Configuration conf, VolumeOptions options) {
        this.reader = new NiftiReader(conf, options);
        this.options = options;
    }

    /** Reads image channel 0 and, if the case is labelled, its label. */
    public LabelledCase load(CaseRef c) throws IOException {
        Volume image = readImage(c, 0);
        Volume label = c.isLabelled() ? readLabel(c.labelUri(), image) : null;
        return new LabelledCase(c.caseId(), image, label);
    }

    /** Reads the reference label of an unlabelled synthetic case (labelsTs/), for evaluating selection only. */
    public Volume loadReferenceLabel(CaseRef c, Volume image) throws IOException {
        if (c.referenceLabelUri() == null) {
            throw new IllegalArgumentException("case " + c.caseId() + " has no reference label");
        }
        return readLabel(c.referenceLabelUri(), image);
    }

    public Volume readImage(CaseRef c, int channel) throws IOException {
        CaseRef.Channel ch = c.channels().get(channel);
        NiftiImage img = ch.index() < 0 ? reader.read(Uris.toPath(ch.uri())) : reader.read(Uris.toPath(ch.uri()), ch.index());
        return img.volume();
    }

    /** Reads a label map and checks it against {@code image}'s grid. */
    public Volume readLabel(String uri, Volume image) throws IOException {
        Volume label = reader.read(Uris.toPath(uri)).volume();
        requireSameGrid(image, label, uri, options.geometryToleranceMm());
        return toUnsignedBytes(label, uri).withGeometry(image.geometry());
    }

    /** Fails unless {@code other} has {@code image}'s shape and (within {@code tolMm}) its geometry. */
    public static void requireSameGrid(Volume image, Volume other, String otherUri, double tolMm) {
        Shape a = image.shape();
        Shape b = other.shape();
        if (!a.equals(b)) {
            throw new VolumeFormatException(otherUri, "dim", "shape " + b + " differs from the image's " + a);
        }
        double d = image.geometry().maxCornerDistanceMm(other.geometry(), a);
        if (d > tolMm) {
            throw new VolumeFormatException(otherUri, "affine", String.format(java.util.Locale.ROOT,
                    "places the grid up to %.4g mm away from the image's (tolerance promptseg.volume.geometry-tolerance-mm = %s)", d, tolMm));
        }
    }

    /** The label values as unsigned bytes; any value that is not a whole number 0..255 is an error naming the file. */
    public static Volume toUnsignedBytes(Volume label, String uri) {
        if (label.voxels() instanceof VoxelArray.UnsignedBytes) {
            return label;
        }
        VoxelArray v = label.voxels();
        byte[] out = new byte[v.length()];
        for (int i = 0; i < out.length; i++) {
            float f = v.get(i);
            if (!(f >= 0 && f <= 255 && f == Math.rint(f))) {
                throw new VolumeFormatException(uri, "data", "label value " + f + " at voxel " + i + ": expected whole numbers 0..255");
            }
            out[i] = (byte) (int) f;
        }
        return Volume.ofLabels(label.shape(), label.geometry(), out);
    }
}
