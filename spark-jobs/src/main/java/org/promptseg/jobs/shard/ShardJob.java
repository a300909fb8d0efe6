package org.promptseg.jobs.shard;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.promptseg.common.Ids;
import org.promptseg.common.PromptsegException;
import org.promptseg.jobs.data.AtomicOutput;
import org.promptseg.jobs.data.CaseIds;
import org.promptseg.jobs.data.PatchTable;
import org.promptseg.jobs.data.ShardManifest;
import org.promptseg.jobs.progress.Progress;
import org.promptseg.jobs.spark.SparkTaskProgress;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.dataset.CaseRef;
import org.promptseg.volume.dataset.CaseSplit;
import org.promptseg.volume.dataset.CenterCollection;
import org.promptseg.volume.dataset.ClassMapping;
import org.promptseg.volume.dataset.Dataset;
import org.promptseg.volume.dataset.SplitOptions;
import org.promptseg.volume.preprocess.Fingerprint;
import org.promptseg.volume.preprocess.FingerprintPartial;
import org.promptseg.volume.preprocess.PreprocessOptions;
import org.promptseg.volume.preprocess.SamplerOptions;

/**
 * {@code promptseg shard}: NIfTI cases of a collection → a patch dataset (Parquet, partitioned by center).
 *
 * <p>Two passes, one Spark task per case: the first reads every case of the train and val splits, checks it
 * and computes fingerprint statistics and a content hash (so every bad case is found before anything is
 * written, and named with its file); the second preprocesses each case to the target spacing and samples
 * patches with the seeded sampler. The output appears atomically under its final name, with
 * {@code shard.json} and per-center fingerprint partials beside the Parquet files.
 */
public final class ShardJob {
    /** Inputs of one shard run. */
    public record Options(String collection, String out, List<String> centers, int[] patchSizeZyx, int patchesPerCase, double[] targetSpacingZyx,
                          long samplerSeed, boolean skipBad, boolean overwrite) {}

    /** What was written. */
    public record Result(String out, Map<String, Long> patchesByCenter, int cases, List<ShardManifest.SkippedCase> skipped,
                         double[] targetSpacingZyx, Fingerprint fingerprint, double seconds) {
        public String toText() {
            StringBuilder b = new StringBuilder("patch dataset " + out + ": " + cases + " cases, patches per center " + patchesByCenter
                    + ", spacing (z,y,x) " + java.util.Arrays.toString(targetSpacingZyx) + String.format(java.util.Locale.ROOT, ", %.1f s", seconds));
            skipped.forEach(s -> b.append("\n  skipped ").append(s.center()).append('/').append(s.caseKey()).append(": ").append(s.reason()));
            return b.toString();
        }
    }

    private final SparkSession spark;
    private final VolumeOptions volumeOptions;
    private final PreprocessOptions preprocess;
    private final SplitOptions splits;
    private final SamplerOptions sampler;
    private final CaseIds caseIds;
    private final Progress progress;

    public ShardJob(SparkSession spark, VolumeOptions volumeOptions, PreprocessOptions preprocess, SplitOptions splits, SamplerOptions sampler,
                    CaseIds caseIds, Progress progress) {
        this.spark = spark;
        this.volumeOptions = volumeOptions;
        this.preprocess = preprocess;
        this.splits = splits;
        this.sampler = sampler;
        this.caseIds = caseIds;
        this.progress = progress;
    }

