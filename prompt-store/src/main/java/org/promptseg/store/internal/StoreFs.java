package org.promptseg.store.internal;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Hashing;
import org.promptseg.common.Uris;
import org.promptseg.store.UnsupportedStoreLocationException;

/**
 * The filesystem operations the store is built from, on any Hadoop filesystem with atomic rename.
 *
 * <p>The one guarantee everything rests on is {@link #claimDirectory}/{@link #claimFile}: move a fully
 * written staging entry to its final name <em>atomically and only if that name is free</em>. On HDFS
 * that is {@code FileContext.rename(.., Rename.NONE)}, a single namenode operation. On the local
 * filesystem Hadoop's own rename checks for the target and then renames (and falls back to a copy
 * into an existing directory), which races between processes; there the claim uses the system calls
 * directly: {@code rename(2)} for a directory (refused onto a non-empty directory) and {@code link(2)}
 * for a file (refused onto any existing name).
 *
 * <p>Local files are written through the raw local filesystem: the store keeps a SHA-256 of every file
 * it writes, so Hadoop's {@code .crc} sidecar files would only add clutter next to the tensors.
 */
public final class StoreFs {
    /** Filesystems whose rename is a copy or not atomic; a store there could expose partial versions. */
    private static final Set<String> NON_ATOMIC_RENAME_SCHEMES = Set.of(
            "s3", "s3a", "s3n", "gs", "wasb", "wasbs", "abfs", "abfss", "oss", "cos", "cosn", "obs", "swift", "http", "https", "ftp", "sftp");

    private final FileSystem fs;
    private final Configuration conf;
    private final boolean local;

    private StoreFs(FileSystem fs, Configuration conf, boolean local) {
        this.fs = fs;
        this.conf = conf;
        this.local = local;
    }

    /** The filesystem serving {@code root}; refuses object stores before any I/O. */
    public static StoreFs forRoot(Path root, Configuration conf) {
        String scheme = root.toUri().getScheme();
        if (scheme != null && NON_ATOMIC_RENAME_SCHEMES.contains(scheme.toLowerCase(Locale.ROOT))) {
            throw new UnsupportedStoreLocationException("store root " + root + ": the '" + scheme + "' filesystem has no atomic "
                    + "rename, which the prompt store needs so that a version appears whole or not at all and aliases change by "
                    + "compare-and-set; put the store on HDFS or on a local or shared POSIX filesystem and copy versions out with "
                    + "'store export' if they must end up in an object store");
        }
        FileSystem fs = Uris.fileSystem(root, conf);
        if (fs instanceof LocalFileSystem lfs) {
            return new StoreFs(lfs.getRawFileSystem(), conf, true);
        }
        return new StoreFs(fs, conf, "file".equals(fs.getScheme()));
    }

    public FileSystem fileSystem() {
        return fs;
    }

    public Configuration conf() {
        return conf;
    }

    public Path qualify(Path p) {
        return fs.makeQualified(p);
    }

    /** Children of {@code dir}, or none if it does not exist. */
    public FileStatus[] list(Path dir) throws IOException {
        try {
            return fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            return new FileStatus[0];
        }
    }

    public boolean exists(Path p) throws IOException {
        return fs.exists(p);
    }

    public FileStatus status(Path p) throws IOException {
        return fs.getFileStatus(p);
    }

    public void mkdirs(Path dir) throws IOException {
        if (!fs.mkdirs(dir)) {
            throw new IOException(dir + ": cannot create directory");
        }
    }

    /** Size and SHA-256 of a file just written or just read. */
    public record Written(long bytes, String sha256) {}

    /** Content producer for {@link #write}. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Creates {@code file} (never overwriting), writes it, forces it to stable storage and closes it.
     * Returns size and SHA-256 of what was written, computed on the way out.
     */
    public Written write(Path file, Content content) throws IOException {
        if (local) {
            return writeLocal(localPath(file), content);
        }
        MessageDigest md = Hashing.sha256();
        CountingOutputStream counted;
        try (FSDataOutputStream out = fs.create(file, false)) {
            counted = new CountingOutputStream(new DigestOutputStream(out, md));
            content.writeTo(counted);
            counted.flush();
            out.hsync();
        }
        return new Written(counted.count(), Hashing.hex(md.digest()));
    }

