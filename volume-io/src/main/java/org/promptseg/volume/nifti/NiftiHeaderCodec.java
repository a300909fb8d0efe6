package org.promptseg.volume.nifti;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.promptseg.volume.Affine;
import org.promptseg.volume.Shape;
import org.promptseg.volume.VolumeFormatException;

/**
 * Binary layout of NIfTI-1 (348-byte) and NIfTI-2 (540-byte) headers: decoding with validation of every field
 * promptseg relies on, and encoding. Offsets are those of the standard's nifti1.h / nifti2.h.
 */
public final class NiftiHeaderCodec {
    public static final int NIFTI1_SIZE = 348;
    public static final int NIFTI2_SIZE = 540;
    /** Header plus the 4-byte extension flag: where a single-file writer puts the voxels. */
    public static final int NIFTI1_DATA_OFFSET = 352;
    public static final int NIFTI2_DATA_OFFSET = 544;

    private static final byte[] MAGIC1_SINGLE = {'n', '+', '1', 0};
    private static final byte[] MAGIC1_PAIR = {'n', 'i', '1', 0};
    private static final byte[] MAGIC2_SINGLE = {'n', '+', '2', 0, '\r', '\n', 0x1a, '\n'};
    private static final byte[] MAGIC2_PAIR = {'n', 'i', '2', 0, '\r', '\n', 0x1a, '\n'};

    private NiftiHeaderCodec() {}

    /** Version and byte order, told apart by {@code sizeof_hdr} (348 or 540 in the file's byte order). */
    public record Layout(int version, ByteOrder byteOrder) {
        public int headerSize() {
            return version == 1 ? NIFTI1_SIZE : NIFTI2_SIZE;
        }
    }

