package org.promptseg.common;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * Small-file operations over any Hadoop filesystem with the guarantees promptseg promises:
 * readers never see a partially written file, and nothing is silently overwritten.
 */
public final class HadoopFiles {
    private HadoopFiles() {}

    /** Callback that writes the content of a file. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} via a hidden temporary sibling and one rename. With {@code overwrite=false}
     * an existing target makes this fail with {@link FileAlreadyExistsException} and leaves it intact.
     *
     * <p>Uses {@link FileContext#rename(Path, Path, Options.Rename...)} because {@code FileSystem.rename}
     * onto an existing directory moves the source inside it instead of failing.
     */
    public static void writeAtomically(Path target, Configuration conf, boolean overwrite, Writer writer) throws IOException {
        FileSystem fs = Uris.fileSystem(target, conf);
        Path parent = target.getParent();
        if (parent != null) {
            fs.mkdirs(parent);
        }
        Path tmp = new Path(parent, "." + target.getName() + ".tmp-" + UUID.randomUUID());
        try {
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                writer.write(out);
                out.hsync();
            }
            FileContext fc = FileContext.getFileContext(fs.getUri(), conf);
            fc.rename(tmp, target, overwrite ? Options.Rename.OVERWRITE : Options.Rename.NONE);
        } finally {
            if (fs.exists(tmp)) {
                fs.delete(tmp, false);
            }
        }
    }

    public static void writeAtomically(Path target, Configuration conf, boolean overwrite, byte[] content) throws IOException {
        writeAtomically(target, conf, overwrite, out -> out.write(content));
    }

    public static void writeStringAtomically(Path target, Configuration conf, boolean overwrite, String content) throws IOException {
        writeAtomically(target, conf, overwrite, content.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a whole small file, refusing files larger than {@code maxBytes} before reading them
     * (JSON manifests and headers: a corrupt or hostile file must not exhaust memory).
     */
    public static byte[] readAllBytes(Path path, Configuration conf, long maxBytes) throws IOException {
        FileSystem fs = Uris.fileSystem(path, conf);
        long len;
        try {
            len = fs.getFileStatus(path).getLen();
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException(path + ": no such file");
        }
        if (len > maxBytes) {
            throw new IOException(path + ": " + len + " bytes, larger than the " + maxBytes + " bytes allowed for this kind of file");
        }
        try (InputStream in = fs.open(path)) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream((int) len);
            in.transferTo(buf);
            return buf.toByteArray();
        }
    }

    public static String readString(Path path, Configuration conf, long maxBytes) throws IOException {
        return new String(readAllBytes(path, conf, maxBytes), StandardCharsets.UTF_8);
    }
}
