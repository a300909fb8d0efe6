package org.promptseg.jobs.data;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.PromptsegException;
import org.promptseg.common.Uris;

/**
 * A job output folder that appears whole or not at all: the job writes into a hidden sibling
 * ({@code .<name>.tmp-<uuid>}), and {@link #commit()} renames it onto the target in one step. A failed
 * or killed job leaves at most the hidden folder, never a half output under the target name.
 */
public final class AtomicOutput implements AutoCloseable {
    private final Path target;
    private final Path staging;
    private final FileSystem fs;
    private final Configuration conf;
    private final boolean overwrite;
    private boolean committed;

    private AtomicOutput(Path target, Configuration conf, boolean overwrite) throws IOException {
        this.conf = conf;
        this.fs = Uris.fileSystem(target, conf);
        this.target = fs.makeQualified(target);
        this.overwrite = overwrite;
        this.staging = new Path(this.target.getParent(), "." + this.target.getName() + ".tmp-" + UUID.randomUUID());
    }

    /** Fails before any work when the target exists and {@code overwrite} is false. */
    public static AtomicOutput begin(String uri, Configuration conf, boolean overwrite) throws IOException {
        AtomicOutput out = new AtomicOutput(Uris.toPath(uri), conf, overwrite);
        if (!overwrite && out.fs.exists(out.target)) {
            throw new PromptsegException("output " + out.target + " already exists; choose another location or pass --overwrite");
        }
        out.fs.mkdirs(out.target.getParent());
        return out;
    }

    /** Where the job writes (does not exist yet; Spark writers create it). */
    public Path staging() {
        return staging;
    }

    public Path target() {
        return target;
    }

    /** Moves the finished output onto the target name (replacing an old one only with overwrite). */
    public void commit() throws IOException {
        FileContext fc = FileContext.getFileContext(fs.getUri(), conf);
        Path old = null;
        if (fs.exists(target)) {
            if (!overwrite) {
                throw new PromptsegException("output " + target + " appeared while the job ran; the new output is kept at " + staging);
            }
            old = new Path(target.getParent(), "." + target.getName() + ".old-" + UUID.randomUUID());
            fc.rename(target, old, Options.Rename.NONE);
        }
        fc.rename(staging, target, Options.Rename.NONE);
        committed = true;
        if (old != null) {
            fs.delete(old, true);
        }
    }

    /** Removes the staging folder unless committed. */
    @Override
    public void close() throws IOException {
        if (!committed && fs.exists(staging)) {
            fs.delete(staging, true);
        }
    }
}
