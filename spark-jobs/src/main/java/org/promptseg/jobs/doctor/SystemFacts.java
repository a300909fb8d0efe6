package org.promptseg.jobs.doctor;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/** Facts about the machine the CLI runs on: Java, CPU features, cores, memory, visible GPUs. */
public record SystemFacts(String javaVersion, String javaVm, String os, String cpuModel, Set<String> simd, int cores,
                          long physicalMemoryBytes, long maxHeapBytes, List<Gpu> gpus, String gpuProbe) {

    /** One GPU as nvidia-smi reports it. */
    public record Gpu(int index, String name, String computeCapability, String driverVersion, String memory) {}

    private static final List<String> SIMD_FLAGS = List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "amx_tile");

    public boolean hasAvx512() {
        return simd.contains("avx512f");
    }

    public static SystemFacts read() {
        String model = "unknown";
        Set<String> simd = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name") && model.equals("unknown")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                } else if (line.startsWith("flags") && simd.isEmpty()) {
                    Set<String> flags = Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                    SIMD_FLAGS.stream().filter(flags::contains).forEach(simd::add);
                }
            }
        } catch (IOException e) {
            model = "unknown (no /proc/cpuinfo)";
        }
        long physical = -1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            physical = os.getTotalMemorySize();
        }
        List<Gpu> gpus = new ArrayList<>();
        String probe = probeGpus(gpus);
        return new SystemFacts(System.getProperty("java.version"), System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"), model, simd, Runtime.getRuntime().availableProcessors(),
                physical, Runtime.getRuntime().maxMemory(), gpus, probe);
    }

    /** Runs nvidia-smi if present; returns a one-line description of what was found. */
    private static String probeGpus(List<Gpu> out) {
        ProcessBuilder pb = new ProcessBuilder("nvidia-smi", "--query-gpu=index,name,compute_cap,driver_version,memory.total",
                "--format=csv,noheader").redirectErrorStream(true);
        try {
            Process p = pb.start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "nvidia-smi did not answer within 20 s";
            }
            if (p.exitValue() != 0) {
                return "nvidia-smi failed: " + text.strip();
            }
            for (String line : text.strip().split("\\R")) {
                String[] f = Arrays.stream(line.split(",")).map(String::trim).toArray(String[]::new);
                if (f.length >= 5) {
                    out.add(new Gpu(Integer.parseInt(f[0]), f[1], f[2], f[3], f[4]));
                }
            }
            return out.size() + " GPU(s) visible to nvidia-smi";
        } catch (IOException e) {
            return "no GPU visible (nvidia-smi not found)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "GPU probe interrupted";
        }
    }
}
