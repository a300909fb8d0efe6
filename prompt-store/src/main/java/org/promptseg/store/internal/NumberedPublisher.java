package org.promptseg.store.internal;

import java.io.IOException;
import java.util.function.IntFunction;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.promptseg.store.StoreException;

/**
 * Publishes a directory under the next free number of a parent (prompt versions, model versions):
 * payload files are written and checked once in a staging directory, then for each attempt the manifest
 * naming the candidate number is (re)written and the directory is claimed under that number. A claim
 * that loses to a concurrent publisher moves on to the next number, so numbers are distinct and
 * increasing, and nothing published is ever overwritten.
 */
public final class NumberedPublisher {
    /** Attempts before giving up; each failed attempt means another publisher succeeded. */
    static final int MAX_ATTEMPTS = 10_000;

    private NumberedPublisher() {}

    /** Writes the payload into the staging directory (and checks it). */
    @FunctionalInterface
    public interface Payload {
        void writeInto(Staging staging) throws IOException;
    }

    /**
     * @param manifestName file name of the manifest inside the entry
     * @param manifestFor the manifest bytes for a candidate number
     * @return the number claimed
     */
    public static int publish(StoreFs fs, Path parent, Payload payload, String manifestName, IntFunction<byte[]> manifestFor)
            throws IOException {
        fs.mkdirs(parent);
        try (Staging staging = Staging.in(fs, parent)) {
            payload.writeInto(staging);
            Path manifest = staging.file(manifestName);
            for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                int candidate = highest(fs, parent) + 1;
                fs.delete(manifest);
                fs.write(manifest, manifestFor.apply(candidate));
                try {
                    staging.claimAs(new Path(parent, StoreLayout.versionName(candidate)));
                    return candidate;
                } catch (FileAlreadyExistsException lostRace) {
                    // another publisher took this number; look again
                }
            }
            throw new StoreException(parent + ": no free version number after " + MAX_ATTEMPTS + " attempts");
        }
    }

    /** The highest published number under {@code parent}, 0 if none. */
    public static int highest(StoreFs fs, Path parent) throws IOException {
        int max = 0;
        for (FileStatus st : fs.list(parent)) {
            String name = st.getPath().getName();
            if (st.isDirectory() && StoreLayout.VERSION_DIR.matcher(name).matches()) {
                max = Math.max(max, Integer.parseInt(name));
            }
        }
        return max;
    }
}
