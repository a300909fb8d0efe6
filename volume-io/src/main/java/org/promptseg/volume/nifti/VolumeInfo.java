package org.promptseg.volume.nifti;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Json;
import org.promptseg.common.Uris;
import org.promptseg.volume.Affine;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.LocalFiles;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.VoxelArray;

/**
 * What {@code promptseg volume info} shows about a NIfTI file (3D or 4D): layout, dimensions, datatype, spacing,
 * the affine in use and both header transforms, orientation, codes, scaling, and statistics of the scaled values over
 * all channels. It never contains free-text header fields.
 *
 * @param dim {@code dim[1..dim[0]]}
 * @param pixdim {@code pixdim[0..dim[0]]} (pixdim[0] is the qform's qfac)
 * @param spacingXyz voxel size (mm) along x, y, z from the affine in use
 * @param qformAffine the qform transform, or null when its fields do not define one
 * @param sformAffine the sform rows, or null when they are not finite
 */
public record VolumeInfo(
        String uri, int niftiVersion, boolean pairedFiles, boolean gzipped, String byteOrder,
        long[] dim, int channels, String datatype, int bitpix, double[] pixdim, double[] spacingXyz,
        String geometrySource, double[][] affine, String orientation,
        int qformCode, String qformName, double[][] qformAffine, int sformCode, String sformName, double[][] sformAffine,
        double sclSlope, double sclInter, long voxOffset, String spatialUnit, String temporalUnit,
        ValueStats values) {

    /** Statistics of the scaled voxel values, over all channels; min/max/mean over finite values only. */
    public record ValueStats(long voxels, long nonFinite, double min, double max, double mean) {}

    /** Describes the file at {@code uri} (reads all of it for the statistics). */
    public static VolumeInfo describe(String uri, Configuration conf, VolumeOptions options) throws IOException {
        return describe(Uris.toPath(uri), conf, options);
    }

    public static VolumeInfo describe(Path path, Configuration conf, VolumeOptions options) throws IOException {
        NiftiReader reader = new NiftiReader(conf, options);
        NiftiImage image = reader.readAllChannels(path, VoxelStorage.COMPACT);
        NiftiHeader h = image.header();
        FileSystem fs = LocalFiles.fileSystem(path, conf);
        NiftiFiles files = NiftiFiles.locate(fs, path);
        boolean gz;
        try (InputStream in = CompressedStreams.open(fs, files.image(), 4096).in()) {
            gz = in instanceof java.util.zip.GZIPInputStream;
        }
        int rank = h.rank();
        long[] dim = new long[rank];
        double[] pixdim = new double[rank + 1];
        long[] allDim = h.dim();
        double[] allPix = h.pixdim();
        System.arraycopy(allDim, 1, dim, 0, rank);
        System.arraycopy(allPix, 0, pixdim, 0, rank + 1);
        Geometry g = h.geometry();
        return new VolumeInfo(Uris.qualified(path, conf), h.version(), files.isPair(), gz,
                h.byteOrder().toString().startsWith("LITTLE") ? "little" : "big",
                dim, h.channels(), h.datatype().label(), h.datatype().bitpix(), pixdim, g.spacingXyz(),
                h.geometrySource().name().toLowerCase(Locale.ROOT), g.voxelToWorld().toRows(), g.orientation().code(),
                h.qformCode(), xformName(h.qformCode()), qformOrNull(h), h.sformCode(), xformName(h.sformCode()), sformOrNull(h),
                h.sclSlope(), h.sclInter(), h.voxOffset(), spatialUnit(h.xyztUnits()), temporalUnit(h.xyztUnits()),
                stats(image.channels()));
    }

    private static double[][] qformOrNull(NiftiHeader h) {
        double[] q = h.quatern();
        double[] o = h.qoffset();
        for (int i = 0; i < 3; i++) {
            if (!Double.isFinite(q[i]) || !Double.isFinite(o[i])) {
                return null;
            }
        }
        for (int d = 1; d <= 3; d++) {
            double p = h.spatialPixdim(d);
            if (!(p > 0) || !Double.isFinite(p)) {
                return null;
            }
        }
        return h.qformAffine().toRows();
    }

    private static double[][] sformOrNull(NiftiHeader h) {
        Affine a = h.sformAffine();
        return a.isFinite() ? a.toRows() : null;
    }

    static ValueStats stats(List<Volume> channels) {
        long n = 0;
        long nonFinite = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (Volume v : channels) {
            VoxelArray a = v.voxels();
            for (int i = 0; i < a.length(); i++) {
                float x = a.get(i);
                if (!Float.isFinite(x)) {
                    nonFinite++;
                    continue;
                }
                n++;
                sum += x;
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
        }
        return n == 0 ? new ValueStats(nonFinite, nonFinite, Double.NaN, Double.NaN, Double.NaN)
                : new ValueStats(n + nonFinite, nonFinite, min, max, sum / n);
    }

    /** Standard names of the qform/sform codes. */
    public static String xformName(int code) {
        return switch (code) {
            case 0 -> "unknown";
            case 1 -> "scanner_anat";
            case 2 -> "aligned_anat";
            case 3 -> "talairach";
            case 4 -> "mni_152";
            case 5 -> "template_other";
            default -> "code " + code;
        };
    }

    static String spatialUnit(int units) {
        return switch (units & 0x07) {
            case 1 -> "m";
            case 2 -> "mm";
            case 3 -> "um";
            default -> "unknown";
        };
    }

    static String temporalUnit(int units) {
        return switch (units & 0x38) {
            case 8 -> "s";
            case 16 -> "ms";
            case 24 -> "us";
            case 32 -> "Hz";
            case 40 -> "ppm";
            case 48 -> "rad/s";
            default -> "unknown";
        };
    }

    /** Machine-readable form (keys sorted, snake_case), what {@code volume info --json} prints. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uri", uri);
        m.put("nifti_version", niftiVersion);
        m.put("paired_files", pairedFiles);
        m.put("gzipped", gzipped);
        m.put("byte_order", byteOrder);
        m.put("dim", dim);
        m.put("channels", channels);
        m.put("datatype", datatype);
        m.put("bitpix", bitpix);
        m.put("pixdim", pixdim);
        m.put("spacing_xyz_mm", spacingXyz);
        m.put("geometry_source", geometrySource);
        m.put("affine", affine);
        m.put("orientation", orientation);
        m.put("qform_code", qformCode);
        m.put("qform_name", qformName);
        m.put("qform_affine", qformAffine);
        m.put("sform_code", sformCode);
        m.put("sform_name", sformName);
        m.put("sform_affine", sformAffine);
        m.put("scl_slope", sclSlope);
        m.put("scl_inter", sclInter);
        m.put("vox_offset", voxOffset);
        m.put("spatial_unit", spatialUnit);
        m.put("temporal_unit", temporalUnit);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("voxels", values.voxels());
        s.put("non_finite", values.nonFinite());
        s.put("min", finiteOrNull(values.min()));
        s.put("max", finiteOrNull(values.max()));
        s.put("mean", finiteOrNull(values.mean()));
        m.put("values", s);
        return Json.pretty(m);
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Human-readable form, what {@code volume info} prints. */
    public String toText() {
        List<String> lines = new ArrayList<>();
        lines.add("file          " + uri);
        lines.add("format        NIfTI-" + niftiVersion + ", " + (pairedFiles ? "header/image pair" : "single file")
                + (gzipped ? ", gzipped" : "") + ", " + byteOrder + " endian, vox_offset " + voxOffset);
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < dim.length; i++) {
            d.append(i == 0 ? "" : " x ").append(dim[i]);
        }
        lines.add("dim           " + d + "  (x, y, z" + (dim.length > 3 ? ", channels" : "") + ")");
        lines.add("datatype      " + datatype + " (" + bitpix + " bits), scl_slope " + fmt(sclSlope) + ", scl_inter " + fmt(sclInter));
        lines.add("spacing       " + fmt(spacingXyz[0]) + " x " + fmt(spacingXyz[1]) + " x " + fmt(spacingXyz[2]) + " " + spatialUnit + " (x, y, z)");
        lines.add("orientation   " + orientation + " (affine from " + geometrySource + ")");
        lines.add("qform_code    " + qformCode + " (" + qformName + ")");
        lines.add("sform_code    " + sformCode + " (" + sformName + ")");
        lines.add("affine        " + row(affine[0]));
        for (int r = 1; r < 4; r++) {
            lines.add("              " + row(affine[r]));
        }
        lines.add("values        min " + fmt(values.min()) + ", max " + fmt(values.max()) + ", mean " + fmt(values.mean())
                + " over " + values.voxels() + " voxels" + (values.nonFinite() > 0 ? " (" + values.nonFinite() + " not finite)" : ""));
        return String.join(System.lineSeparator(), lines);
    }

    private static String row(double[] r) {
        return String.format(Locale.ROOT, "[%12s %12s %12s %12s]", fmt(r[0]), fmt(r[1]), fmt(r[2]), fmt(r[3]));
    }

    private static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
