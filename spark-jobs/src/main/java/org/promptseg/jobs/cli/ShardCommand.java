package org.promptseg.jobs.cli;

import com.typesafe.config.Config;
import org.promptseg.common.Json;
import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.shard.ShardJob;
import org.promptseg.model.ModelSpec;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.dataset.SplitOptions;
import org.promptseg.volume.preprocess.PreprocessOptions;
import org.promptseg.volume.preprocess.SamplerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code promptseg shard}: NIfTI cases → a Parquet patch dataset partitioned by center. */
@Command(name = "shard", description = "Cases of a collection -> patch dataset (Parquet by center), one Spark task per case.")
public final class ShardCommand extends SparkCommand {
    @Option(names = "--collection", required = true, paramLabel = "URI", description = "centers.json or its folder.")
    String collection;
    @Option(names = "--out", required = true, paramLabel = "URI", description = "Patch dataset to create.")
    String out;
    @Option(names = "--centers", paramLabel = "A,B", description = "Only these centers (default: all).")
    String centers;
    @Option(names = "--preset", paramLabel = "tiny|paper", description = "Patch size from this model preset (default: promptseg.model.preset).")
    String preset;
    @Option(names = "--patch", paramLabel = "Z,Y,X", description = "Patch size in voxels (instead of the preset's).")
    String patch;
    @Option(names = "--patches-per-case", paramLabel = "N", description = "Default: promptseg.shard.patches-per-case.")
    Integer patchesPerCase;
    @Option(names = "--target-spacing", paramLabel = "Z,Y,X", description = "Resampling target in mm (default: promptseg.preprocess or the median spacing).")
    String targetSpacing;
    @Option(names = "--seed", description = "Sampler seed (default: promptseg.sampler.seed).")
    Long seed;
    @Option(names = "--skip-bad", description = "Leave out unreadable cases and list them in shard.json instead of failing.")
    boolean skipBad;
    @Option(names = "--overwrite", description = "Replace an existing patch dataset at --out.")
    boolean overwrite;
    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    Config configure(Config config) {
        return withPreset(config, preset);
    }

    @Override
    int run(JobContext ctx) throws Exception {
        Config c = ctx.config();
        int[] p = patch != null ? ListOption.ints("--patch", patch, 3)
                : ModelSpec.fromConfig(c).patch().stream().mapToInt(Integer::intValue).toArray();
        double[] spacing = targetSpacing == null ? null : ListOption.doubles("--target-spacing", targetSpacing, 3);
        SamplerOptions sampler = SamplerOptions.fromConfig(c);
        ShardJob.Result r = new ShardJob(ctx.spark(), VolumeOptions.fromConfig(c), PreprocessOptions.fromConfig(c), SplitOptions.fromConfig(c),
                sampler, ctx.caseIds(), ctx.progress())
                .run(new ShardJob.Options(collection, out, ListOption.strings(centers), p,
                        patchesPerCase == null ? c.getInt("promptseg.shard.patches-per-case") : patchesPerCase, spacing,
                        seed == null ? sampler.seed() : seed, skipBad, overwrite));
        print(json ? Json.pretty(r) : r.toText());
        return ExitCodes.OK;
    }
}
