package org.promptseg.jobs.predict;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.promptseg.common.Ids;
import org.promptseg.common.PromptsegException;
import org.promptseg.common.Uris;
import org.promptseg.jobs.infer.CaseInference;
import org.promptseg.jobs.progress.Progress;
import org.promptseg.jobs.train.BackboneInfo;
import org.promptseg.jobs.train.ClassMasks;
import org.promptseg.jobs.train.TensorConversions;
import org.promptseg.store.LoadedPrompts;
import org.promptseg.store.PromptManifest;
import org.promptseg.store.PromptStore;

/**
 * {@code promptseg predict}: offline inference for one center with one of its prompt versions. A single
 * volume runs in this JVM without Spark; a folder becomes a Spark job with one task per volume. Every
 * output has its input's exact shape and affine (global class indices, uint8).
 */
public final class PredictJob {
    /** Inputs of one prediction run. */
    public record Options(String store, String center, String version, String input, String output, boolean overwrite) {}

    /** Per volume: what was written. */
    public record Result(String center, String version, String backboneId, List<String> classes, List<Written> volumes) {
        public String toText() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%s prompts %s on backbone %s; labels: %s", center, version,
                    backboneId.substring(0, 12), classes));
            volumes.forEach(v -> b.append(String.format(Locale.ROOT, "%n  %s -> %s  %s, %d labelled voxels, %.1f s", v.input(), v.output(),
                    java.util.Arrays.toString(v.shapeZyx()), v.labelledVoxels(), v.seconds())));
            return b.toString();
        }
    }

    /** One written label map. */
    public record Written(String input, String output, int[] shapeZyx, long labelledVoxels, double seconds) {}

    private final PromptStore store;
    private final com.typesafe.config.Config config;
    private final Progress progress;
    private final int threads;

    public PredictJob(PromptStore store, com.typesafe.config.Config config, Progress progress, int threads) {
        this.store = store;
        this.config = config;
        this.progress = progress;
        this.threads = threads;
    }

    /** True when {@code input} is a folder (then a Spark job is needed). */
    public static boolean isFolder(String input, Configuration conf) throws IOException {
        Path p = Uris.toPath(input);
        FileSystem fs = Uris.fileSystem(p, conf);
        if (!fs.exists(p)) {
            throw new PromptsegException("input " + input + " does not exist");
        }
        return fs.getFileStatus(p).isDirectory();
    }

    /** @param spark supplies the Spark context when the input is a folder (not called for one volume) */
    public Result run(Options o, Configuration conf, Supplier<JavaSparkContext> spark) throws IOException {
        Ids.require("center id", o.center());
        PromptManifest manifest = store.manifest(o.center(), o.version());
        BackboneInfo backbone = BackboneInfo.resolve(store, manifest.backboneSha256());
        LoadedPrompts prompts = store.load(o.center(), manifest.version(), backbone.id());
        PredictTask task = new PredictTask(CaseInference.of(backbone, config), backbone.source(), TensorConversions.fromStore(prompts.tensors()),
                ClassMasks.decode(manifest.metrics(), backbone.manifest().classNames().size()), o.overwrite(), threads);
        List<PredictTask.Work> work = work(o, conf);
        List<PredictTask.Done> done = new ArrayList<>();
        if (!isFolder(o.input(), conf)) {
            PredictTask.Done d = task.predict(work.get(0));
            progress.say(String.format(Locale.ROOT, "%s: %.1f s", d.input(), d.millis() / 1000.0));
            done.add(d);
        } else {
            progress.say("predicting " + work.size() + " volume(s) as a Spark job");
            try (var bar = new org.promptseg.jobs.spark.SparkTaskProgress(spark.get(), progress, "predict", "volumes", work.size())) {
                done.addAll(spark.get().parallelize(work, Math.max(1, work.size())).map(task::predict).collect());
            }
        }
        List<Written> written = done.stream().map(d -> new Written(d.input(), d.output(), d.shapeZyx(), d.voxelsLabelled(), d.millis() / 1000.0)).toList();
        return new Result(o.center(), manifest.version(), backbone.id(), backbone.manifest().classNames(), written);
    }

    private static List<PredictTask.Work> work(Options o, Configuration conf) throws IOException {
        Path in = Uris.toPath(o.input());
        FileSystem fs = Uris.fileSystem(in, conf);
        List<PredictTask.Work> work = new ArrayList<>();
        if (!fs.getFileStatus(in).isDirectory()) {
            String out = o.output();
            Path outPath = Uris.toPath(out);
            FileSystem ofs = Uris.fileSystem(outPath, conf);
            if (ofs.exists(outPath) && ofs.getFileStatus(outPath).isDirectory()) {
                out = new Path(outPath, PredictTask.caseName(in.getName()) + ".nii.gz").toString();
            }
            work.add(new PredictTask.Work(fs.makeQualified(in).toString(), out));
            return work;
        }
        for (FileStatus st : fs.listStatus(in)) {
            String name = st.getPath().getName();
            if (st.isFile() && (name.endsWith(".nii") || name.endsWith(".nii.gz") || name.endsWith(".hdr"))) {
                work.add(new PredictTask.Work(st.getPath().toString(),
                        new Path(Uris.toPath(o.output()), PredictTask.caseName(name) + ".nii.gz").toString()));
            }
        }
        if (work.isEmpty()) {
            throw new PromptsegException("no NIfTI files (.nii, .nii.gz, .hdr) in " + o.input());
        }
        work.sort(java.util.Comparator.comparing(PredictTask.Work::input));
        return work;
    }
}
