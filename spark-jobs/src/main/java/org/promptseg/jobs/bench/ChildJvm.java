package org.promptseg.jobs.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.promptseg.common.PromptsegException;

/**
 * Runs a main class in a fresh JVM with this JVM's classpath (optionally with one jar swapped) and
 * returns its last stdout line: how benchmarks compare two builds side by side in one run.
 */
final class ChildJvm {
    private static final List<String> OPENS = List.of("java.lang", "java.lang.invoke", "java.nio", "java.util", "sun.nio.ch", "sun.nio.cs",
            "sun.security.action", "sun.util.calendar", "java.util.concurrent", "java.net", "java.io");

    private ChildJvm() {}

    static String run(String classpath, List<String> jvmOptions, String mainClass, List<String> args, long timeoutSeconds) {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        OPENS.forEach(p -> cmd.add("--add-opens=java.base/" + p + "=ALL-UNNAMED"));
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(args);
        try {
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new PromptsegException("benchmark child JVM " + mainClass + " did not finish within " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new PromptsegException("benchmark child JVM " + mainClass + " failed with exit code " + p.exitValue());
            }
            String[] lines = out.strip().split("\\R");
            return lines[lines.length - 1];
        } catch (IOException e) {
            throw new PromptsegException("cannot start a benchmark child JVM: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PromptsegException("interrupted while waiting for a benchmark child JVM", e);
        }
    }

    /** This JVM's classpath, or the one in the manifest of a surefire/booter jar. */
    static String currentClasspath() {
        return System.getProperty("java.class.path");
    }
}
