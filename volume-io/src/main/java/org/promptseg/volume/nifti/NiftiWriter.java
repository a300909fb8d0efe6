package org.promptseg.volume.nifti;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.HadoopFiles;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.LocalFiles;
import org.promptseg.volume.Shape;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.VoxelArray;

/**
 * Writes single-file NIfTI ({@code .nii}, or gzipped {@code .nii.gz} by name) over any Hadoop filesystem, atomically
 * (temporary sibling, then rename: a reader never sees a half-written volume). Both sform and qform describe the
 * geometry; free-text fields are cleared unless {@code promptseg.volume.keep-free-text} is set; extensions are never
 * written (they may carry patient data too).
 *
 * <p>Values are stored as {@code round((value - scl_inter) / scl_slope)} for integer datatypes; a value that does not
 * fit the datatype is an error, never silently clipped.
 */
public final class NiftiWriter {
    private final Configuration writeConf;
    private final VolumeOptions options;

    public NiftiWriter(Configuration conf, VolumeOptions options) {
        this.writeConf = LocalFiles.withoutChecksums(conf);
        this.options = options;
    }

    public NiftiWriter(Configuration conf) {
        this(conf, VolumeOptions.defaults());
    }

    /** Writes one 3D volume; fails if {@code out} exists and {@code overwrite} is false. */
    public void write(Path out, Volume volume, NiftiEncoding encoding, boolean overwrite) throws IOException {
        write(out, List.of(volume), encoding, overwrite);
    }

    /** Writes the channels of a read image back with the header's encoding (see {@link NiftiEncoding#preserving}). */
    public void write(Path out, NiftiImage image, boolean overwrite) throws IOException {
        write(out, image.channels(), NiftiEncoding.preserving(image.header()), overwrite);
    }

    /** Writes a 3D volume (one channel) or a 4D stack; all channels must share shape and geometry. */
    public void write(Path out, List<Volume> channels, NiftiEncoding encoding, boolean overwrite) throws IOException {
        String lower = out.getName().toLowerCase(Locale.ROOT);
        boolean gz = lower.endsWith(".nii.gz");
        if (!gz && !lower.endsWith(".nii")) {
            throw new IllegalArgumentException(out + ": the writer writes single-file NIfTI; the name must end with .nii or .nii.gz");
        }
        if (channels.isEmpty()) {
            throw new IllegalArgumentException(out + ": nothing to write (no channels)");
        }
        Volume first = channels.get(0);
        for (Volume v : channels) {
            if (!v.shape().equals(first.shape()) || !v.geometry().equals(first.geometry())) {
                throw new IllegalArgumentException(out + ": all channels of a 4D file must share shape and geometry");
            }
        }
        NiftiHeader header = header(first.shape(), channels.size(), first.geometry(), encoding);
        byte[] headerBytes = NiftiHeaderCodec.encode(header);
        String location = out.toString();
        HadoopFiles.writeAtomically(out, writeConf, overwrite, stream -> {
            OutputStream o = gz ? new LeveledGzipStream(stream, options.gzipLevel()) : new BufferedOutputStream(stream, 1 << 16);
            o.write(headerBytes);
            byte[] buf = new byte[Math.max(1 << 16, options.readBufferBytes() & ~7)];
            for (Volume v : channels) {
                VoxelEncoder.encode(v.voxels(), v.shape(), header, buf, o, location);
            }
            if (o instanceof GZIPOutputStream g) {
                g.finish();
            }
            o.flush();
        });
    }

    /** The header the writer produces for a volume (exposed for tests and {@code volume convert --dry-run}-style uses). */
    public NiftiHeader header(Shape shape, int channels, Geometry geometry, NiftiEncoding enc) {
        NiftiHeader template = enc.template();
        NiftiHeader.Builder b;
        boolean geometryUnchanged = template != null && template.shape().equals(shape)
                && template.geometry().voxelToWorld().maxAbsDifference(geometry.voxelToWorld()) == 0;
        if (geometryUnchanged) {
            // keep the exact qform/sform/pixdim fields of the source (its qform may differ from its sform on purpose)
            b = template.toBuilder();
            long[] dim = template.dim();
            dim[0] = channels > 1 ? 4 : Math.min(template.rank(), 3);
            dim[4] = channels;
            dim[5] = 1;
            dim[6] = 1;
            dim[7] = 1;
            for (int i = 1; i <= 3; i++) {
                dim[i] = shape.sizeXyz(i - 1);
            }
            b.dim(dim);
        } else {
            b = template != null ? template.toBuilder() : NiftiHeader.builder();
            b.geometry(shape, channels, geometry);
        }
        b.version(enc.version()).byteOrder(enc.byteOrder()).pairedImageFile(false)
                .datatype(enc.datatype()).scaling(enc.sclSlope(), enc.sclInter())
                .qformCode(enc.qformCode()).sformCode(enc.sformCode())
                .voxOffset(enc.version() == 1 ? NiftiHeaderCodec.NIFTI1_DATA_OFFSET : NiftiHeaderCodec.NIFTI2_DATA_OFFSET)
                .freeText(options.keepFreeText() && template != null ? template.freeText() : NiftiFreeText.EMPTY);
        if (template == null) {
            b.xyztUnits(NiftiHeader.UNITS_MM_SEC);
        }
        NiftiHeader h = b.build();
        if (!geometryUnchanged && h.geometrySource() != GeometrySource.SFORM && representationError(h, shape, geometry) > 1e-3) {
            // the chosen codes would lose the geometry (no codes at all, or shear a qform cannot hold): let the sform carry it
            h = h.toBuilder().sformCode(Math.max(NiftiEncoding.XFORM_SCANNER_ANAT, h.qformCode())).build();
        }
        return h;
    }

