package org.promptseg.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.promptseg.common.Json;
import org.promptseg.jobs.doctor.Conv3dProbe;

/**
 * Conv3D training step with the oneDNN build of ND4J against the plain build, each in its own JVM
 * (JavaCPP loads one native build per process), alternated rep by rep so that machine noise hits
 * both sides alike. The plain jar is copied next to the spark-jobs jar by the build
 * ({@code target/backends/nd4j-native-linux-x86_64.jar}).
 */
public final class BackendComparison {
    /** Medians over reps of each side's median step time. */
    public record Result(int patch, int batch, int channels, int reps, double oneDnnStepMs, double plainStepMs,
                         double plainOverOneDnn, boolean oneDnnSideHadOneDnn, boolean plainSideHadOneDnn, String skippedBecause) {
        public String toText() {
            if (skippedBecause != null) {
                return "Conv3D step oneDNN vs plain: skipped (" + skippedBecause + ")";
            }
            return String.format(Locale.ROOT, "Conv3D training step %d^3 batch %d, %d channels: oneDNN %.1f ms, plain %.1f ms -> plain/oneDNN = %.2fx",
                    patch, batch, channels, oneDnnStepMs, plainStepMs, plainOverOneDnn);
        }
    }

    private static final String ONEDNN_JAR = "nd4j-native-1.0.0-M2.1-linux-x86_64-onednn-avx2.jar";

    private BackendComparison() {}

    public static Result run(int patch, int batch, int channels, int reps, int stepsPerRep) {
        String cp = ChildJvm.currentClasspath();
        Optional<String> oneDnnEntry = Arrays.stream(cp.split(File.pathSeparator)).filter(e -> e.endsWith(ONEDNN_JAR)).findFirst();
        Optional<Path> plainJar = findPlainJar(cp);
        if (oneDnnEntry.isEmpty() || plainJar.isEmpty()) {
            return new Result(patch, batch, channels, 0, Double.NaN, Double.NaN, Double.NaN, false, false,
                    oneDnnEntry.isEmpty() ? "the oneDNN build is not on this classpath" : "plain nd4j-native jar not found (run mvn package)");
        }
        String plainCp = Arrays.stream(cp.split(File.pathSeparator)).map(e -> e.equals(oneDnnEntry.get()) ? plainJar.get().toString() : e)
                .collect(Collectors.joining(File.pathSeparator));
        List<String> args = List.of(Integer.toString(patch), Integer.toString(batch), Integer.toString(channels), "2", Integer.toString(stepsPerRep));
        List<Double> oneDnn = new ArrayList<>();
        List<Double> plain = new ArrayList<>();
        boolean oneDnnHad = true;
        boolean plainHad = false;
        for (int rep = 0; rep < reps; rep++) {
            JsonNode a = parse(ChildJvm.run(cp, List.of("-Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2"), Conv3dProbe.class.getName(), args, 900));
            JsonNode b = parse(ChildJvm.run(plainCp, List.of("-Dorg.bytedeco.javacpp.platform.extension="), Conv3dProbe.class.getName(), args, 900));
            oneDnn.add(a.path("result").path("medianStepMs").asDouble());
            plain.add(b.path("result").path("medianStepMs").asDouble());
            oneDnnHad &= a.path("nd4j").path("oneDnnLinked").asBoolean();
            plainHad |= b.path("nd4j").path("oneDnnLinked").asBoolean();
        }
        double o = median(oneDnn);
        double p = median(plain);
        return new Result(patch, batch, channels, reps, o, p, p / o, oneDnnHad, plainHad, null);
    }

    static Optional<Path> findPlainJar(String classpath) {
        for (String entry : classpath.split(File.pathSeparator)) {
            if (entry.contains("promptseg-spark-jobs") && entry.endsWith(".jar")) {
                Path candidate = Path.of(entry).getParent().resolve("backends/nd4j-native-linux-x86_64.jar");
                if (Files.isRegularFile(candidate)) {
                    return Optional.of(candidate);
                }
            }
            if (entry.endsWith("spark-jobs/target/classes")) {
                Path candidate = Path.of(entry).getParent().resolve("backends/nd4j-native-linux-x86_64.jar");
                if (Files.isRegularFile(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static JsonNode parse(String line) {
        try {
            return Json.mapper().readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("benchmark child printed no JSON: " + line, e);
        }
    }

    static double median(List<Double> xs) {
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s.length == 0 ? Double.NaN : s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** {@code patch batch channels reps steps} */
    public static void main(String[] args) {
        int[] a = args.length == 5 ? Arrays.stream(args).mapToInt(Integer::parseInt).toArray() : new int[] {32, 2, 16, 3, 5};
        Result r = run(a[0], a[1], a[2], a[3], a[4]);
        System.out.println(r.toText());
        System.out.println(Json.pretty(r));
    }
}
