package org.promptseg.store;

import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Hashing;
import org.promptseg.store.internal.StoreFs;

/** Checksum comparisons shared by publish (read back before claiming) and load (before trusting bytes). */
final class Checks {
    private Checks() {}

    /** Re-reads a file just written and fails unless it has exactly the expected size and SHA-256. */
    static void requireWritten(StoreFs fs, Path file, long bytes, String sha256) throws IOException {
        StoreFs.Written onDisk = fs.hash(file);
        if (onDisk.bytes() != bytes || !onDisk.sha256().equals(sha256)) {
            throw new CorruptStoreEntryException(file + ": read back " + onDisk.bytes() + " bytes with SHA-256 " + onDisk.sha256()
                    + " right after writing " + bytes + " bytes with SHA-256 " + sha256 + "; the filesystem lost data, nothing was published");
        }
    }

    static void requireContent(Path file, byte[] content, long bytes, String sha256) {
        if (content.length != bytes) {
            throw new CorruptStoreEntryException(file + ": " + content.length + " bytes, the manifest records " + bytes);
        }
        String actual = Hashing.sha256Hex(content);
        if (!actual.equals(sha256)) {
            throw new CorruptStoreEntryException(file + ": SHA-256 is " + actual + ", the manifest records " + sha256);
        }
    }
}