    private static double representationError(NiftiHeader h, Shape shape, Geometry wanted) {
        try {
            return h.geometry().maxCornerDistanceMm(wanted, shape);
        } catch (RuntimeException e) {
            return Double.POSITIVE_INFINITY;
        }
    }

    /** A gzip stream at the configured deflate level (the JDK class has no constructor for it). */
    private static final class LeveledGzipStream extends GZIPOutputStream {
        LeveledGzipStream(OutputStream out, int level) throws IOException {
            super(out, 1 << 16);
            def.setLevel(level);
        }
    }

    /** Voxel values to raw bytes in the header's datatype, byte order and scaling. */
    static final class VoxelEncoder {
        private VoxelEncoder() {}

        static void encode(VoxelArray voxels, Shape shape, NiftiHeader h, byte[] buf, OutputStream out, String location) throws IOException {
            NiftiDatatype d = h.datatype();
            int bpv = d.bytesPerVoxel();
            double slope = h.effectiveSlope();
            double inter = h.effectiveInter();
            boolean identity = slope == 1.0 && inter == 0.0;
            int n = voxels.length();
            int perChunk = buf.length / bpv;
            for (int i = 0; i < n; ) {
                int m = Math.min(perChunk, n - i);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, m * bpv).order(h.byteOrder());
                if (identity && d == NiftiDatatype.INT16 && voxels instanceof VoxelArray.Shorts s) {
                    bb.asShortBuffer().put(s.values(), i, m);
                } else if (identity && d == NiftiDatatype.UINT8 && voxels instanceof VoxelArray.UnsignedBytes u) {
                    System.arraycopy(u.values(), i, buf, 0, m);
                } else if (identity && d == NiftiDatatype.FLOAT32 && voxels instanceof VoxelArray.Floats f) {
                    bb.asFloatBuffer().put(f.values(), i, m);
                } else {
                    for (int k = 0; k < m; k++) {
                        double value = voxels.get(i + k);
                        double raw = identity ? value : (value - inter) / slope;
                        put(bb, k, d, raw, value, i + k, shape, location);
                    }
                }
                out.write(buf, 0, m * bpv);
                i += m;
            }
        }

        private static void put(ByteBuffer bb, int k, NiftiDatatype d, double raw, double value, int index, Shape shape, String location) {
            if (d.isInteger()) {
                double r = Math.rint(raw);
                if (!(r >= d.min() && r <= d.max())) {
                    throw outOfRange(d, value, index, shape, location);
                }
                switch (d) {
                    case UINT8, INT8 -> bb.put(k, (byte) (long) r);
                    case INT16, UINT16 -> bb.putShort(2 * k, (short) (long) r);
                    case INT32, UINT32 -> bb.putInt(4 * k, (int) (long) r);
                    case INT64 -> bb.putLong(8 * k, (long) r);
                    default -> throw new IllegalStateException(d.label());
                }
            } else if (d == NiftiDatatype.FLOAT32) {
                float f = (float) raw;
                if (Float.isInfinite(f) && !Double.isInfinite(raw)) {
                    throw outOfRange(d, value, index, shape, location);
                }
                bb.putFloat(4 * k, f);
            } else {
                bb.putDouble(8 * k, raw);
            }
        }

        private static IllegalArgumentException outOfRange(NiftiDatatype d, double value, int index, Shape shape, String location) {
            int x = index % shape.nx();
            int y = (index / shape.nx()) % shape.ny();
            int z = index / (shape.nx() * shape.ny());
            return new IllegalArgumentException(location + ": voxel (z,y,x)=(" + z + "," + y + "," + x + ") value " + value
                    + " cannot be stored as " + d.label() + " with the chosen scl_slope/scl_inter; choose a wider datatype (or float32)");
        }
    }
}