    /**
     * The local filesystem's Hadoop stream buffers in front of the file, so its hsync cannot reach the
     * disk; write through a channel that can be forced. CREATE_NEW also makes "never overwrite" atomic.
     */
    private static Written writeLocal(java.nio.file.Path file, Content content) throws IOException {
        Files.createDirectories(file.getParent());
        MessageDigest md = Hashing.sha256();
        CountingOutputStream counted;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream out = new java.io.BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            counted = new CountingOutputStream(new DigestOutputStream(out, md));
            content.writeTo(counted);
            counted.flush();
            ch.force(true);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(file + " already exists");
        }
        return new Written(counted.count(), Hashing.hex(md.digest()));
    }

    public Written write(Path file, byte[] bytes) throws IOException {
        return write(file, out -> out.write(bytes));
    }

    /** Whole small file, refusing files over {@code maxBytes} before reading. */
    public byte[] read(Path file, long maxBytes) throws IOException {
        long length;
        try {
            length = fs.getFileStatus(file).getLen();
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException(file + ": no such file");
        }
        if (length > maxBytes) {
            throw new IOException(file + ": " + length + " bytes, larger than the " + maxBytes + " bytes allowed for this kind of file");
        }
        try (InputStream in = fs.open(file)) {
            return in.readNBytes((int) length + 1);
        }
    }

    public InputStream open(Path file) throws IOException {
        return fs.open(file);
    }

    /** Size and SHA-256 of a file, streamed. */
    public Written hash(Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            CountingInputStream counted = new CountingInputStream(in);
            String sha = Hashing.sha256Hex(counted);
            return new Written(counted.count(), sha);
        }
    }

    /**
     * Moves the complete directory {@code staging} to {@code target} in one atomic step, failing with
     * {@link FileAlreadyExistsException} (and leaving both untouched) if {@code target} exists.
     */
    public void claimDirectory(Path staging, Path target) throws IOException {
        if (local) {
            java.nio.file.Path src = localPath(staging);
            java.nio.file.Path dst = localPath(target);
            try {
                // ATOMIC_MOVE is rename(2): atomic, and refused onto a non-empty directory. Staging
                // directories are never empty, so a published entry can never be replaced.
                Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.FileSystemException e) {
                // rename(2) onto a non-empty directory fails with ENOTEMPTY or EEXIST, which Java reports as a
                // plain FileSystemException ("Directory not empty"): the name is taken if something is there now.
                if (Files.exists(dst, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    FileAlreadyExistsException taken = new FileAlreadyExistsException(target + " already exists");
                    taken.initCause(e);
                    throw taken;
                }
                throw e;
            }
            syncDirectory(dst.getParent());
        } else {
            renameNone(staging, target);
        }
    }

    /**
     * Gives the complete file {@code staging} the name {@code target} atomically, failing with
     * {@link FileAlreadyExistsException} if {@code target} exists. Afterwards {@code staging} is gone.
     */
    public void claimFile(Path staging, Path target) throws IOException {
        if (local) {
            java.nio.file.Path src = localPath(staging);
            java.nio.file.Path dst = localPath(target);
            try {
                // link(2) fails with EEXIST if the name is taken; rename(2) would silently replace it.
                Files.createLink(dst, src);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                Files.deleteIfExists(src);
                throw new FileAlreadyExistsException(target + " already exists");
            }
            Files.delete(src);
            syncDirectory(dst.getParent());
        } else {
            renameNone(staging, target);
        }
    }

    private void renameNone(Path staging, Path target) throws IOException {
        FileContext fc = FileContext.getFileContext(fs.getUri(), conf);
        fc.rename(staging, target, Options.Rename.NONE);
    }

    /** Recursive delete; true if something was deleted. */
    public boolean delete(Path p) throws IOException {
        return fs.delete(p, true);
    }

    public void setModificationTime(Path p, long millis) throws IOException {
        fs.setTimes(p, millis, -1);
    }

    private java.nio.file.Path localPath(Path p) {
        return java.nio.file.Path.of(fs.makeQualified(p).toUri());
    }

    /** Makes a rename durable across a power loss, not only a process crash. Best effort. */
    private static void syncDirectory(java.nio.file.Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
        }
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        long count() {
            return count;
        }
    }

    private static final class CountingInputStream extends java.io.FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        long count() {
            return count;
        }
    }
}
