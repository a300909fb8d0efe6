package org.promptseg.model.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.promptseg.common.Json;
import org.promptseg.model.ModelSpec;
import org.promptseg.model.NativeThreads;
import org.promptseg.model.PromptKind;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TuningMode;
import org.promptseg.model.loss.LossSettings;
import org.promptseg.model.train.DataBatch;
import org.promptseg.model.train.OptimSettings;
import org.promptseg.model.train.Trainer;

/**
 * {@code promptseg bench model}: what one training step and one forward pass cost, measured in one run.
 *
 * <p>Reports the training step time in full and in prompt mode (median of repetitions), the optimizer
 * state each mode holds, the forward time per window of the plain and of the prompted network (and the
 * prompted/plain ratios, on wall and on process CPU time), the convolution FLOP rate achieved by the full
 * training step against a sgemm peak measured in the same JVM, and — when a Python with torch is found —
 * the same plain network timed in PyTorch, with the ratio. Performance is measured here, never asserted
 * in tests.
 */
public final class ModelBenchmark {
    /** Bench settings; {@link #defaults} keeps the spec's patch (the CLI's {@code --patch}, 64³ by default), batch 2, 2 threads. */
    public record Options(ModelSpec spec, int batch, int threads, int warmup, int reps, boolean pytorch, String python) {
        public static Options defaults(ModelSpec spec) {
            return new Options(spec, 2, 2, 2, 5, true, null);
        }
    }

