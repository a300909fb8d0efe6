package org.promptseg.volume.nifti;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * NIfTI files assembled byte by byte from the standard's header layout (nifti1.h, nifti2.h), independently of
 * {@link NiftiHeaderCodec}: the offsets below are typed in from the standard, so a wrong offset in the codec shows up
 * as a test failure instead of being mirrored. Fields are public and mutable on purpose: tests set what they check.
 */
final class HandBuiltNifti {
    ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    int version = 1;
    boolean pair;
    long[] dim = {3, 1, 1, 1, 1, 1, 1, 1};
    double[] pixdim = {1, 1, 1, 1, 0, 0, 0, 0};
    int datatype = 4;
    int bitpix = 16;
    long voxOffset = -1; // -1: right after the header and extension flag
    double sclSlope = 1;
    double sclInter;
    int qformCode;
    int sformCode;
    double[] quatern = new double[3];
    double[] qoffset = new double[3];
    double[] srow = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0};
    int xyztUnits = 10;
    String descrip = "";
    String auxFile = "";
    String intentName = "";
    byte[] magic;
    int sizeofHdr = -1;
    /** Raw voxel bytes, already in the file's byte order. */
    byte[] data = new byte[0];

    static HandBuiltNifti int16(ByteOrder order, int nx, int ny, int nz, short... values) {
        HandBuiltNifti f = new HandBuiltNifti();
        f.order = order;
        f.dim = new long[] {3, nx, ny, nz, 1, 1, 1, 1};
        f.datatype = 4;
        f.bitpix = 16;
        ByteBuffer bb = ByteBuffer.allocate(values.length * 2).order(order);
        for (short v : values) {
            bb.putShort(v);
        }
        f.data = bb.array();
        return f;
    }

    int headerSize() {
        return version == 1 ? 348 : 540;
    }

    long dataOffset() {
        return voxOffset >= 0 ? voxOffset : (pair ? 0 : headerSize() + 4);
    }

    /** The header (with the 4-byte extension flag for single files). */
    byte[] headerBytes() {
        int size = pair ? headerSize() : headerSize() + 4;
        ByteBuffer b = ByteBuffer.allocate(size).order(order);
        if (version == 1) {
            b.putInt(0, sizeofHdr >= 0 ? sizeofHdr : 348);
            b.put(38, (byte) 'r');
            for (int i = 0; i < 8; i++) {
                b.putShort(40 + 2 * i, (short) dim[i]);
                b.putFloat(76 + 4 * i, (float) pixdim[i]);
            }
            b.putShort(70, (short) datatype);
            b.putShort(72, (short) bitpix);
            b.putFloat(108, dataOffset());
            b.putFloat(112, (float) sclSlope);
            b.putFloat(116, (float) sclInter);
            b.put(123, (byte) xyztUnits);
            text(b, 148, 80, descrip);
            text(b, 228, 24, auxFile);
            b.putShort(252, (short) qformCode);
            b.putShort(254, (short) sformCode);
            for (int i = 0; i < 3; i++) {
                b.putFloat(256 + 4 * i, (float) quatern[i]);
                b.putFloat(268 + 4 * i, (float) qoffset[i]);
            }
            for (int i = 0; i < 12; i++) {
                b.putFloat(280 + 4 * i, (float) srow[i]);
            }
            text(b, 328, 16, intentName);
            byte[] m = magic != null ? magic : (pair ? new byte[] {'n', 'i', '1', 0} : new byte[] {'n', '+', '1', 0});
            for (int i = 0; i < m.length; i++) {
                b.put(344 + i, m[i]);
            }
        } else {
            b.putInt(0, sizeofHdr >= 0 ? sizeofHdr : 540);
            byte[] m = magic != null ? magic : (pair ? new byte[] {'n', 'i', '2', 0, 13, 10, 26, 10} : new byte[] {'n', '+', '2', 0, 13, 10, 26, 10});
            for (int i = 0; i < m.length; i++) {
                b.put(4 + i, m[i]);
            }
            b.putShort(12, (short) datatype);
            b.putShort(14, (short) bitpix);
            for (int i = 0; i < 8; i++) {
                b.putLong(16 + 8 * i, dim[i]);
                b.putDouble(104 + 8 * i, pixdim[i]);
            }
            b.putLong(168, dataOffset());
            b.putDouble(176, sclSlope);
            b.putDouble(184, sclInter);
            text(b, 240, 80, descrip);
            text(b, 320, 24, auxFile);
            b.putInt(344, qformCode);
            b.putInt(348, sformCode);
            for (int i = 0; i < 3; i++) {
                b.putDouble(352 + 8 * i, quatern[i]);
                b.putDouble(376 + 8 * i, qoffset[i]);
            }
            for (int i = 0; i < 12; i++) {
                b.putDouble(400 + 8 * i, srow[i]);
            }
            b.putInt(500, xyztUnits);
            text(b, 508, 16, intentName);
        }
        return b.array();
    }

    /** A single file: header, extension flag, padding up to vox_offset, data. */
    byte[] singleFile() {
        byte[] h = headerBytes();
        long off = dataOffset();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(h, 0, h.length);
        for (long i = h.length; i < off; i++) {
            out.write(0);
        }
        out.write(data, 0, data.length);
        return out.toByteArray();
    }

    /** The .img part of a pair: padding up to vox_offset, then data. */
    byte[] imageFile() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long i = 0; i < dataOffset(); i++) {
            out.write(0);
        }
        out.write(data, 0, data.length);
        return out.toByteArray();
    }

    static byte[] gzip(byte[] bytes) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(bos)) {
                gz.write(bytes);
            }
            return bos.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void text(ByteBuffer b, int offset, int max, String s) {
        byte[] t = s.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < Math.min(t.length, max); i++) {
            b.put(offset + i, t[i]);
        }
    }
}
