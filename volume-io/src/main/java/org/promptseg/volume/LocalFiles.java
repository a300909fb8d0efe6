package org.promptseg.volume;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.promptseg.common.Uris;

/**
 * volume-io reads and writes local files without Hadoop's {@code .crc} sidecars. Hadoop's checksummed local
 * filesystem writes one next to every file and, when reading, fails with a checksum error once the file has been
 * changed by any other tool (an annotator re-saving a label map, nibabel rewriting an image) — a trap for datasets
 * that people also open outside promptseg. NIfTI has its own integrity check where it matters (the gzip CRC-32).
 * Other filesystems are used as they are.
 */
public final class LocalFiles {
    private LocalFiles() {}

    /** The filesystem for {@code path}: the raw local one for {@code file:}, otherwise Hadoop's. */
    public static FileSystem fileSystem(Path path, Configuration conf) {
        FileSystem fs = Uris.fileSystem(path, conf);
        return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    }

    /**
     * A copy of {@code conf} under which {@code file:} paths resolve to the raw local filesystem, for code that
     * resolves filesystems itself (the atomic writer in common). Uncached, so the shared checksummed instance other
     * modules use is left alone.
     */
    public static Configuration withoutChecksums(Configuration conf) {
        Configuration c = new Configuration(conf);
        c.setClass("fs.file.impl", RawLocalFileSystem.class, FileSystem.class);
        c.setBoolean("fs.file.impl.disable.cache", true);
        return c;
    }
}
