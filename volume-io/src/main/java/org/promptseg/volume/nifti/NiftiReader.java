package org.promptseg.volume.nifti;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Uris;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.LocalFiles;
import org.promptseg.volume.Shape;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VolumeFormatException;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.VoxelArray;

/**
 * Reads NIfTI-1 and NIfTI-2 files over any Hadoop filesystem: {@code .nii}, {@code .nii.gz}, {@code .hdr}/{@code .img}
 * pairs (each part optionally gzipped), both byte orders, the datatypes of {@link NiftiDatatype}, with
 * {@code scl_slope}/{@code scl_inter} applied. Safe with hostile files: every header field is validated, the declared
 * size is checked against {@code promptseg.volume.max-volume-bytes} before anything is allocated, and only the
 * declared number of bytes is ever read. A reader is immutable and can be shared between threads.
 */
public final class NiftiReader {
    /** Bytes read past the last voxel of a gzipped file to reach (and check) the gzip trailer. */
    private static final long TRAILER_READ_LIMIT = 1 << 20;

    private final Configuration conf;
    private final VolumeOptions options;

    public NiftiReader(Configuration conf, VolumeOptions options) {
        this.conf = conf;
        this.options = options;
    }

    /** With the reference.conf defaults. */
    public NiftiReader(Configuration conf) {
        this(conf, VolumeOptions.defaults());
    }

    public VolumeOptions options() {
        return options;
    }

    /** Reads and validates the header only. */
    public NiftiHeader readHeader(Path path) throws IOException {
        FileSystem fs = LocalFiles.fileSystem(path, conf);
        NiftiFiles files = NiftiFiles.locate(fs, path);
        CompressedStreams.Opened opened = CompressedStreams.open(fs, files.header(), 64 * 1024);
        try (InputStream in = opened.in()) {
            return readHeader(in, files.header().toString());
        }
    }

    public NiftiHeader readHeader(String uri) throws IOException {
        return readHeader(Uris.toPath(uri));
    }

    /** Reads a 3D file (or a 4D file with a single channel); a multi-channel file needs {@link #read(Path, int)}. */
    public NiftiImage read(Path path) throws IOException {
        return read(path, -1, VoxelStorage.COMPACT);
    }

    public NiftiImage read(String uri) throws IOException {
        return read(Uris.toPath(uri));
    }

    /** Reads channel {@code channel} (0-based index along {@code dim[4]}) of a 3D or 4D file. */
    public NiftiImage read(Path path, int channel) throws IOException {
        if (channel < 0) {
            throw new IllegalArgumentException("channel must be >= 0, got " + channel);
        }
        return read(path, channel, VoxelStorage.COMPACT);
    }

    /**
     * Reads one channel ({@code channel >= 0}), or the only channel ({@code channel = -1}, failing for a multi-channel
     * file), storing values as {@code storage} says.
     */
    public NiftiImage read(Path path, int channel, VoxelStorage storage) throws IOException {
        return readChannels(path, Math.max(channel, 0), 1, channel < 0, storage);
    }

    /** Reads every channel of a 3D or 4D file. */
    public NiftiImage readAllChannels(Path path, VoxelStorage storage) throws IOException {
        return readChannels(path, 0, -1, false, storage);
    }

