package org.promptseg.volume;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Uris;

/** Small helpers for tests: raw bytes onto any Hadoop filesystem and back. */
public final class TestFiles {
    private TestFiles() {}

    public static Path local(java.nio.file.Path dir, String name) {
        return Uris.toPath(dir.resolve(name).toString());
    }

    public static Path put(Path path, byte[] bytes, Configuration conf) throws IOException {
        FileSystem fs = LocalFiles.fileSystem(path, conf);
        try (OutputStream out = fs.create(path, true)) {
            out.write(bytes);
        }
        return path;
    }

    public static byte[] get(Path path, Configuration conf) throws IOException {
        FileSystem fs = LocalFiles.fileSystem(path, conf);
        try (var in = fs.open(path)) {
            return in.readAllBytes();
        }
    }
}