    /** Reads {@code sizeof_hdr} from the first 4 bytes in both byte orders. */
    public static Layout sniff(byte[] first4, String location) {
        int le = ByteBuffer.wrap(first4, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int be = ByteBuffer.wrap(first4, 0, 4).order(ByteOrder.BIG_ENDIAN).getInt();
        if (le == NIFTI1_SIZE) {
            return new Layout(1, ByteOrder.LITTLE_ENDIAN);
        }
        if (be == NIFTI1_SIZE) {
            return new Layout(1, ByteOrder.BIG_ENDIAN);
        }
        if (le == NIFTI2_SIZE) {
            return new Layout(2, ByteOrder.LITTLE_ENDIAN);
        }
        if (be == NIFTI2_SIZE) {
            return new Layout(2, ByteOrder.BIG_ENDIAN);
        }
        throw new VolumeFormatException(location, "sizeof_hdr",
                "is " + le + " (little endian) / " + be + " (big endian): expected 348 (NIfTI-1) or 540 (NIfTI-2); not a NIfTI file");
    }

    /** Decodes and validates a whole header ({@link Layout#headerSize()} bytes). */
    public static NiftiHeader decode(byte[] raw, Layout layout, String location) {
        ByteBuffer bb = ByteBuffer.wrap(raw).order(layout.byteOrder());
        NiftiHeader.Builder b = NiftiHeader.builder().version(layout.version()).byteOrder(layout.byteOrder());
        long[] dim = new long[8];
        double[] pixdim = new double[8];
        int datatypeCode;
        int bitpix;
        double voxOffset;
        if (layout.version() == 1) {
            b.pairedImageFile(magic(raw, 344, location, MAGIC1_SINGLE, MAGIC1_PAIR, "'n+1' (single file) or 'ni1' (.hdr/.img pair)"));
            for (int i = 0; i < 8; i++) {
                dim[i] = bb.getShort(40 + 2 * i);
                pixdim[i] = bb.getFloat(76 + 4 * i);
            }
            datatypeCode = bb.getShort(70);
            bitpix = bb.getShort(72);
            voxOffset = bb.getFloat(108);
            b.scaling(bb.getFloat(112), bb.getFloat(116));
            b.qformCode(bb.getShort(252)).sformCode(bb.getShort(254));
            b.quatern(bb.getFloat(256), bb.getFloat(260), bb.getFloat(264));
            b.qoffset(bb.getFloat(268), bb.getFloat(272), bb.getFloat(276));
            double[] srow = new double[12];
            for (int i = 0; i < 12; i++) {
                srow[i] = bb.getFloat(280 + 4 * i);
            }
            b.srow(srow);
            b.xyztUnits(raw[123] & 0xff);
            b.extras(new NiftiExtras(bb.getShort(68), bb.getFloat(56), bb.getFloat(60), bb.getFloat(64),
                    bb.getFloat(124), bb.getFloat(128), raw[122] & 0xff, bb.getShort(74), bb.getShort(120),
                    bb.getFloat(132), bb.getFloat(136), raw[39] & 0xff));
            b.freeText(new NiftiFreeText(text(raw, 148, 80), text(raw, 228, 24), text(raw, 328, 16)));
        } else {
            b.pairedImageFile(magic(raw, 4, location, MAGIC2_SINGLE, MAGIC2_PAIR, "'n+2' (single file) or 'ni2' (.hdr/.img pair) with the \\r\\n\\032\\n tail"));
            datatypeCode = bb.getShort(12);
            bitpix = bb.getShort(14);
            for (int i = 0; i < 8; i++) {
                dim[i] = bb.getLong(16 + 8 * i);
                pixdim[i] = bb.getDouble(104 + 8 * i);
            }
            long off = bb.getLong(168);
            voxOffset = off;
            if (off < 0) {
                throw new VolumeFormatException(location, "vox_offset", "is " + off + ": expected a byte offset >= 0");
            }
            b.scaling(bb.getDouble(176), bb.getDouble(184));
            b.qformCode(bb.getInt(344)).sformCode(bb.getInt(348));
            b.quatern(bb.getDouble(352), bb.getDouble(360), bb.getDouble(368));
            b.qoffset(bb.getDouble(376), bb.getDouble(384), bb.getDouble(392));
            double[] srow = new double[12];
            for (int i = 0; i < 12; i++) {
                srow[i] = bb.getDouble(400 + 8 * i);
            }
            b.srow(srow);
            b.xyztUnits(bb.getInt(500));
            b.extras(new NiftiExtras(bb.getInt(504), bb.getDouble(80), bb.getDouble(88), bb.getDouble(96),
                    bb.getDouble(192), bb.getDouble(200), bb.getInt(496), bb.getLong(224), bb.getLong(232),
                    bb.getDouble(208), bb.getDouble(216), raw[524] & 0xff));
            b.freeText(new NiftiFreeText(text(raw, 240, 80), text(raw, 320, 24), text(raw, 508, 16)));
        }
        validateDims(dim, location);
        b.dim(dim).pixdim(pixdim);
        NiftiDatatype datatype = NiftiDatatype.ofCode(datatypeCode);
        if (datatype == null) {
            throw new VolumeFormatException(location, "datatype", "is " + NiftiDatatype.describeCode(datatypeCode)
                    + ": expected one of uint8 (2), int8 (256), int16 (4), uint16 (512), int32 (8), uint32 (768), int64 (1024), float32 (16), float64 (64)");
        }
        if (bitpix != datatype.bitpix()) {
            throw new VolumeFormatException(location, "bitpix", "is " + bitpix + " but datatype " + datatype.label() + " has " + datatype.bitpix() + " bits per voxel");
        }
        b.datatype(datatype);
        if (!Double.isFinite(voxOffset) || voxOffset < 0 || voxOffset != Math.floor(voxOffset) || voxOffset > Long.MAX_VALUE / 2) {
            throw new VolumeFormatException(location, "vox_offset", "is " + voxOffset + ": expected a whole, non-negative byte offset");
        }
        NiftiHeader probe = b.voxOffset((long) voxOffset).build();
        if (!probe.pairedImageFile() && probe.voxOffset() < layout.headerSize()) {
            throw new VolumeFormatException(location, "vox_offset", "is " + probe.voxOffset() + ": in a single-file NIfTI-" + layout.version()
                    + " the voxels start after the " + layout.headerSize() + "-byte header");
        }
        validateGeometry(probe, location);
        return probe;
    }

    private static boolean magic(byte[] raw, int offset, String location, byte[] single, byte[] pair, String expected) {
        byte[] actual = Arrays.copyOfRange(raw, offset, offset + single.length);
        if (Arrays.equals(actual, single)) {
            return false;
        }
        if (Arrays.equals(actual, pair)) {
            return true;
        }
        throw new VolumeFormatException(location, "magic", "is 0x" + HexFormat.of().formatHex(actual) + ": expected " + expected
                + " (Analyze 7.5 files without a NIfTI magic are not supported)");
    }

    private static void validateDims(long[] dim, String location) {
        if (dim[0] < 1 || dim[0] > 7) {
            throw new VolumeFormatException(location, "dim[0]", "is " + dim[0] + ": expected the number of dimensions, 1..7");
        }
        for (int i = 1; i <= dim[0]; i++) {
            if (dim[i] < 1) {
                throw new VolumeFormatException(location, "dim[" + i + "]", "is " + dim[i] + ": expected a size >= 1");
            }
        }
        for (int i = 5; i <= dim[0]; i++) {
            if (dim[i] > 1) {
                throw new VolumeFormatException(location, "dim[" + i + "]", "is " + dim[i] + ": only 3D volumes and 4D channel stacks are supported (dim[5..7] must be 1)");
            }
        }
        long voxels = 1;
        for (int i = 1; i <= Math.min(3, dim[0]); i++) {
            if (dim[i] > Shape.MAX_VOXELS) {
                throw new VolumeFormatException(location, "dim[" + i + "]", "is " + dim[i] + ": larger than any volume promptseg can hold (" + Shape.MAX_VOXELS + " voxels)");
            }
            voxels *= dim[i];
            if (voxels > Shape.MAX_VOXELS) {
                throw new VolumeFormatException(location, "dim", "declares more than " + Shape.MAX_VOXELS + " voxels per 3D volume: larger than promptseg can hold");
            }
        }
        if (dim[0] >= 4 && dim[4] > Integer.MAX_VALUE) {
            throw new VolumeFormatException(location, "dim[4]", "is " + dim[4] + ": expected at most " + Integer.MAX_VALUE + " channels");
        }
    }

    private static void validateGeometry(NiftiHeader h, String location) {
        String[] rowNames = {"srow_x", "srow_y", "srow_z"};
        switch (h.geometrySource()) {
            case SFORM -> {
                double[] srow = h.srow();
                for (int i = 0; i < 12; i++) {
                    if (!Double.isFinite(srow[i])) {
                        throw new VolumeFormatException(location, rowNames[i / 4] + "[" + (i % 4) + "]", "is " + srow[i] + ": sform_code " + h.sformCode() + " needs a finite matrix");
                    }
                }
                requireInvertible(h.sformAffine(), location, "srow_x/srow_y/srow_z", "the sform matrix");
            }
            case QFORM -> {
                double[] q = h.quatern();
                double[] o = h.qoffset();
                String[] qn = {"quatern_b", "quatern_c", "quatern_d"};
                String[] on = {"qoffset_x", "qoffset_y", "qoffset_z"};
                for (int i = 0; i < 3; i++) {
                    if (!Double.isFinite(q[i])) {
                        throw new VolumeFormatException(location, qn[i], "is " + q[i] + ": qform_code " + h.qformCode() + " needs a finite quaternion");
                    }
                    if (!Double.isFinite(o[i])) {
                        throw new VolumeFormatException(location, on[i], "is " + o[i] + ": qform_code " + h.qformCode() + " needs a finite offset");
                    }
                }
                requirePositivePixdim(h, location, "qform_code " + h.qformCode());
                requireInvertible(h.qformAffine(), location, "quatern_b/quatern_c/quatern_d", "the qform");
            }
            case PIXDIM -> requirePositivePixdim(h, location, "with qform_code and sform_code 0 the voxel sizes alone");
        }
    }

    private static void requirePositivePixdim(NiftiHeader h, String location, String who) {
        for (int d = 1; d <= 3; d++) {
            double p = h.spatialPixdim(d);
            if (!(p > 0) || !Double.isFinite(p)) {
                throw new VolumeFormatException(location, "pixdim[" + d + "]", "is " + p + ": " + who + " define the geometry and need a positive voxel size");
            }
        }
    }

    private static void requireInvertible(Affine a, String location, String field, String what) {
        double det = a.determinant();
        if (!Double.isFinite(det) || Math.abs(det) < 1e-12) {
            throw new VolumeFormatException(location, field, what + " is singular (determinant " + det + "): no voxel-to-world mapping");
        }
    }

    private static String text(byte[] raw, int offset, int length) {
        int end = offset;
        while (end < offset + length && raw[end] != 0) {
            end++;
        }
        return new String(raw, offset, end - offset, StandardCharsets.ISO_8859_1);
    }

    /**
     * Encodes a header for a single file, followed by the 4-byte extension flag (no extensions): 352 bytes for
     * NIfTI-1, 544 for NIfTI-2. The header's {@code vox_offset} should be {@link #NIFTI1_DATA_OFFSET} /
     * {@link #NIFTI2_DATA_OFFSET}. Free text is written as given (the writer decides whether to keep it).
     */
    public static byte[] encode(NiftiHeader h) {
        return h.version() == 1 ? encode1(h) : encode2(h);
    }

    private static byte[] encode1(NiftiHeader h) {
        byte[] raw = new byte[NIFTI1_DATA_OFFSET];
        ByteBuffer bb = ByteBuffer.wrap(raw).order(h.byteOrder());
        long[] dim = h.dim();
        for (int i = 0; i < 8; i++) {
            if (dim[i] > Short.MAX_VALUE) {
                throw new IllegalArgumentException("dim[" + i + "] = " + dim[i] + " does not fit NIfTI-1 (at most 32767): write NIfTI-2");
            }
        }
        bb.putInt(0, NIFTI1_SIZE);
        raw[38] = 'r';
        NiftiExtras e = h.extras();
        raw[39] = (byte) e.dimInfo();
        double[] pixdim = h.pixdim();
        for (int i = 0; i < 8; i++) {
            bb.putShort(40 + 2 * i, (short) dim[i]);
            bb.putFloat(76 + 4 * i, (float) pixdim[i]);
        }
        bb.putFloat(56, (float) e.intentP1()).putFloat(60, (float) e.intentP2()).putFloat(64, (float) e.intentP3());
        bb.putShort(68, (short) e.intentCode());
        bb.putShort(70, (short) h.datatype().code());
        bb.putShort(72, (short) h.datatype().bitpix());
        bb.putShort(74, (short) e.sliceStart());
        bb.putFloat(108, h.voxOffset());
        bb.putFloat(112, (float) h.sclSlope()).putFloat(116, (float) h.sclInter());
        bb.putShort(120, (short) e.sliceEnd());
        raw[122] = (byte) e.sliceCode();
        raw[123] = (byte) h.xyztUnits();
        bb.putFloat(124, (float) e.calMax()).putFloat(128, (float) e.calMin());
        bb.putFloat(132, (float) e.sliceDuration()).putFloat(136, (float) e.toffset());
        NiftiFreeText t = h.freeText();
        putText(raw, 148, 80, t.descrip());
        putText(raw, 228, 24, t.auxFile());
        bb.putShort(252, (short) h.qformCode()).putShort(254, (short) h.sformCode());
        double[] q = h.quatern();
        double[] o = h.qoffset();
        for (int i = 0; i < 3; i++) {
            bb.putFloat(256 + 4 * i, (float) q[i]);
            bb.putFloat(268 + 4 * i, (float) o[i]);
        }
        double[] srow = h.srow();
        for (int i = 0; i < 12; i++) {
            bb.putFloat(280 + 4 * i, (float) srow[i]);
        }
        putText(raw, 328, 16, t.intentName());
        System.arraycopy(h.pairedImageFile() ? MAGIC1_PAIR : MAGIC1_SINGLE, 0, raw, 344, 4);
        return raw;
    }

    private static byte[] encode2(NiftiHeader h) {
        byte[] raw = new byte[NIFTI2_DATA_OFFSET];
        ByteBuffer bb = ByteBuffer.wrap(raw).order(h.byteOrder());
        bb.putInt(0, NIFTI2_SIZE);
        System.arraycopy(h.pairedImageFile() ? MAGIC2_PAIR : MAGIC2_SINGLE, 0, raw, 4, 8);
        bb.putShort(12, (short) h.datatype().code());
        bb.putShort(14, (short) h.datatype().bitpix());
        long[] dim = h.dim();
        double[] pixdim = h.pixdim();
        for (int i = 0; i < 8; i++) {
            bb.putLong(16 + 8 * i, dim[i]);
            bb.putDouble(104 + 8 * i, pixdim[i]);
        }
        NiftiExtras e = h.extras();
        bb.putDouble(80, e.intentP1()).putDouble(88, e.intentP2()).putDouble(96, e.intentP3());
        bb.putLong(168, h.voxOffset());
        bb.putDouble(176, h.sclSlope()).putDouble(184, h.sclInter());
        bb.putDouble(192, e.calMax()).putDouble(200, e.calMin());
        bb.putDouble(208, e.sliceDuration()).putDouble(216, e.toffset());
        bb.putLong(224, e.sliceStart()).putLong(232, e.sliceEnd());
        NiftiFreeText t = h.freeText();
        putText(raw, 240, 80, t.descrip());
        putText(raw, 320, 24, t.auxFile());
        bb.putInt(344, h.qformCode()).putInt(348, h.sformCode());
        double[] q = h.quatern();
        double[] o = h.qoffset();
        for (int i = 0; i < 3; i++) {
            bb.putDouble(352 + 8 * i, q[i]);
            bb.putDouble(376 + 8 * i, o[i]);
        }
        double[] srow = h.srow();
        for (int i = 0; i < 12; i++) {
            bb.putDouble(400 + 8 * i, srow[i]);
        }
        bb.putInt(496, e.sliceCode()).putInt(500, h.xyztUnits()).putInt(504, e.intentCode());
        putText(raw, 508, 16, t.intentName());
        raw[524] = (byte) e.dimInfo();
        return raw;
    }

    private static void putText(byte[] raw, int offset, int length, String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        // keep one NUL at the end, as C readers expect a terminated string
        System.arraycopy(b, 0, raw, offset, Math.min(b.length, length - 1));
    }
}
