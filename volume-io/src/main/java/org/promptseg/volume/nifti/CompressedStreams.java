package org.promptseg.volume.nifti;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.promptseg.volume.VolumeFormatException;

/**
 * Opens a file that may or may not be gzipped (decided by its first two bytes) and reads it exactly, turning the
 * ways a damaged file shows up (early end, corrupt deflate data, bad gzip header or checksum) into
 * {@link VolumeFormatException}s that name the file. Plain I/O failures (a datanode down) stay {@link IOException}s.
 */
final class CompressedStreams {
    private CompressedStreams() {}

    /** An open stream and whether it decompresses. */
    record Opened(InputStream in, boolean gzipped) {}

    static Opened open(FileSystem fs, Path path, int bufferSize) throws IOException {
        InputStream raw = fs.open(path, Math.min(bufferSize, 1 << 20));
        try {
            PushbackInputStream pb = new PushbackInputStream(raw, 2);
            byte[] magic = new byte[2];
            int n = pb.readNBytes(magic, 0, 2);
            pb.unread(magic, 0, n);
            boolean gz = n == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
            if (!gz) {
                return new Opened(pb, false);
            }
            try {
                return new Opened(new GZIPInputStream(pb, bufferSize), true);
            } catch (ZipException | EOFException e) {
                throw new VolumeFormatException(path.toString(), "gzip", "broken gzip header (" + e.getMessage() + ")", e);
            }
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /**
     * Reads exactly {@code len} bytes. An early end is reported as {@code field} ending after {@code done + read}
     * of {@code total} bytes (the caller's running position, for the message).
     */
    static void readFully(InputStream in, byte[] buf, int off, int len, String location, String field, long done, long total) throws IOException {
        int read = 0;
        try {
            while (read < len) {
                int n = in.read(buf, off + read, len - read);
                if (n < 0) {
                    throw truncated(location, field, done + read, total);
                }
                read += n;
            }
        } catch (ZipException e) {
            throw corrupt(location, e);
        } catch (EOFException e) {
            // GZIPInputStream: "Unexpected end of ZLIB input stream" - the compressed file was cut short
            throw truncated(location, field, done + read, total);
        }
    }

    /** Skips exactly {@code n} bytes by reading them (works the same for plain and gzipped streams). */
    static void skipFully(InputStream in, long n, byte[] scratch, String location, String field, String expectation) throws IOException {
        long left = n;
        try {
            while (left > 0) {
                int r = in.read(scratch, 0, (int) Math.min(scratch.length, left));
                if (r < 0) {
                    throw new VolumeFormatException(location, field, expectation + ", but the file ends " + left + " bytes before that");
                }
                left -= r;
            }
        } catch (ZipException e) {
            throw corrupt(location, e);
        } catch (EOFException e) {
            throw new VolumeFormatException(location, field, expectation + ", but the compressed file ends " + left + " bytes before that");
        }
    }

    /**
     * After the last voxel of a gzipped file, reads on to the end of the stream (at most {@code limit} bytes) so that
     * the gzip trailer's CRC-32 and length are checked: corruption that inflates to plausible voxels is caught here.
     */
    static void verifyTrailer(InputStream in, byte[] scratch, long limit, String location) throws IOException {
        long seen = 0;
        try {
            while (seen < limit) {
                int r = in.read(scratch, 0, (int) Math.min(scratch.length, limit - seen));
                if (r < 0) {
                    return;
                }
                seen += r;
            }
        } catch (ZipException e) {
            throw corrupt(location, e);
        } catch (EOFException e) {
            throw new VolumeFormatException(location, "gzip", "the compressed stream ends without its trailer (file truncated)", e);
        }
    }

    static VolumeFormatException truncated(String location, String field, long got, long total) {
        return new VolumeFormatException(location, field, "file ends after " + got + " of the " + total + " bytes declared (truncated file)");
    }

    static VolumeFormatException corrupt(String location, ZipException e) {
        return new VolumeFormatException(location, "gzip", "corrupt compressed data (" + e.getMessage() + ")", e);
    }
}
