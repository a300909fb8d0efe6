package org.promptseg.volume.nifti;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.promptseg.volume.VoxelArray;

/**
 * Turns the raw voxel bytes of one channel into a {@link VoxelArray} of scaled values, streaming: bytes go through one
 * reusable buffer straight into the destination primitive array (bulk {@code ByteBuffer} views for the common
 * 16-bit and float cases), never through a whole-file byte[].
 */
final class VoxelDecoder {
    enum Plan { BYTES, SHORTS, FLOATS }

    private VoxelDecoder() {}

    static Plan plan(NiftiHeader h, VoxelStorage storage) {
        if (storage == VoxelStorage.FLOAT) {
            return Plan.FLOATS;
        }
        NiftiDatatype d = h.datatype();
        if (d == NiftiDatatype.UINT8 && !h.hasScaling()) {
            return Plan.BYTES;
        }
        boolean small = d == NiftiDatatype.INT8 || d == NiftiDatatype.UINT8 || d == NiftiDatatype.INT16 || d == NiftiDatatype.UINT16;
        return small && integralScaling(h) ? Plan.SHORTS : Plan.FLOATS;
    }

    /** Bytes per voxel the plan allocates (the int16 plan may fall back to float after reading; counted as 2). */
    static int bytesPerVoxel(Plan p) {
        return switch (p) {
            case BYTES -> 1;
            case SHORTS -> 2;
            case FLOATS -> 4;
        };
    }

    private static boolean integralScaling(NiftiHeader h) {
        double s = h.effectiveSlope();
        double i = h.effectiveInter();
        return s == Math.rint(s) && i == Math.rint(i) && Math.abs(s) <= 65536 && Math.abs(i) <= 65536;
    }

    /**
     * Decodes {@code voxels} voxels from {@code in}. {@code done}/{@code total} are the byte position of this channel
     * in the data and the declared data size, for truncation messages.
     */
    static VoxelArray decode(InputStream in, NiftiHeader h, Plan plan, int voxels, byte[] buf, String location, long done, long total) throws IOException {
        return switch (plan) {
            case BYTES -> {
                byte[] out = new byte[voxels];
                CompressedStreams.readFully(in, out, 0, voxels, location, "data", done, total);
                yield new VoxelArray.UnsignedBytes(out);
            }
            case SHORTS -> decodeShorts(in, h, voxels, buf, location, done, total);
            case FLOATS -> new VoxelArray.Floats(decodeFloats(in, h, voxels, buf, location, done, total));
        };
    }

    private static VoxelArray decodeShorts(InputStream in, NiftiHeader h, int voxels, byte[] buf, String location, long done, long total) throws IOException {
        NiftiDatatype d = h.datatype();
        int bpv = d.bytesPerVoxel();
        short[] raw = new short[voxels];
        int perChunk = buf.length / bpv;
        long pos = done;
        for (int i = 0; i < voxels; ) {
            int n = Math.min(perChunk, voxels - i);
            CompressedStreams.readFully(in, buf, 0, n * bpv, location, "data", pos, total);
            pos += (long) n * bpv;
            if (bpv == 2) {
                ByteBuffer.wrap(buf, 0, n * 2).order(h.byteOrder()).asShortBuffer().get(raw, i, n);
            } else if (d == NiftiDatatype.INT8) {
                for (int k = 0; k < n; k++) {
                    raw[i + k] = buf[k];
                }
            } else {
                for (int k = 0; k < n; k++) {
                    raw[i + k] = (short) (buf[k] & 0xff);
                }
            }
            i += n;
        }
        boolean unsigned16 = d == NiftiDatatype.UINT16;
        if (!unsigned16 && !h.hasScaling()) {
            return new VoxelArray.Shorts(raw); // int8/int16 values fit as they are: no range scan needed
        }
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (short s : raw) {
            int v = unsigned16 ? s & 0xffff : s;
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
        }
        long slope = (long) h.effectiveSlope();
        long inter = (long) h.effectiveInter();
        long lo = Math.min(slope * min + inter, slope * max + inter);
        long hi = Math.max(slope * min + inter, slope * max + inter);
        if (lo >= Short.MIN_VALUE && hi <= Short.MAX_VALUE) {
            if (slope != 1 || inter != 0 || unsigned16) {
                for (int k = 0; k < voxels; k++) {
                    int v = unsigned16 ? raw[k] & 0xffff : raw[k];
                    raw[k] = (short) (slope * v + inter);
                }
            }
            return new VoxelArray.Shorts(raw);
        }
        float[] out = new float[voxels];
        for (int k = 0; k < voxels; k++) {
            int v = unsigned16 ? raw[k] & 0xffff : raw[k];
            out[k] = (float) (slope * (double) v + inter);
        }
        return new VoxelArray.Floats(out);
    }

    private static float[] decodeFloats(InputStream in, NiftiHeader h, int voxels, byte[] buf, String location, long done, long total) throws IOException {
        NiftiDatatype d = h.datatype();
        ByteOrder order = h.byteOrder();
        int bpv = d.bytesPerVoxel();
        double slope = h.effectiveSlope();
        double inter = h.effectiveInter();
        boolean scaled = h.hasScaling();
        float[] out = new float[voxels];
        int perChunk = buf.length / bpv;
        long pos = done;
        for (int i = 0; i < voxels; ) {
            int n = Math.min(perChunk, voxels - i);
            CompressedStreams.readFully(in, buf, 0, n * bpv, location, "data", pos, total);
            pos += (long) n * bpv;
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, n * bpv).order(order);
            switch (d) {
                case FLOAT32 -> {
                    bb.asFloatBuffer().get(out, i, n);
                    if (scaled) {
                        for (int k = i; k < i + n; k++) {
                            out[k] = (float) (slope * out[k] + inter);
                        }
                    }
                }
                case FLOAT64 -> {
                    for (int k = 0; k < n; k++) {
                        out[i + k] = (float) (slope * bb.getDouble(8 * k) + inter);
                    }
                }
                case INT8 -> {
                    for (int k = 0; k < n; k++) {
                        out[i + k] = (float) (slope * buf[k] + inter);
                    }
                }
                case UINT8 -> {
                    for (int k = 0; k < n; k++) {
                        out[i + k] = (float) (slope * (buf[k] & 0xff) + inter);
                    }
                }
                case INT16 -> {
                    for (int k = 0; k < n; k++) {
                        out[i + k] = (float) (slope * bb.getShort(2 * k) + inter);
                    }
                }
                case UINT16 -> {
                    for (int k = 0; k < n; k++) {
                        out[i + k] = (float) (slope * (bb.getShort(2 * k) & 0xffff) + inter);
                    }
                }
                case INT32 -> {
                    for (int k = 0; k < n; k++) {
                        out[i + k] = (float) (slope * bb.getInt(4 * k) + inter);
                    }
                }
                case UINT32 -> {
                    for (int k = 0; k < n; k++) {
                        out[i + k] = (float) (slope * (bb.getInt(4 * k) & 0xffffffffL) + inter);
                    }
                }
                case INT64 -> {
                    for (int k = 0; k < n; k++) {
                        out[i + k] = (float) (slope * (double) bb.getLong(8 * k) + inter);
                    }
                }
            }
            i += n;
        }
        return out;
    }
}
