package org.promptseg.store;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** Starts a main class of the test classpath in a separate JVM, for tests that need other processes (and kill them). */
final class ChildJvm {
    private ChildJvm() {}

    static Process start(Class<?> main, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // small and quick to start: these children publish a few kilobytes
        cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Dorg.slf4j.simpleLogger.defaultLogLevel=error",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"), "-cp", classpath(), main.getName()));
        cmd.addAll(args);
        try {
            return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    /** Reads the child's stdout until a line equal to {@code line}; fails if the child ends first. */
    static BufferedReader awaitLine(Process p, String line) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        for (String l; (l = out.readLine()) != null; ) {
            if (l.equals(line)) {
                return out;
            }
        }
        throw new IllegalStateException("child ended before printing '" + line + "' (exit " + waitQuietly(p) + ")");
    }

    private static int waitQuietly(Process p) {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * This JVM's classpath. Surefire may run tests from a manifest-only jar whose Class-Path attribute
     * lists the real entries as URLs; expand it so that the child sees the same classes.
     */
    static String classpath() {
        String cp = System.getProperty("java.class.path");
        String[] entries = cp.split(File.pathSeparator);
        if (entries.length != 1 || !entries[0].endsWith(".jar")) {
            return cp;
        }
        try (JarFile jar = new JarFile(entries[0])) {
            Manifest m = jar.getManifest();
            String classPath = m == null ? null : m.getMainAttributes().getValue("Class-Path");
            if (classPath == null || classPath.isBlank()) {
                return cp;
            }
            List<String> out = new ArrayList<>();
            URI base = new File(entries[0]).toURI();
            for (String url : classPath.trim().split("\\s+")) {
                out.add(Path.of(base.resolve(url)).toString());
            }
            return String.join(File.pathSeparator, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the manifest of " + entries[0], e);
        }
    }
}
