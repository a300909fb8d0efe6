package org.promptseg.common;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The one place where a user-supplied location becomes a Hadoop {@link Path}.
 *
 * <p>Every promptseg command accepts a Hadoop URI ({@code file:}, {@code hdfs:}, anything Hadoop has a
 * filesystem for) and equally a plain local path; a plain path is made absolute against the working
 * directory so that Spark executors, which run elsewhere, see the same file.
 */
public final class Uris {
    private Uris() {}

    /** Resolves a URI or a plain local path (relative paths against the current directory). */
    public static Path toPath(String location) {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("empty location: expected a Hadoop URI (file:, hdfs:, ...) or a local path");
        }
        String trimmed = location.trim();
        if (trimmed.startsWith("file:") && !trimmed.startsWith("file:/")) {
            // "file:./x" or "file:x" is an opaque URI without a path: it means the relative local path
            return new Path(Paths.get(trimmed.substring(5)).toAbsolutePath().normalize().toUri());
        }
        if (hasScheme(trimmed)) {
            try {
                return new Path(new URI(trimmed));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("malformed URI '" + trimmed + "': " + e.getReason(), e);
            }
        }
        return new Path(Paths.get(trimmed).toAbsolutePath().normalize().toUri());
    }

    /** The filesystem that serves {@code path}, with a default Hadoop configuration. */
    public static FileSystem fileSystem(Path path) {
        return fileSystem(path, new Configuration());
    }

    public static FileSystem fileSystem(Path path, Configuration conf) {
        try {
            return path.getFileSystem(conf);
        } catch (IOException e) {
            throw new UncheckedIOException("no filesystem for " + path + ": " + e.getMessage(), e);
        }
    }

    /** Fully qualified string form (scheme and authority filled in), stable across JVMs. */
    public static String qualified(Path path, Configuration conf) {
        return fileSystem(path, conf).makeQualified(path).toString();
    }

    /** {@code scheme:} with at least two letters, so that a Windows-style "C:" is not mistaken for one. */
    static boolean hasScheme(String s) {
        int colon = s.indexOf(':');
        if (colon < 2) {
            return false;
        }
        for (int i = 0; i < colon; i++) {
            char c = s.charAt(i);
            boolean ok = Character.isLetter(c) || (i > 0 && (Character.isDigit(c) || c == '+' || c == '-' || c == '.'));
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
