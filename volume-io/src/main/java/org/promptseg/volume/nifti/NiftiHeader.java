package org.promptseg.volume.nifti;

import java.io.Serializable;
import java.nio.ByteOrder;
import java.util.Objects;
import org.promptseg.volume.Affine;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.Shape;

/**
 * A decoded, validated NIfTI-1 or NIfTI-2 header. Only {@link NiftiHeaderCodec#decode} and {@link Builder} make
 * one; decoding checks every field promptseg relies on, so the derived values ({@link #shape()},
 * {@link #geometry()}, ...) are always defined.
 *
 * <p>Field names follow the standard: {@code dim[0]} is the number of dimensions, {@code dim[1..3]} are the sizes
 * along i, j, k (= x, y, z), {@code dim[4]} the number of channels/time points.
 */
public final class NiftiHeader implements Serializable {
    private static final long serialVersionUID = 1L;

    /** {@code xyzt_units}: millimetres and seconds, what the writer puts by default. */
    public static final int UNITS_MM_SEC = 2 | 8;

    private final int version;
    private final ByteOrder byteOrder;
    private final boolean pairedImageFile;
    private final long[] dim;
    private final double[] pixdim;
    private final NiftiDatatype datatype;
    private final long voxOffset;
    private final double sclSlope;
    private final double sclInter;
    private final int qformCode;
    private final int sformCode;
    private final double[] quatern;
    private final double[] qoffset;
    private final double[] srow;
    private final int xyztUnits;
    private final NiftiExtras extras;
    private final transient NiftiFreeText freeText;

    private NiftiHeader(Builder b) {
        this.version = b.version;
        this.byteOrder = b.byteOrder == ByteOrder.BIG_ENDIAN ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        this.pairedImageFile = b.pairedImageFile;
        this.dim = b.dim.clone();
        this.pixdim = b.pixdim.clone();
        this.datatype = Objects.requireNonNull(b.datatype, "datatype");
        this.voxOffset = b.voxOffset;
        this.sclSlope = b.sclSlope;
        this.sclInter = b.sclInter;
        this.qformCode = b.qformCode;
        this.sformCode = b.sformCode;
        this.quatern = b.quatern.clone();
        this.qoffset = b.qoffset.clone();
        this.srow = b.srow.clone();
        this.xyztUnits = b.xyztUnits;
        this.extras = b.extras;
        this.freeText = b.freeText;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.version = version;
        b.byteOrder = byteOrder;
        b.pairedImageFile = pairedImageFile;
        b.dim = dim.clone();
        b.pixdim = pixdim.clone();
        b.datatype = datatype;
        b.voxOffset = voxOffset;
        b.sclSlope = sclSlope;
        b.sclInter = sclInter;
        b.qformCode = qformCode;
        b.sformCode = sformCode;
        b.quatern = quatern.clone();
        b.qoffset = qoffset.clone();
        b.srow = srow.clone();
        b.xyztUnits = xyztUnits;
        b.extras = extras;
        b.freeText = freeText;
        return b;
    }

    /** 1 or 2. */
    public int version() {
        return version;
    }

    public ByteOrder byteOrder() {
        return byteOrder;
    }

    /** True for a {@code .hdr}/{@code .img} pair (magic {@code ni1}/{@code ni2}). */
    public boolean pairedImageFile() {
        return pairedImageFile;
    }

    public long[] dim() {
        return dim.clone();
    }

    public double[] pixdim() {
        return pixdim.clone();
    }

    public NiftiDatatype datatype() {
        return datatype;
    }

    public long voxOffset() {
        return voxOffset;
    }

    public double sclSlope() {
        return sclSlope;
    }

    public double sclInter() {
        return sclInter;
    }

    public int qformCode() {
        return qformCode;
    }

    public int sformCode() {
        return sformCode;
    }

    /** quatern_b, quatern_c, quatern_d. */
    public double[] quatern() {
        return quatern.clone();
    }

    /** qoffset_x, qoffset_y, qoffset_z. */
    public double[] qoffset() {
        return qoffset.clone();
    }

