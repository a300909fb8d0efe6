package org.promptseg.store.internal;

import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hidden staging directory ({@code .tmp-<uuid>}) next to where an entry will appear. Files are written
 * into it, checked, and then the whole directory is claimed under its final name in one atomic step.
 * If anything fails before the claim, {@link #close} removes it; a process that dies leaves it behind,
 * where listings never look and {@code verify}/{@code gc} find it as a leftover.
 */
public final class Staging implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Staging.class);

    private final StoreFs fs;
    private final Path dir;
    private boolean claimed;

    private Staging(StoreFs fs, Path dir) {
        this.fs = fs;
        this.dir = dir;
    }

    public static Staging in(StoreFs fs, Path parent) throws IOException {
        Path dir = StoreLayout.staging(parent, "");
        fs.mkdirs(dir);
        return new Staging(fs, dir);
    }

    public Path dir() {
        return dir;
    }

    public Path file(String name) {
        return new Path(dir, name);
    }

    /** Atomically renames the staging directory to {@code target}; fails if {@code target} exists. */
    public void claimAs(Path target) throws IOException {
        fs.claimDirectory(dir, target);
        claimed = true;
    }

    @Override
    public void close() {
        if (claimed) {
            return;
        }
        try {
            fs.delete(dir);
        } catch (IOException e) {
            LOG.warn("could not remove staging directory {} ({}); 'store gc' removes it once it is old", dir, e.toString());
        }
    }
}
