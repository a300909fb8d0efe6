package org.promptseg.jobs.cli;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.HadoopFiles;
import org.promptseg.common.Json;
import org.promptseg.common.Uris;
import org.promptseg.jobs.bench.BackendComparison;
import org.promptseg.jobs.bench.SparkTuneBenchmark;
import org.promptseg.model.ModelSpec;
import org.promptseg.model.bench.ModelBenchmark;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.nifti.NiftiReadBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code promptseg bench}: performance figures, each a ratio of two things measured side by side in this
 * run (machines are noisy), with the absolute numbers beside it; writes them to bench.json.
 */
@Command(name = "bench", description = "Measure: model (oneDNN vs plain build, prompt vs full step, optimizer state, PyTorch if installed),"
        + " io (NIfTI read vs gunzip), spark (tune throughput vs a plain loop, 1 vs 2 slots, bytes per round), or all.")
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", defaultValue = "all", paramLabel = "model|io|spark|all", description = "Default: ${DEFAULT-VALUE}.")
    String what;
    @Option(names = "--out", defaultValue = "bench.json", paramLabel = "URI", description = "Where the figures go as JSON. Default: ${DEFAULT-VALUE}.")
    String out;
    @Option(names = "--patch", defaultValue = "64", description = "Patch edge of the model bench (voxels). Default: ${DEFAULT-VALUE}.")
    int patch;
    @Option(names = "--reps", defaultValue = "5", description = "Repetitions per figure. Default: ${DEFAULT-VALUE}.")
    int reps;
    @Option(names = "--no-pytorch", description = "Skip the PyTorch comparison even when torch is installed.")
    boolean noPytorch;

    @Override
    public Integer call() throws Exception {
        if (!List.of("model", "io", "spark", "all").contains(what)) {
            throw new UsageException("bench '" + what + "': expected model, io, spark or all");
        }
        Config config = PromptsegCli.root(spec).config();
        Map<String, Object> figures = new LinkedHashMap<>();
        var o = spec.commandLine().getOut();
        if (what.equals("model") || what.equals("all")) {
            BackendComparison.Result backend = BackendComparison.run(32, 2, 16, Math.max(2, reps / 2), 5);
            o.println(backend.toText());
            figures.put("conv3d_onednn_vs_plain", backend);
            ModelSpec tiny = ModelSpec.fromConfig(config, "tiny");
            ModelBenchmark.Options mo = ModelBenchmark.Options.defaults(tiny.withPatch(List.of(patch, patch, patch)));
            ModelBenchmark.Result model = ModelBenchmark.run(new ModelBenchmark.Options(mo.spec(), mo.batch(), mo.threads(), mo.warmup(), reps,
                    !noPytorch, mo.python()));
            o.print(model.toText());
            figures.put("model", Json.mapper().readTree(model.toJson()));
        }
        if (what.equals("io") || what.equals("all")) {
            java.nio.file.Path dir = Files.createTempDirectory("promptseg-bench-io");
            Configuration conf = new Configuration();
            Path file = NiftiReadBenchmark.writeSample(Uris.toPath(dir.toString()), conf, 256);
            NiftiReadBenchmark.Result io;
            try {
                io = NiftiReadBenchmark.run(file, conf, VolumeOptions.fromConfig(config), Math.max(3, reps));
            } finally {
                org.apache.hadoop.fs.FileUtil.fullyDelete(dir.toFile());
            }
            o.println(io.toText());
            figures.put("nifti_read", Json.mapper().readTree(io.toJson()));
        }
        if (what.equals("spark") || what.equals("all")) {
            SparkTuneBenchmark.Result sparkResult = SparkTuneBenchmark.run(config, 2, Math.max(3, reps), 4);
            o.println(sparkResult.toText());
            figures.put("spark", sparkResult);
        }
        figures.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(), "java", System.getProperty("java.version"),
                "load_average", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        HadoopFiles.writeStringAtomically(Uris.toPath(out), new Configuration(), true, Json.pretty(figures));
        o.println("figures written to " + out);
        return ExitCodes.OK;
    }
}
