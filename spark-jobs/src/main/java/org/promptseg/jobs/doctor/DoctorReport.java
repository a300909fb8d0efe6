package org.promptseg.jobs.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Everything {@code promptseg doctor} found, as one record (JSON) and as text. */
public record DoctorReport(String promptsegVersion, String sparkVersion, SystemFacts system, Nd4jFacts nd4j,
                           String nativeLimits, List<SelfCheck.TaskReport> selfCheck, String selfCheckMaster,
                           String selfCheckSkippedBecause, List<String> hints, String effectiveConfig) {

    /** True when every check that ran passed. */
    public boolean ok() {
        return selfCheckSkippedBecause != null || (!selfCheck.isEmpty() && selfCheck.stream().allMatch(SelfCheck.TaskReport::trained));
    }

    public static List<String> hints(SystemFacts sys, Nd4jFacts nd4j) {
        List<String> hints = new ArrayList<>();
        if (sys.hasAvx512() && "-onednn-avx2".equals(nd4j.platformExtension())) {
            hints.add("this CPU has AVX-512: the avx2 build runs (oneDNN dispatches AVX-512 kernels at run time), and building with"
                    + " 'mvn -Pavx512' uses the onednn-avx512 native build for the rest of libnd4j");
        }
        if (!nd4j.oneDnnLinked() && nd4j.backend().startsWith("Cpu")) {
            hints.add("this ND4J build has no oneDNN: 3D convolutions run several times slower; use the default build");
        }
        if (!sys.gpus().isEmpty() && nd4j.backend().startsWith("Cpu")) {
            hints.add("GPUs are visible but this build uses the CPU backend: build with 'mvn -Pcuda' for GPU executors");
        }
        for (SystemFacts.Gpu g : sys.gpus()) {
            double cc = parseDouble(g.computeCapability());
            if (cc > 8.6) {
                hints.add("GPU " + g.index() + " (" + g.name() + ", compute capability " + g.computeCapability()
                        + ") is newer than the CUDA 11.6 build of ND4J targets (up to 8.6): kernels would rely on PTX JIT; verify before production use");
            }
        }
        return hints;
    }

    private static double parseDouble(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "promptseg   %s%n", promptsegVersion));
        b.append(String.format(Locale.ROOT, "Java        %s (%s) on %s%n", system.javaVersion(), system.javaVm(), system.os()));
        b.append(String.format(Locale.ROOT, "Spark       %s (Scala 2.13)%n", sparkVersion));
        b.append(String.format(Locale.ROOT, "ND4J        %s; native build %s; oneDNN %s; BLAS %s; OpenMP threads %d; platform extension '%s'%n",
                nd4j.backend(), String.join(" ", nd4j.buildFlags()),
                nd4j.oneDnnActive() ? "active" : nd4j.oneDnnLinked() ? "linked but disabled" : "not in this build",
                nd4j.blasVendor(), nd4j.ompThreads(), nd4j.platformExtension()));
        b.append(String.format(Locale.ROOT, "CPU         %s; %d cores; SIMD %s%n", system.cpuModel(), system.cores(), String.join(" ", system.simd())));
        b.append(String.format(Locale.ROOT, "Memory      %.1f GiB physical; JVM heap max %.1f GiB; %s%n",
                system.physicalMemoryBytes() / 1073741824.0, system.maxHeapBytes() / 1073741824.0, nativeLimits));
        b.append(String.format(Locale.ROOT, "GPUs        %s%n", system.gpuProbe()));
        for (SystemFacts.Gpu g : system.gpus()) {
            b.append(String.format(Locale.ROOT, "            #%d %s, compute capability %s, driver %s, %s%n",
                    g.index(), g.name(), g.computeCapability(), g.driverVersion(), g.memory()));
        }
        if (selfCheckSkippedBecause != null) {
            b.append("Self-check  skipped: ").append(selfCheckSkippedBecause).append('\n');
        } else {
            long threads = selfCheck.stream().map(t -> t.executorId() + "/" + t.thread()).distinct().count();
            boolean allOneDnn = selfCheck.stream().allMatch(SelfCheck.TaskReport::oneDnnActive);
            b.append(String.format(Locale.ROOT, "Self-check  Spark %s: %d tasks on %d executor threads, Conv3D training step %s, oneDNN %s: %s%n",
                    selfCheckMaster, selfCheck.size(), threads,
                    selfCheck.stream().map(t -> String.format(Locale.ROOT, "%.0f ms", t.stepMs())).toList(),
                    allOneDnn ? "active in every task" : "NOT active in every task", ok() ? "OK" : "FAILED"));
        }
        for (String h : hints) {
            b.append("hint        ").append(h).append('\n');
        }
        b.append("Configuration (effective):\n");
        for (String line : effectiveConfig.split("\\R")) {
            b.append("  ").append(line).append('\n');
        }
        return b.toString();
    }
}