    /** srow_x, srow_y, srow_z (12 values). */
    public double[] srow() {
        return srow.clone();
    }

    public int xyztUnits() {
        return xyztUnits;
    }

    public NiftiExtras extras() {
        return extras;
    }

    /** The free-text fields; never print them (see {@link NiftiFreeText}). Empty after Java deserialisation. */
    public NiftiFreeText freeText() {
        return freeText == null ? NiftiFreeText.EMPTY : freeText;
    }

    /** Number of dimensions ({@code dim[0]}). */
    public int rank() {
        return (int) dim[0];
    }

    /** Size along dimension {@code d} (1..7); dimensions beyond {@code dim[0]} count as 1. */
    public long size(int d) {
        return d <= dim[0] ? dim[d] : 1;
    }

    /** The 3D grid of one channel, in (z, y, x) order. */
    public Shape shape() {
        return Shape.ofXyz((int) size(1), (int) size(2), (int) size(3));
    }

    /** Number of 3D volumes in the file ({@code dim[4]}; 1 for a 3D file). */
    public int channels() {
        return (int) size(4);
    }

    public long voxelsPerChannel() {
        return size(1) * size(2) * size(3);
    }

    public long bytesPerChannel() {
        return voxelsPerChannel() * datatype.bytesPerVoxel();
    }

    /** Whether {@code scl_slope}/{@code scl_inter} change values: the standard says slope 0 (or NaN) means none. */
    public boolean hasScaling() {
        return effectiveSlope() != 1.0 || effectiveInter() != 0.0;
    }

    /** The slope applied: {@code scl_slope}, or 1 when it is 0 or not finite. */
    public double effectiveSlope() {
        return sclSlope == 0 || !Double.isFinite(sclSlope) ? 1.0 : sclSlope;
    }

    /** The intercept applied: {@code scl_inter} when the slope applies and the intercept is finite, else 0. */
    public double effectiveInter() {
        return sclSlope == 0 || !Double.isFinite(sclSlope) || !Double.isFinite(sclInter) ? 0.0 : sclInter;
    }

    /** Which fields define the geometry (standard order of preference). */
    public GeometrySource geometrySource() {
        if (sformCode > 0) {
            return GeometrySource.SFORM;
        }
        return qformCode > 0 ? GeometrySource.QFORM : GeometrySource.PIXDIM;
    }

    /** The voxel-to-world geometry from the preferred source. */
    public Geometry geometry() {
        return new Geometry(switch (geometrySource()) {
            case SFORM -> sformAffine();
            case QFORM -> qformAffine();
            case PIXDIM -> pixdimAffine();
        });
    }

    public Affine sformAffine() {
        return Affine.ofRows(srow);
    }

    public Affine qformAffine() {
        return Quaternions.toAffine(quatern[0], quatern[1], quatern[2], qoffset[0], qoffset[1], qoffset[2],
                spatialPixdim(1), spatialPixdim(2), spatialPixdim(3), pixdim[0]);
    }

    /** The standard's method 1: scaling by the voxel sizes only. */
    public Affine pixdimAffine() {
        return Affine.scaling(spatialPixdim(1), spatialPixdim(2), spatialPixdim(3));
    }

    /** pixdim[d] for a spatial axis; axes beyond dim[0] (a 2D image's k) have no size of their own and count as 1 mm. */
    double spatialPixdim(int d) {
        return d > dim[0] && !(pixdim[d] > 0 && Double.isFinite(pixdim[d])) ? 1.0 : pixdim[d];
    }

    @Override
    public String toString() {
        // no free text here, on purpose
        return "NiftiHeader[nifti-" + version + ", " + byteOrder + ", " + datatype.label() + ", shape " + shape()
                + ", channels " + channels() + ", qform_code " + qformCode + ", sform_code " + sformCode + "]";
    }

