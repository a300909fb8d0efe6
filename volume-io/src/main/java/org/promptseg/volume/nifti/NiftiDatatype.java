package org.promptseg.volume.nifti;

import java.util.Locale;

/** The NIfTI datatypes promptseg reads and writes (the {@code datatype} header field). */
public enum NiftiDatatype {
    UINT8(2, 8, true, 0, 255),
    INT16(4, 16, true, Short.MIN_VALUE, Short.MAX_VALUE),
    INT32(8, 32, true, Integer.MIN_VALUE, Integer.MAX_VALUE),
    FLOAT32(16, 32, false, -Float.MAX_VALUE, Float.MAX_VALUE),
    FLOAT64(64, 64, false, -Double.MAX_VALUE, Double.MAX_VALUE),
    INT8(256, 8, true, Byte.MIN_VALUE, Byte.MAX_VALUE),
    UINT16(512, 16, true, 0, 65535),
    UINT32(768, 32, true, 0, 4294967295.0),
    INT64(1024, 64, true, Long.MIN_VALUE, Long.MAX_VALUE);

    private final int code;
    private final int bitpix;
    private final boolean integer;
    private final double min;
    private final double max;

    NiftiDatatype(int code, int bitpix, boolean integer, double min, double max) {
        this.code = code;
        this.bitpix = bitpix;
        this.integer = integer;
        this.min = min;
        this.max = max;
    }

    public int code() {
        return code;
    }

    public int bitpix() {
        return bitpix;
    }

    public int bytesPerVoxel() {
        return bitpix / 8;
    }

    public boolean isInteger() {
        return integer;
    }

    /** Smallest raw (stored) value. */
    public double min() {
        return min;
    }

    /** Largest raw (stored) value. */
    public double max() {
        return max;
    }

    /** Lower-case name as used on the command line and in {@code volume info}: uint8, int16, float32, ... */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The datatype with this header code, or null if promptseg does not support it. */
    public static NiftiDatatype ofCode(int code) {
        for (NiftiDatatype d : values()) {
            if (d.code == code) {
                return d;
            }
        }
        return null;
    }

    /** Parses a label such as {@code int16} (case-insensitive). */
    public static NiftiDatatype parse(String label) {
        for (NiftiDatatype d : values()) {
            if (d.label().equalsIgnoreCase(label == null ? "" : label.trim())) {
                return d;
            }
        }
        throw new IllegalArgumentException("datatype '" + label + "': expected one of uint8, int8, int16, uint16, int32, uint32, int64, float32, float64");
    }

    /** Name of a NIfTI datatype code for messages, including codes promptseg does not support. */
    static String describeCode(int code) {
        NiftiDatatype d = ofCode(code);
        if (d != null) {
            return d.label();
        }
        return switch (code) {
            case 0 -> "unknown (0)";
            case 1 -> "binary (1)";
            case 32 -> "complex64 (32)";
            case 128 -> "rgb24 (128)";
            case 1280 -> "uint64 (1280)";
            case 1536 -> "float128 (1536)";
            case 1792 -> "complex128 (1792)";
            case 2048 -> "complex256 (2048)";
            case 2304 -> "rgba32 (2304)";
            default -> "code " + code;
        };
    }
}
