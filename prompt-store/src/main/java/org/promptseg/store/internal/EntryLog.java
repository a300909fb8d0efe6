package org.promptseg.store.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Compare-and-set on a Hadoop filesystem without locks: a directory of numbered, immutable entries
 * ({@code 00000001.json}, {@code 00000002.json}, ...) whose highest entry is the current value and whose
 * list is the history. Appending entry {@code n+1} succeeds only for the one writer whose claim of that
 * name wins ({@link StoreFs#claimFile}); a writer whose view was stale finds the name taken and fails.
 * Entries are only ever added at the top, so "latest is still n" plus "n+1 was free" is a real CAS.
 */
public final class EntryLog {
    private final StoreFs fs;
    private final Path dir;

    public EntryLog(StoreFs fs, Path dir) {
        this.fs = fs;
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path path(long seq) {
        return new Path(dir, StoreLayout.entryName(seq) + ".json");
    }

    /** Sequence numbers present, ascending. */
    public List<Long> sequence() throws IOException {
        List<Long> seqs = new ArrayList<>();
        for (FileStatus st : fs.list(dir)) {
            String name = st.getPath().getName();
            if (st.isFile() && StoreLayout.ENTRY_FILE.matcher(name).matches()) {
                seqs.add(Long.parseLong(name.substring(0, 8)));
            }
        }
        seqs.sort(null);
        return seqs;
    }

    /** The current (highest) sequence number, 0 for an empty log. */
    public long latest() throws IOException {
        List<Long> seqs = sequence();
        return seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1);
    }

    public byte[] read(long seq, long maxBytes) throws IOException {
        return fs.read(path(seq), maxBytes);
    }

    /**
     * Appends {@code content} as entry {@code expectedLatest + 1} if the log's latest entry is still
     * {@code expectedLatest} (0 = empty). Returns false, writing nothing, when another writer got there first.
     */
    public boolean appendIfLatest(long expectedLatest, byte[] content) throws IOException {
        if (latest() != expectedLatest) {
            return false;
        }
        fs.mkdirs(dir);
        Path staging = StoreLayout.staging(dir, ".json");
        try {
            fs.write(staging, content);
            fs.claimFile(staging, path(expectedLatest + 1));
            return true;
        } catch (FileAlreadyExistsException lost) {
            return false;
        } finally {
            if (fs.exists(staging)) {
                fs.delete(staging);
            }
        }
    }

    /** Removes entries older than {@code keepFrom} (never the current one); for logs whose history does not matter. */
    public void pruneBefore(long keepFrom) throws IOException {
        for (long seq : sequence()) {
            if (seq < keepFrom) {
                fs.delete(path(seq));
            }
        }
    }
}