    /**
     * @param trainFullMs         median training step, every weight trainable (plain network, no prompts)
     * @param trainFullCpuMs      mean process CPU time of that step
     * @param trainPromptMs       median training step in prompt mode (network with the spec's prompt kinds)
     * @param trainPromptCpuMs    mean process CPU time of that step
     * @param trainFullPromptedMs median training step in full mode on the prompted network
     * @param optimizerBytesFull  optimizer state of full mode (prompted network)
     * @param optimizerBytesPrompt optimizer state of prompt mode
     * @param forwardMsPerWindow  inference time per window (plain network, batch as configured)
     * @param forwardCpuMsPerWindow mean process CPU time of that inference, per window
     * @param forwardPromptedMsPerWindow inference time per window of the prompted network
     * @param forwardPromptedCpuMsPerWindow mean process CPU time of that inference, per window
     * @param convGflopsPerStep   convolution FLOPs of one full training step of the plain network, in GFLOP
     * @param convGflops          achieved convolution GFLOP/s in that step
     * @param sgemmPeakGflops     measured sgemm GFLOP/s (2048², same JVM and threads)
     * @param pytorch             PyTorch figures, or null with {@code pytorchSkipped} saying why
     */
    public record Result(String preset, List<Integer> patch, int batch, int threads, Set<PromptKind> kinds,
                         double trainFullMs, double trainFullCpuMs, double trainPromptMs, double trainPromptCpuMs,
                         double trainFullPromptedMs, long optimizerBytesFull, long optimizerBytesPrompt,
                         double forwardMsPerWindow, double forwardCpuMsPerWindow, double forwardPromptedMsPerWindow,
                         double forwardPromptedCpuMsPerWindow, double convGflopsPerStep, double convGflops, double sgemmPeakGflops,
                         PyTorch pytorch, String pytorchSkipped) {
        public Double trainRatioVsPytorch() {
            return pytorch == null ? null : trainFullMs / pytorch.trainStepMs();
        }

        /** The same ratio on process CPU time, which other load on the machine distorts far less than wall time. */
        public Double trainCpuRatioVsPytorch() {
            return pytorch == null ? null : trainFullCpuMs / pytorch.trainStepCpuMs();
        }

        public Double forwardRatioVsPytorch() {
            return pytorch == null ? null : forwardMsPerWindow * batch / pytorch.forwardMs();
        }

        /** Prompt-mode training step of the prompted network over the plain network's full step (wall time). */
        public double promptTrainRatio() {
            return trainPromptMs / trainFullMs;
        }

        /** The same on process CPU time. */
        public double promptTrainCpuRatio() {
            return trainPromptCpuMs / trainFullCpuMs;
        }

        /** Inference of the prompted network over the plain network's (wall time). */
        public double promptForwardRatio() {
            return forwardPromptedMsPerWindow / forwardMsPerWindow;
        }

        /** The same on process CPU time. */
        public double promptForwardCpuRatio() {
            return forwardPromptedCpuMsPerWindow / forwardCpuMsPerWindow;
        }

        public String toText() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "model bench: preset %s, patch %s, batch %d, %d threads, prompts %s%n",
                    preset, patch, batch, threads, kinds));
            b.append(String.format(Locale.ROOT, "  train step full (plain UNet)   %9.1f ms   (%.1f ms process CPU)%n", trainFullMs, trainFullCpuMs));
            b.append(String.format(Locale.ROOT, "  train step full (with prompts) %9.1f ms   optimizer state %,d bytes%n",
                    trainFullPromptedMs, optimizerBytesFull));
            b.append(String.format(Locale.ROOT, "  train step prompt mode         %9.1f ms   optimizer state %,d bytes (%.2f %% of full)%n",
                    trainPromptMs, optimizerBytesPrompt, 100.0 * optimizerBytesPrompt / optimizerBytesFull));
            b.append(String.format(Locale.ROOT, "  forward per window (plain)     %9.1f ms   (%.1f ms process CPU)%n", forwardMsPerWindow, forwardCpuMsPerWindow));
            b.append(String.format(Locale.ROOT, "  forward per window (prompts)   %9.1f ms   (%.1f ms process CPU)%n", forwardPromptedMsPerWindow,
                    forwardPromptedCpuMsPerWindow));
            b.append(String.format(Locale.ROOT, "  prompted / plain: train (prompt mode) %.2fx (CPU %.2fx), forward %.2fx (CPU %.2fx)%n",
                    promptTrainRatio(), promptTrainCpuRatio(), promptForwardRatio(), promptForwardCpuRatio()));
            b.append(String.format(Locale.ROOT, "  conv3d in train step: %.2f GFLOP, %.1f GFLOP/s = %.0f %% of sgemm peak %.1f GFLOP/s%n",
                    convGflopsPerStep, convGflops, 100 * convGflops / sgemmPeakGflops, sgemmPeakGflops));
            if (pytorch != null) {
                b.append(String.format(Locale.ROOT, "  PyTorch %s: train %.1f ms (%.1f ms CPU), forward %.1f ms per batch -> DL4J/PyTorch train %.2fx (CPU time %.2fx), forward %.2fx%n",
                        pytorch.version(), pytorch.trainStepMs(), pytorch.trainStepCpuMs(), pytorch.forwardMs(), trainRatioVsPytorch(),
                        trainCpuRatioVsPytorch(), forwardRatioVsPytorch()));
            } else {
                b.append("  PyTorch comparison skipped: ").append(pytorchSkipped).append(System.lineSeparator());
            }
            return b.toString();
        }

        public String toJson() {
            return Json.pretty(this);
        }
    }

    public record PyTorch(String version, double trainStepMs, double trainStepCpuMs, double forwardMs, long params) {
    }

    private ModelBenchmark() {
    }

    public static Result run(Options o) {
        NativeThreads.set(o.threads());
        ModelSpec prompted = o.spec();
        ModelSpec plain = prompted.withPromptKinds(Set.of());
        DataBatch batch = syntheticBatch(plain, o.batch());

        PromptableUNet plainNet = PromptableUNet.create(plain, 1);
        Trainer plainFull = new Trainer(plainNet, TuningMode.FULL, OptimSettings.adam(1e-3), LossSettings.defaults());
        PromptableUNet promptNet = PromptableUNet.create(prompted, 1);
        PromptableUNet promptNetFull = promptNet.copy();
        Trainer prompt = prompted.prompts().kinds().isEmpty() ? null
                : new Trainer(promptNet, TuningMode.PROMPT, OptimSettings.adam(1e-3), LossSettings.defaults());
        Trainer promptedFull = new Trainer(promptNetFull, TuningMode.FULL, OptimSettings.adam(1e-3), LossSettings.defaults());

        // alternate the variants inside every repetition so load changes hit all of them alike
        List<Double> full = new ArrayList<>();
        List<Double> fullCpu = new ArrayList<>();
        List<Double> promptTimes = new ArrayList<>();
        List<Double> promptCpu = new ArrayList<>();
        List<Double> fullPrompted = new ArrayList<>();
        List<Double> forward = new ArrayList<>();
        List<Double> forwardCpu = new ArrayList<>();
        List<Double> forwardPrompted = new ArrayList<>();
        List<Double> forwardPromptedCpu = new ArrayList<>();
        for (int r = 0; r < o.warmup() + o.reps(); r++) {
            boolean keep = r >= o.warmup();
            long cpu = processCpuNanos();
            add(keep, full, time(() -> plainFull.step(batch)));
            add(keep, fullCpu, (processCpuNanos() - cpu) / 1e6);
            if (prompt != null) {
                cpu = processCpuNanos();
                add(keep, promptTimes, time(() -> prompt.step(batch)));
                add(keep, promptCpu, (processCpuNanos() - cpu) / 1e6);
            }
            add(keep, fullPrompted, time(() -> promptedFull.step(batch)));
            cpu = processCpuNanos();
            add(keep, forward, time(() -> plainNet.predictProbabilities(batch.images())));
            add(keep, forwardCpu, (processCpuNanos() - cpu) / 1e6);
            cpu = processCpuNanos();
            add(keep, forwardPrompted, time(() -> promptNet.predictProbabilities(batch.images())));
            add(keep, forwardPromptedCpu, (processCpuNanos() - cpu) / 1e6);
        }
        double fullMs = median(full);
        double convFlops = convFlopsPerTrainingStep(plainNet, o.batch());
        double sgemm = sgemmPeakGflops();
        PyTorch torch = null;
        String skipped = null;
        if (o.pytorch()) {
            try {
                torch = runPytorch(plain, o);
            } catch (SkipException e) {
                skipped = e.getMessage();
            }
        } else {
            skipped = "disabled by option";
        }
        return new Result(plain.preset(), plain.patch(), o.batch(), o.threads(), prompted.prompts().kinds(),
                fullMs, mean(fullCpu), prompt == null ? Double.NaN : median(promptTimes), prompt == null ? Double.NaN : mean(promptCpu),
                median(fullPrompted), promptedFull.optimizerStateBytes(), prompt == null ? 0 : prompt.optimizerStateBytes(),
                median(forward) / o.batch(), mean(forwardCpu) / o.batch(), median(forwardPrompted) / o.batch(),
                mean(forwardPromptedCpu) / o.batch(), convFlops / 1e9, convFlops / 1e9 / (fullMs / 1000), sgemm, torch, skipped);
    }

    /** CPU time of the whole process, native OpenMP threads included. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void add(boolean keep, List<Double> into, double ms) {
        if (keep) {
            into.add(ms);
        }
    }

    private static double time(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return (System.nanoTime() - t) / 1e6;
    }

    /**
     * Mean, for process CPU time: the OS accounts it in scheduler ticks (10 ms here), so single readings are
     * coarse and only their mean over repetitions is meaningful.
     */
    static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return a.length == 0 ? Double.NaN : a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static DataBatch syntheticBatch(ModelSpec spec, int n) {
        List<Integer> p = spec.patch();
        Nd4j.getRandom().setSeed(1);
        INDArray images = Nd4j.randn(DataType.FLOAT, n, p.get(0), p.get(1), p.get(2), 1);
        INDArray labels = Nd4j.rand(DataType.FLOAT, n, p.get(0), p.get(1), p.get(2)).muli(spec.numClasses());
        labels = org.nd4j.linalg.ops.transforms.Transforms.floor(labels, false);
        return DataBatch.ofClassIndices(images, labels, spec.numClasses(), null);
    }

    /**
     * Multiply-adds of every convolution and transposed convolution, ×2 for FLOPs, ×3 for a training step
     * (forward, input gradient, weight gradient; the first layer's input gradient is counted too).
     */
    static double convFlopsPerTrainingStep(PromptableUNet net, int batch) {
        double flops = 0;
        List<Integer> patch = net.spec().patch();
        for (Layer layer : net.graph().getLayers()) {
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            String name = conf.getLayerName();
            if (conf instanceof Deconvolution3D d) {
                int level = levelOf(name);
                double outVoxels = voxelsAt(patch, level);
                flops += 2.0 * batch * outVoxels * d.getNIn() * d.getNOut();   // each output voxel sees one input voxel per 2³ kernel
            } else if (conf instanceof Convolution3D c) {
                int level = UNetGraphBuilderNames.levelOf(name, net.spec().bottleneckLevel());
                int[] k = c.getKernelSize();
                flops += 2.0 * batch * voxelsAt(patch, level) * c.getNIn() * c.getNOut() * k[0] * k[1] * k[2];
            }
        }
        return 3 * flops;
    }

    private static int levelOf(String name) {
        return UNetGraphBuilderNames.levelOf(name, -1);
    }

    private static double voxelsAt(List<Integer> patch, int level) {
        return (double) (patch.get(0) >> level) * (patch.get(1) >> level) * (patch.get(2) >> level);
    }

    /** sgemm GFLOP/s on 2048² float matrices, best of 5. */
    static double sgemmPeakGflops() {
        int n = 2048;
        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        a.mmuli(b, c);
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            best = Math.min(best, time(() -> a.mmuli(b, c)));
        }
        return 2.0 * n * n * n / (best / 1000) / 1e9;
    }

    private static final class SkipException extends Exception {
        SkipException(String why) {
            super(why);
        }
    }

    private static PyTorch runPytorch(ModelSpec plain, Options o) throws SkipException {
        String python = findPython(o.python());
        Path script = extractScript();
        List<String> cmd = new ArrayList<>(List.of(python, script.toString(),
                "--patch", String.valueOf(plain.patch().get(0)), "--batch", String.valueOf(o.batch()),
                "--channels", String.join(",", plain.channels().stream().map(String::valueOf).toList()),
                "--convs", String.valueOf(plain.convsPerLevel()), "--classes", String.valueOf(plain.numClasses()),
                "--threads", String.valueOf(o.threads()), "--warmup", String.valueOf(o.warmup()), "--reps", String.valueOf(o.reps())));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
            pb.environment().put("OMP_NUM_THREADS", String.valueOf(o.threads()));
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new SkipException("PyTorch script failed (exit " + p.exitValue() + "): " + err.strip());
            }
            String text = new String(out, StandardCharsets.UTF_8).strip();
            JsonNode j = Json.mapper().readTree(text.substring(text.lastIndexOf('\n') + 1));
            return new PyTorch(j.get("torch_version").asText(), j.get("train_step_ms").asDouble(),
                    j.get("train_step_cpu_ms").asDouble(), j.get("forward_ms").asDouble(), j.get("params").asLong());
        } catch (IOException e) {
            throw new SkipException("cannot run " + python + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SkipException("interrupted");
        } finally {
            try {
                Files.deleteIfExists(script);
            } catch (IOException ignored) {
                // temp file
            }
        }
    }

    /** The first of (option, PROMPTSEG_PYTHON, python3 on PATH, /usr/bin/python3) that can import torch. */
    static String findPython(String preferred) throws SkipException {
        List<String> candidates = new ArrayList<>();
        if (preferred != null) {
            candidates.add(preferred);
        }
        if (System.getenv("PROMPTSEG_PYTHON") != null) {
            candidates.add(System.getenv("PROMPTSEG_PYTHON"));
        }
        candidates.addAll(List.of("python3", "/usr/bin/python3"));
        for (String c : candidates) {
            try {
                Process p = new ProcessBuilder(c, "-c", "import torch").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return c;
                }
            } catch (IOException e) {
                // not there: try the next
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new SkipException("no Python with torch among " + candidates + " (Debian: apt-get install python3-torch)");
    }

    private static Path extractScript() throws SkipException {
        try (InputStream in = ModelBenchmark.class.getResourceAsStream("/promptseg/bench/pytorch_unet.py")) {
            if (in == null) {
                throw new SkipException("pytorch_unet.py is not on the classpath");
            }
            Path tmp = Files.createTempFile("promptseg-pytorch-unet", ".py");
            Files.write(tmp, in.readAllBytes());
            return tmp;
        } catch (IOException e) {
            throw new SkipException("cannot extract pytorch_unet.py: " + e.getMessage());
        }
    }

    /** {@code promptseg bench model} without the CLI: args = [patch] [batch] [threads] [kinds, comma-separated]. */
    public static void main(String[] args) {
        ModelSpec tiny = ModelSpec.fromConfig(com.typesafe.config.ConfigFactory.load(), "tiny");
        int patch = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        Set<PromptKind> kinds = args.length > 3
                ? org.promptseg.model.PromptSpec.parseKinds(Arrays.asList(args[3].split(",")), "kinds")
                : EnumSet.allOf(PromptKind.class);
        ModelSpec spec = tiny.withPatch(List.of(patch, patch, patch)).withPromptKinds(kinds);
        Result r = run(new Options(spec, batch, threads, 2, 5, true, null));
        System.out.print(r.toText());
        System.out.println(r.toJson());
    }
}
