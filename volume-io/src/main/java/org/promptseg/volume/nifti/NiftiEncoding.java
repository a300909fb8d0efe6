package org.promptseg.volume.nifti;

import java.nio.ByteOrder;
import java.util.Objects;

/**
 * How the writer stores a volume: datatype, scaling (stored = (value - scl_inter) / scl_slope), the qform/sform
 * codes, byte order and NIfTI version. {@link #preserving} keeps everything a file had, including — when the geometry
 * is unchanged — its exact qform/sform/pixdim fields and the uninterpreted extras; free text is kept only if the
 * writer is configured to keep it.
 *
 * @param template header the encoding was derived from, or null for a fresh file
 */
public record NiftiEncoding(NiftiDatatype datatype, double sclSlope, double sclInter, int qformCode, int sformCode,
                            ByteOrder byteOrder, int version, NiftiHeader template) {
    /** {@code NIFTI_XFORM_SCANNER_ANAT}: coordinates of the scanner, the code for CT volumes made from DICOM. */
    public static final int XFORM_SCANNER_ANAT = 1;

    public NiftiEncoding {
        Objects.requireNonNull(datatype, "datatype");
        Objects.requireNonNull(byteOrder, "byteOrder");
        if (version != 1 && version != 2) {
            throw new IllegalArgumentException("NIfTI version must be 1 or 2, got " + version);
        }
        if (!Double.isFinite(sclSlope) || !Double.isFinite(sclInter)) {
            throw new IllegalArgumentException("scl_slope/scl_inter must be finite, got " + sclSlope + "/" + sclInter);
        }
    }

    /** A fresh NIfTI-1 little-endian encoding with no scaling and both codes "scanner anatomical". */
    public static NiftiEncoding of(NiftiDatatype datatype) {
        return new NiftiEncoding(datatype, 1, 0, XFORM_SCANNER_ANAT, XFORM_SCANNER_ANAT, ByteOrder.LITTLE_ENDIAN, 1, null);
    }

    /** Everything as in {@code header} (datatype, scaling, codes, byte order, version). */
    public static NiftiEncoding preserving(NiftiHeader header) {
        return new NiftiEncoding(header.datatype(), header.effectiveSlope(), header.effectiveInter(), header.qformCode(),
                header.sformCode(), header.byteOrder(), header.version(), header);
    }

    /** Another datatype, without scaling (the old scaling was chosen for the old datatype). */
    public NiftiEncoding withDatatype(NiftiDatatype d) {
        return new NiftiEncoding(d, 1, 0, qformCode, sformCode, byteOrder, version, template);
    }

    public NiftiEncoding withScaling(double slope, double inter) {
        return new NiftiEncoding(datatype, slope, inter, qformCode, sformCode, byteOrder, version, template);
    }

    public NiftiEncoding withByteOrder(ByteOrder order) {
        return new NiftiEncoding(datatype, sclSlope, sclInter, qformCode, sformCode, order, version, template);
    }

    public NiftiEncoding withVersion(int v) {
        return new NiftiEncoding(datatype, sclSlope, sclInter, qformCode, sformCode, byteOrder, v, template);
    }

    public NiftiEncoding withCodes(int qform, int sform) {
        return new NiftiEncoding(datatype, sclSlope, sclInter, qform, sform, byteOrder, version, template);
    }

    /** slope 1 and intercept 0. */
    public boolean identityScaling() {
        return sclSlope == 1.0 && sclInter == 0.0;
    }
}