    private NiftiImage readChannels(Path path, int first, int count, boolean requireSingle, VoxelStorage storage) throws IOException {
        FileSystem fs = LocalFiles.fileSystem(path, conf);
        NiftiFiles files = NiftiFiles.locate(fs, path);
        byte[] buf = new byte[options.readBufferBytes() & ~7];
        CompressedStreams.Opened headerStream = CompressedStreams.open(fs, files.header(), options.readBufferBytes());
        InputStream headerIn = headerStream.in();
        InputStream dataIn = null;
        try {
            String headerLocation = files.header().toString();
            NiftiHeader h = readHeader(headerIn, headerLocation);
            if (h.pairedImageFile() != files.isPair()) {
                throw new VolumeFormatException(headerLocation, "magic", h.pairedImageFile()
                        ? "says the voxels are in a separate .img file, but this file is not named .hdr/.img"
                        : "says the voxels follow the header in this file, but it is named as part of a .hdr/.img pair");
            }
            String location = files.image().toString();
            int channels = h.channels();
            if (requireSingle && channels > 1) {
                throw new VolumeFormatException(headerLocation, "dim[4]", "is " + channels
                        + ": this file holds several channels (or time points); pick one explicitly (channel index 0.." + (channels - 1) + ")");
            }
            int from = requireSingle ? 0 : first;
            int n = count < 0 ? channels : count;
            if (from >= channels) {
                throw new VolumeFormatException(headerLocation, "dim[4]", "is " + channels + ": channel " + from + " does not exist (expected 0.." + (channels - 1) + ")");
            }
            VoxelDecoder.Plan plan = VoxelDecoder.plan(h, storage);
            long voxels = h.voxelsPerChannel();
            long inMemory = voxels * n * VoxelDecoder.bytesPerVoxel(plan);
            if (inMemory > options.maxVolumeBytes()) {
                throw new VolumeFormatException(headerLocation, "dim", "declares " + n + " x " + voxels + " voxels (" + inMemory
                        + " bytes in memory), above the limit promptseg.volume.max-volume-bytes = " + options.maxVolumeBytes());
            }
            long total = h.bytesPerChannel() * channels;
            long position;
            if (files.isPair()) {
                CompressedStreams.Opened img = CompressedStreams.open(fs, files.image(), options.readBufferBytes());
                dataIn = img.in();
                requireLength(fs, files.image(), img.gzipped(), h.voxOffset(), total, location);
                position = 0;
            } else {
                dataIn = headerIn;
                requireLength(fs, files.image(), headerStream.gzipped(), h.voxOffset(), total, location);
                position = h.version() == 1 ? NiftiHeaderCodec.NIFTI1_SIZE : NiftiHeaderCodec.NIFTI2_SIZE;
            }
            CompressedStreams.skipFully(dataIn, h.voxOffset() - position, buf, location, "vox_offset",
                    "is " + h.voxOffset() + " (where the voxels start)");
            long skipData = h.bytesPerChannel() * from;
            CompressedStreams.skipFully(dataIn, skipData, buf, location, "data", "channel " + from + " starts " + skipData + " bytes into the data");
            Shape shape = h.shape();
            Geometry geometry = h.geometry();
            List<Volume> volumes = new ArrayList<>(n);
            for (int c = from; c < from + n; c++) {
                VoxelArray v = VoxelDecoder.decode(dataIn, h, plan, (int) voxels, buf, location, h.bytesPerChannel() * c, total);
                volumes.add(new Volume(shape, geometry, v));
            }
            boolean gz = files.isPair() ? isGzip(dataIn) : headerStream.gzipped();
            if (gz && from + n == channels) {
                CompressedStreams.verifyTrailer(dataIn, buf, TRAILER_READ_LIMIT, location);
            }
            return new NiftiImage(path.toString(), h, volumes, from);
        } finally {
            headerIn.close();
            if (dataIn != null && dataIn != headerIn) {
                dataIn.close();
            }
        }
    }

    private static boolean isGzip(InputStream in) {
        return in instanceof java.util.zip.GZIPInputStream;
    }

    /** For an uncompressed file the declared size can be checked against the file length before reading anything. */
    private static void requireLength(FileSystem fs, Path file, boolean gzipped, long voxOffset, long dataBytes, String location) throws IOException {
        if (gzipped) {
            return;
        }
        long len = fs.getFileStatus(file).getLen();
        if (voxOffset > len) {
            throw new VolumeFormatException(location, "vox_offset", "is " + voxOffset + ", beyond the end of the " + len + "-byte file");
        }
        if (voxOffset + dataBytes > len) {
            throw CompressedStreams.truncated(location, "data", len - voxOffset, dataBytes);
        }
    }

    private static NiftiHeader readHeader(InputStream in, String location) throws IOException {
        byte[] first = new byte[4];
        CompressedStreams.readFully(in, first, 0, 4, location, "sizeof_hdr", 0, 4);
        NiftiHeaderCodec.Layout layout = NiftiHeaderCodec.sniff(first, location);
        byte[] raw = new byte[layout.headerSize()];
        System.arraycopy(first, 0, raw, 0, 4);
        CompressedStreams.readFully(in, raw, 4, raw.length - 4, location, "header", 4, raw.length);
        return NiftiHeaderCodec.decode(raw, layout, location);
    }
}