    /** Builds headers for writing and decoding. Defaults: NIfTI-1, little endian, 1x1x1 float32, unit pixdim. */
    public static final class Builder {
        private int version = 1;
        private ByteOrder byteOrder = ByteOrder.LITTLE_ENDIAN;
        private boolean pairedImageFile;
        private long[] dim = {3, 1, 1, 1, 1, 1, 1, 1};
        private double[] pixdim = {1, 1, 1, 1, 1, 1, 1, 1};
        private NiftiDatatype datatype = NiftiDatatype.FLOAT32;
        private long voxOffset = 352;
        private double sclSlope = 1;
        private double sclInter;
        private int qformCode;
        private int sformCode;
        private double[] quatern = new double[3];
        private double[] qoffset = new double[3];
        private double[] srow = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0};
        private int xyztUnits = UNITS_MM_SEC;
        private NiftiExtras extras = NiftiExtras.NONE;
        private NiftiFreeText freeText = NiftiFreeText.EMPTY;

        private Builder() {}

        public Builder version(int v) {
            this.version = v;
            return this;
        }

        public Builder byteOrder(ByteOrder order) {
            this.byteOrder = order;
            return this;
        }

        public Builder pairedImageFile(boolean paired) {
            this.pairedImageFile = paired;
            return this;
        }

        public Builder dim(long[] dim8) {
            if (dim8.length != 8) {
                throw new IllegalArgumentException("dim needs 8 values");
            }
            this.dim = dim8.clone();
            return this;
        }

        public Builder pixdim(double[] pixdim8) {
            if (pixdim8.length != 8) {
                throw new IllegalArgumentException("pixdim needs 8 values");
            }
            this.pixdim = pixdim8.clone();
            return this;
        }

        public Builder datatype(NiftiDatatype d) {
            this.datatype = d;
            return this;
        }

        public Builder voxOffset(long offset) {
            this.voxOffset = offset;
            return this;
        }

        public Builder scaling(double slope, double inter) {
            this.sclSlope = slope;
            this.sclInter = inter;
            return this;
        }

        public Builder qformCode(int code) {
            this.qformCode = code;
            return this;
        }

        public Builder sformCode(int code) {
            this.sformCode = code;
            return this;
        }

        public Builder quatern(double b, double c, double d) {
            this.quatern = new double[] {b, c, d};
            return this;
        }

        public Builder qoffset(double x, double y, double z) {
            this.qoffset = new double[] {x, y, z};
            return this;
        }

        public Builder srow(double[] rows12) {
            if (rows12.length != 12) {
                throw new IllegalArgumentException("srow needs 12 values");
            }
            this.srow = rows12.clone();
            return this;
        }

        public Builder xyztUnits(int units) {
            this.xyztUnits = units;
            return this;
        }

        public Builder extras(NiftiExtras e) {
            this.extras = e == null ? NiftiExtras.NONE : e;
            return this;
        }

        public Builder freeText(NiftiFreeText t) {
            this.freeText = t == null ? NiftiFreeText.EMPTY : t;
            return this;
        }

        /**
         * Sets the shape (3D, or 4D when {@code channels > 1}), both sform and qform from {@code geometry}, and
         * pixdim[1..3] and pixdim[0] (qfac) consistent with the qform — the way a writer describes a volume.
         */
        public Builder geometry(Shape shape, int channels, Geometry geometry) {
            this.dim = new long[] {channels > 1 ? 4 : 3, shape.nx(), shape.ny(), shape.nz(), channels > 1 ? channels : 1, 1, 1, 1};
            Affine a = geometry.voxelToWorld();
            Quaternions.QformParams q = Quaternions.fromAffine(a);
            this.quatern = new double[] {q.b(), q.c(), q.d()};
            this.qoffset = new double[] {q.qx(), q.qy(), q.qz()};
            this.pixdim = new double[] {q.qfac(), q.dx(), q.dy(), q.dz(), pixdim[4], pixdim[5], pixdim[6], pixdim[7]};
            double[] rows = a.toArray();
            this.srow = new double[] {rows[0], rows[1], rows[2], rows[3], rows[4], rows[5], rows[6], rows[7], rows[8], rows[9], rows[10], rows[11]};
            return this;
        }

        public NiftiHeader build() {
            return new NiftiHeader(this);
        }
    }
}
