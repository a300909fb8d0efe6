package org.promptseg.model.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.promptseg.model.ModelSpec;
import org.promptseg.model.NativeThreads;
import org.promptseg.model.PromptKind;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TuningMode;
import org.promptseg.model.layers.ReferenceWindowPromptAttention;
import org.promptseg.model.layers.WindowPromptAttention;
import org.promptseg.model.loss.LossSettings;
import org.promptseg.model.train.DataBatch;
import org.promptseg.model.train.OptimSettings;
import org.promptseg.model.train.Trainer;

/**
 * Side-by-side timing of the prompt layers' implementations in one JVM: the plain tiny UNet, the same network
 * with deep prompts as it runs now, and the same deep-prompt network (same parameters) with the SameDiff
 * reference layers from the tests. Every repetition runs every variant once, in turn, so load changes on a
 * shared machine hit all of them alike; medians of wall time, the mean process CPU time per call and the
 * median CPU time of the calling thread (with one native thread the work runs on the calling thread, and that
 * figure is the one other load on the machine disturbs least).
 *
 * <p>Usage: {@code SideBySideBench <patch> <batch> <threads> <reps> [kinds=deep] [classes=6]}.
 */
public final class SideBySideBench {
    private SideBySideBench() {
    }

    private record Variant(String name, Runnable call) {
    }

    public static void main(String[] args) throws IOException {
        int patch = Integer.parseInt(args[0]);
        int batch = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        int reps = Integer.parseInt(args[3]);
        Set<PromptKind> kinds = args.length > 4 ? org.promptseg.model.PromptSpec.parseKinds(List.of(args[4].split(",")), "kinds")
                : Set.of(PromptKind.DEEP);
        int classes = args.length > 5 ? Integer.parseInt(args[5]) : 6;
        boolean withReference = args.length <= 6 || Boolean.parseBoolean(args[6]);
        NativeThreads.set(threads);
        ModelSpec tiny = ModelSpec.fromConfig(com.typesafe.config.ConfigFactory.load(), "tiny")
                .withPatch(List.of(patch, patch, patch)).withNumClasses(classes);
        ModelSpec prompted = tiny.withPromptKinds(kinds);
        ModelSpec plain = tiny.withPromptKinds(Set.of());

        PromptableUNet plainNet = PromptableUNet.create(plain, 1);
        PromptableUNet promptNet = PromptableUNet.create(prompted, 1);
        PromptableUNet referenceNet = withReference ? withReferenceLayers(promptNet) : null;
        DataBatch data = batch(plain, batch);

        Trainer plainFull = new Trainer(plainNet, TuningMode.FULL, OptimSettings.adam(1e-3), LossSettings.defaults());
        Trainer promptMode = new Trainer(promptNet, TuningMode.PROMPT, OptimSettings.adam(1e-3), LossSettings.defaults());
        Trainer referenceMode = withReference
                ? new Trainer(referenceNet, TuningMode.PROMPT, OptimSettings.adam(1e-3), LossSettings.defaults()) : null;

        List<Variant> variants = new ArrayList<>();
        variants.add(new Variant("train plain (full mode)", () -> plainFull.step(data)));
        variants.add(new Variant("train " + kinds + " (prompt mode)", () -> promptMode.step(data)));
        if (withReference) {
            variants.add(new Variant("train " + kinds + " SameDiff reference", () -> referenceMode.step(data)));
        }
        variants.add(new Variant("infer plain", () -> plainNet.predictProbabilities(data.images())));
        variants.add(new Variant("infer " + kinds, () -> promptNet.predictProbabilities(data.images())));
        if (withReference) {
            variants.add(new Variant("infer " + kinds + " SameDiff reference", () -> referenceNet.predictProbabilities(data.images())));
        }

        Map<String, List<Double>> wall = new LinkedHashMap<>();
        Map<String, List<Double>> threadCpu = new LinkedHashMap<>();
        Map<String, Double> cpu = new LinkedHashMap<>();
        java.lang.management.ThreadMXBean threadBean = java.lang.management.ManagementFactory.getThreadMXBean();
        int warmup = 2;
        for (int r = 0; r < warmup + reps; r++) {
            for (Variant v : variants) {
                long c0 = processCpuNanos();
                long tc0 = threadBean.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                v.call().run();
                double ms = (System.nanoTime() - t0) / 1e6;
                double threadMs = (threadBean.getCurrentThreadCpuTime() - tc0) / 1e6;
                double cpuMs = (processCpuNanos() - c0) / 1e6;
                if (r >= warmup) {
                    wall.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(ms);
                    threadCpu.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(threadMs);
                    cpu.merge(v.name(), cpuMs / reps, Double::sum);
                }
            }
        }
        System.out.printf(Locale.ROOT, "side by side: patch %d³, batch %d, %d thread(s), %d classes, %d reps (+%d warm-up), load %.1f%n",
                patch, batch, threads, classes, reps, warmup, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (String name : wall.keySet()) {
            System.out.printf(Locale.ROOT, "  %-40s wall median %8.1f ms (min %8.1f)   process CPU mean %8.1f ms   calling-thread CPU median %8.1f ms%n",
                    name, ModelBenchmark.median(wall.get(name)), wall.get(name).stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                    cpu.get(name), ModelBenchmark.median(threadCpu.get(name)));
        }
    }

    /** A copy of the network whose attention blocks are the SameDiff reference layers (same parameters). */
    static PromptableUNet withReferenceLayers(PromptableUNet net) throws IOException {
        byte[] zip = net.toZipBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip)); ZipOutputStream z = new ZipOutputStream(out)) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                byte[] bytes = in.readAllBytes();
                if (e.getName().equals("configuration.json")) {
                    String json = new String(bytes, StandardCharsets.UTF_8).replace(
                            "\"" + WindowPromptAttention.class.getName() + "\"", "\"" + ReferenceWindowPromptAttention.class.getName() + "\"");
                    bytes = json.getBytes(StandardCharsets.UTF_8);
                }
                z.putNextEntry(new ZipEntry(e.getName()));
                z.write(bytes);
                z.closeEntry();
            }
        }
        PromptableUNet ref = PromptableUNet.fromZipBytes(out.toByteArray());
        if (ref.graph().getConfiguration().toJson().contains("\"" + WindowPromptAttention.class.getName() + "\"")) {
            throw new IllegalStateException("reference swap failed");
        }
        return ref;
    }

    private static DataBatch batch(ModelSpec spec, int n) {
        List<Integer> p = spec.patch();
        Nd4j.getRandom().setSeed(1);
        INDArray images = Nd4j.randn(DataType.FLOAT, n, p.get(0), p.get(1), p.get(2), 1);
        INDArray labels = org.nd4j.linalg.ops.transforms.Transforms.floor(
                Nd4j.rand(DataType.FLOAT, n, p.get(0), p.get(1), p.get(2)).muli(spec.numClasses()), false);
        return DataBatch.ofClassIndices(images, labels, spec.numClasses(), null);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