    public Result run(Options o) throws IOException {
        long t0 = System.nanoTime();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        CenterCollection collection = CenterCollection.open(o.collection(), conf);
        List<String> centers = o.centers().isEmpty() ? collection.centerIds() : o.centers();
        List<CaseWork> work = caseWork(collection, centers, s -> !s.equals("test"));
        Map<String, String> roots = new LinkedHashMap<>();
        Map<String, ClassMapping> mappings = new LinkedHashMap<>();
        for (String center : centers) {
            roots.put(center, collection.dataset(center).rootUri());
            mappings.put(center, collection.classMapping(center));
        }
        if (work.isEmpty()) {
            throw new PromptsegException("no labelled train/val cases in centers " + centers + " of " + collection.manifestPath());
        }
        try (AtomicOutput out = AtomicOutput.begin(o.out(), conf, o.overwrite())) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int[] p = o.patchSizeZyx();
            ShardTasks tasks = new ShardTasks(volumeOptions, preprocess, sampler.withPatchSize(p[0], p[1], p[2]).withSeed(o.samplerSeed()),
                    o.patchesPerCase());

            // pass 1: check and fingerprint every case
            List<CaseScan> scans;
            try (SparkTaskProgress bar = new SparkTaskProgress(jsc, progress, "shard-scan", "cases checked", work.size())) {
                scans = jsc.parallelize(work, work.size()).map(tasks::scan).collect();
            }
            List<ShardManifest.SkippedCase> skipped = new ArrayList<>();
            Map<String, FingerprintPartial> partials = new TreeMap<>();
            Map<String, String> hashes = new TreeMap<>();
            List<CaseWork> good = new ArrayList<>();
            for (CaseScan s : scans) {
                if (s.ok()) {
                    good.add(s.work());
                    partials.merge(s.work().center(), s.partial(), FingerprintPartial::merge);
                    hashes.put(s.work().key(), s.contentSha256());
                } else {
                    skipped.add(new ShardManifest.SkippedCase(s.work().center(), caseIds.publish(s.work().center(), s.work().ref().caseId()), s.badFile(),
                            s.reason()));
                }
            }
            if (!skipped.isEmpty() && !o.skipBad()) {
                StringBuilder msg = new StringBuilder(skipped.size() + " case(s) cannot be read; nothing was written (use --skip-bad to leave them out):");
                for (CaseScan s : scans) {
                    if (!s.ok()) {
                        msg.append("\n  ").append(s.work().key()).append(" (").append(s.badFile()).append("): ").append(s.reason());
                    }
                }
                throw new PromptsegException(msg.toString());
            }
            if (good.isEmpty()) {
                throw new PromptsegException("every case was skipped; nothing to shard");
            }
            FingerprintPartial all = partials.values().stream().reduce(FingerprintPartial.empty(), FingerprintPartial::merge);
            Fingerprint overall = all.finish(preprocess.percentileLow(), preprocess.percentileHigh());
            double[] spacing = o.targetSpacingZyx() != null ? o.targetSpacingZyx() : preprocess.targetSpacing(overall);

            // pass 2: preprocess and sample patches, written as Parquet partitioned by center
            JavaRDD<Row> rows;
            try (SparkTaskProgress bar = new SparkTaskProgress(jsc, progress, "shard-patches", "cases sharded", good.size())) {
                rows = jsc.parallelize(good, good.size()).flatMap(w -> tasks.patches(w, spacing));
                spark.createDataFrame(rows, PatchTable.SCHEMA).write()
                        .option("parquet.block.size.row.check.min", "4")
                        .option("parquet.block.size.row.check.max", "64")
                        .partitionBy(PatchTable.CENTER).mode(SaveMode.ErrorIfExists)
                        .parquet(new org.apache.hadoop.fs.Path(out.staging(), PatchTable.PARQUET_DIR).toString());
            }

            Map<String, ShardManifest.CenterShard> centerShards = new TreeMap<>();
            Map<String, Long> patchesByCenter = new TreeMap<>();
            for (String center : partials.keySet()) {
                List<ShardManifest.ShardedCase> cases = new ArrayList<>();
                for (CaseWork w : good) {
                    if (w.center().equals(center)) {
                        cases.add(new ShardManifest.ShardedCase(caseIds.publish(center, w.ref().caseId()), w.split(), o.patchesPerCase(), hashes.get(w.key())));
                    }
                }
                long patches = (long) cases.size() * o.patchesPerCase();
                patchesByCenter.put(center, patches);
                centerShards.put(center, new ShardManifest.CenterShard(roots.get(center),
                        partials.get(center).finish(preprocess.percentileLow(), preprocess.percentileHigh()),
                        mappings.get(center).labelledClasses(), patches, cases));
                ShardManifest.writePartial(out.staging(), center, partials.get(center), conf);
            }
            new ShardManifest(ShardManifest.FORMAT_VERSION, collection.manifestPath().toString(), collection.classes(), o.patchSizeZyx(), spacing,
                    o.patchesPerCase(), o.samplerSeed(), overall, centerShards, skipped, Instant.now().toString()).write(out.staging(), conf);
            out.commit();
            return new Result(out.target().toString(), patchesByCenter, good.size(), skipped, spacing, overall, (System.nanoTime() - t0) / 1e9);
        }
    }

    /** One labelled case as pass 1 saw it: its content hash, or the file and reason it cannot be read. Clear case id: driver side only. */
    public record ScannedCase(String center, String caseId, String split, String contentSha256, String badFile, String reason) {
        public boolean ok() {
            return reason == null;
        }
    }

    /**
     * Pass 1 alone, writing nothing: reads and checks the labelled cases of the given splits (one Spark task per case)
     * and returns their content hashes, in center and case order. {@code promptseg retune} compares them with the
     * provenance of production prompts to find new and changed data.
     */
    public List<ScannedCase> scan(String collectionUri, List<String> centers, Set<String> splitNames) throws IOException {
        CenterCollection collection = CenterCollection.open(collectionUri, spark.sparkContext().hadoopConfiguration());
        List<CaseWork> work = caseWork(collection, centers.isEmpty() ? collection.centerIds() : centers, splitNames::contains);
        if (work.isEmpty()) {
            return List.of();
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ShardTasks tasks = new ShardTasks(volumeOptions, preprocess, sampler, 0);
        List<CaseScan> scans;
        try (SparkTaskProgress bar = new SparkTaskProgress(jsc, progress, "scan", "cases hashed", work.size())) {
            scans = jsc.parallelize(work, work.size()).map(tasks::scan).collect();
        }
        return scans.stream().map(s -> new ScannedCase(s.work().center(), s.work().ref().caseId(), s.work().split(), s.contentSha256(), s.badFile(),
                s.reason())).toList();
    }

    /** The labelled cases of {@code centers} whose split passes {@code splitFilter}, checked against the collection. */
    private List<CaseWork> caseWork(CenterCollection collection, List<String> centers, Predicate<String> splitFilter) {
        List<CaseWork> work = new ArrayList<>();
        for (String center : centers) {
            Ids.require("center id", center);
            if (!collection.centerIds().contains(center)) {
                throw new PromptsegException("center '" + center + "' is not in " + collection.manifestPath() + " (has " + collection.centerIds() + ")");
            }
            Dataset ds = collection.dataset(center);
            ClassMapping mapping = collection.classMapping(center);
            CaseSplit split = collection.split(center, splits);
            for (CaseRef ref : ds.labelled()) {
                String s = split.splitOf(ref.caseId());
                if (splitFilter.test(s)) {
                    work.add(new CaseWork(center, ref, s, mapping));
                }
            }
        }
        return work;
    }

}
