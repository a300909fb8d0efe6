package org.promptseg.volume.nifti;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Json;
import org.promptseg.common.Uris;
import org.promptseg.volume.LocalFiles;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.synth.SynthOptions;
import org.promptseg.volume.synth.SyntheticCollection;

/**
 * Read throughput of the NIfTI reader against the floor set by decompression: the same gzipped file read into voxel
 * arrays by {@link NiftiReader}, and merely drained through a plain {@link GZIPInputStream} (same buffer size, same
 * filesystem, same JVM). Both are reported as MB/s (10^6 bytes) of decompressed data, median of several alternating
 * repetitions after warm-up; the ratio says how much the reader adds on top of gunzip. {@code promptseg bench io}
 * calls {@link #run}; {@link #main} is the stand-alone entry point.
 */
public final class NiftiReadBenchmark {
    private NiftiReadBenchmark() {}

    /**
     * @param voxelBytes decompressed voxel bytes per read (the reader's numerator)
     * @param decompressedBytes everything the plain gunzip drains (header included)
     */
    public record Result(String uri, long fileBytes, long voxelBytes, long decompressedBytes, int repetitions,
                         double readerMedianSeconds, double gunzipMedianSeconds, double readerMBps, double gunzipMBps) {
        /** Reader throughput as a fraction of plain gunzip throughput. */
        public double ratio() {
            return readerMBps / gunzipMBps;
        }

        public String toText() {
            return String.format(Locale.ROOT, "NIfTI read %s (%.1f MB gzipped, %.1f MB of voxels), median of %d: reader %.0f MB/s, plain gunzip %.0f MB/s, ratio %.2f",
                    uri, fileBytes / 1e6, voxelBytes / 1e6, repetitions, readerMBps, gunzipMBps, ratio());
        }

        public String toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("uri", uri);
            m.put("file_bytes", fileBytes);
            m.put("voxel_bytes", voxelBytes);
            m.put("decompressed_bytes", decompressedBytes);
            m.put("repetitions", repetitions);
            m.put("reader_median_seconds", readerMedianSeconds);
            m.put("gunzip_median_seconds", gunzipMedianSeconds);
            m.put("reader_mb_per_s", readerMBps);
            m.put("gunzip_mb_per_s", gunzipMBps);
            m.put("ratio", ratio());
            return Json.pretty(m);
        }
    }

    /** Measures {@code file} (a gzipped NIfTI) with {@code repetitions} timed reads of each kind after two warm-ups. */
    public static Result run(Path file, Configuration conf, VolumeOptions options, int repetitions) throws IOException {
        if (repetitions < 1) {
            throw new IllegalArgumentException("repetitions must be >= 1");
        }
        NiftiReader reader = new NiftiReader(conf, options);
        FileSystem fs = LocalFiles.fileSystem(file, conf);
        long fileBytes = fs.getFileStatus(file).getLen();
        NiftiHeader h = reader.readHeader(file);
        long voxelBytes = h.bytesPerChannel() * h.channels();
        byte[] sink = new byte[options.readBufferBytes()];
        long drained = 0;
        for (int w = 0; w < 2; w++) {
            reader.readAllChannels(file, VoxelStorage.COMPACT);
            drained = drain(fs, file, options.readBufferBytes(), sink);
        }
        double[] r = new double[repetitions];
        double[] g = new double[repetitions];
        for (int i = 0; i < repetitions; i++) {
            long t0 = System.nanoTime();
            reader.readAllChannels(file, VoxelStorage.COMPACT);
            long t1 = System.nanoTime();
            drain(fs, file, options.readBufferBytes(), sink);
            long t2 = System.nanoTime();
            r[i] = (t1 - t0) / 1e9;
            g[i] = (t2 - t1) / 1e9;
        }
        double rm = median(r);
        double gm = median(g);
        return new Result(Uris.qualified(file, conf), fileBytes, voxelBytes, drained, repetitions, rm, gm, voxelBytes / 1e6 / rm, drained / 1e6 / gm);
    }

    private static long drain(FileSystem fs, Path file, int bufferSize, byte[] sink) throws IOException {
        long n = 0;
        try (InputStream in = new GZIPInputStream(fs.open(file, Math.min(bufferSize, 1 << 20)), bufferSize)) {
            for (int k; (k = in.read(sink)) > 0; ) {
                n += k;
            }
        }
        return n;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    }

    /**
     * Writes a CT-like test file: one synthetic case of in-plane size {@code size} (int16, gzip level 6, the zlib default
     * most tools use) under {@code dir}, and returns its path.
     */
    public static Path writeSample(Path dir, Configuration conf, int size) throws IOException {
        SynthOptions o = SynthOptions.defaults().with(1, 1, 0, size, 1).withThreads(1);
        o = new SynthOptions(o.centers(), o.casesPerCenter(), o.unlabelledCasesPerCenter(), o.size(), o.seed(), 6, o.threads(), o.shiftStrength());
        SyntheticCollection.generate(o, dir.toString(), conf, true);
        return new Path(dir, "c0/imagesTr/case_000_0000.nii.gz");
    }

    /** {@code NiftiReadBenchmark [file.nii.gz] [repetitions]}: without a file, measures a 256x256x256 synthetic CT. */
    public static void main(String[] args) throws IOException {
        Configuration conf = new Configuration();
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        if (args.length > 0 && !args[0].isBlank()) {
            System.out.println(run(Uris.toPath(args[0]), conf, VolumeOptions.defaults(), reps).toText());
            return;
        }
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("promptseg-bench-io");
        try {
            Path file = writeSample(Uris.toPath(dir.toString()), conf, 256);
            System.out.println(run(file, conf, VolumeOptions.defaults(), reps).toText());
        } finally {
            try (var files = java.nio.file.Files.walk(dir)) {
                for (java.nio.file.Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    java.nio.file.Files.deleteIfExists(p);
                }
            }
        }
    }
}
