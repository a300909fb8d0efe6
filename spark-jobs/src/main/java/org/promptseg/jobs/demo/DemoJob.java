package org.promptseg.jobs.demo;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.PromptsegException;
import org.promptseg.common.Uris;
import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.data.ShardManifest;
import org.promptseg.jobs.evaluate.EvaluateJob;
import org.promptseg.jobs.evaluate.EvaluationReport;
import org.promptseg.jobs.pretrain.PretrainJob;
import org.promptseg.jobs.shard.ShardJob;
import org.promptseg.jobs.tune.TuneJob;
import org.promptseg.model.ModelSpec;
import org.promptseg.model.TuningMode;
import org.promptseg.store.BackboneManifest;
import org.promptseg.store.PromptManifest;
import org.promptseg.store.PromptStore;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.dataset.CheckOptions;
import org.promptseg.volume.dataset.CollectionChecker;
import org.promptseg.volume.dataset.SplitOptions;
import org.promptseg.volume.preprocess.PreprocessOptions;
import org.promptseg.volume.preprocess.SamplerOptions;
import org.promptseg.volume.synth.SynthOptions;
import org.promptseg.volume.synth.SyntheticCollection;

/**
 * {@code promptseg demo}: the whole product on the embedded default — synthesise four centers, check
 * them, shard, pretrain the tiny backbone on three, prompt-tune the fourth (and full fine-tune it for
 * comparison), evaluate every center, write the report and print a summary. Each stage is skipped when
 * its result already exists, so a re-run resumes; {@code --fresh} starts over.
 */
public final class DemoJob {
    /** Inputs of the demo. */
    public record Options(String dir, boolean quick, boolean fresh) {}

    /** The summary the demo prints. */
    public record Result(String reportIndex, EvaluationReport report, String backbone, long backboneParams, long promptParams,
                         long promptBytes, long backboneBytes, List<String> pretrainCenters, String newCenter, double seconds) {

        /** About ten lines: Dice before/after per center, gap, prompt share and sizes. */
        public String toText() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "%-7s %-9s %9s %9s %9s %9s%n", "center", "role", "backbone", "prompts", "full-FT", "gap(pp)"));
            for (EvaluationReport.CenterSummary s : report.summary()) {
                String role = s.center().equals(newCenter) ? "new" : "pretrain";
                b.append(String.format(Locale.ROOT, "%-7s %-9s %9s %9s %9s %9s%n", s.center(), role, f(s.backboneDice()), f(s.promptDice()),
                        f(s.fullDice()), Double.isNaN(s.promptVsFullGapPp()) ? "-" : String.format(Locale.ROOT, "%+.1f", s.promptVsFullGapPp())));
            }
            b.append(String.format(Locale.ROOT, "prompt parameters: %,d per center = %.2f%% of the backbone's %,d%n", promptParams,
                    100.0 * promptParams / backboneParams, backboneParams));
            b.append(String.format(Locale.ROOT, "one center's prompt version: %,d bytes vs backbone model %,d bytes (1/%.0f)%n", promptBytes, backboneBytes,
                    (double) backboneBytes / promptBytes));
            b.append(String.format(Locale.ROOT, "report: %s   (%.0f s)%n", reportIndex, seconds));
            return b.toString();
        }

        private static String f(double v) {
            return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
        }
    }

    private final JobContext base;

    public DemoJob(JobContext base) {
        this.base = base;
    }

    public Result run(Options o) throws IOException {
        long t0 = System.nanoTime();
        Config demo = base.config().getConfig("promptseg.demo." + (o.quick() ? "quick" : "full"));
        JobContext ctx = new JobContext(overrides(demo).withFallback(base.config()), base.spark(), base.progress());
        Configuration conf = ctx.hadoop();
        Path dir = Uris.toPath(o.dir());
        FileSystem fs = Uris.fileSystem(dir, conf);
        if (o.fresh() && fs.exists(dir)) {
            ctx.progress().say("--fresh: removing " + dir);
            fs.delete(dir, true);
        }
        fs.mkdirs(dir);
        DemoState state = DemoState.read(dir, conf, o.quick());
        if (state == null) {
            throw new PromptsegException(dir + " holds a " + (o.quick() ? "full" : "quick") + " demo; use another --dir or --fresh");
        }
        String collection = new Path(dir, "collection").toString();
        String patches = new Path(dir, "patches").toString();
        String store = new Path(dir, "store").toString();
        String report = new Path(dir, "report").toString();
        int centers = demo.getInt("centers");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < centers; i++) {
            ids.add("c" + i);
        }
        List<String> pretrainCenters = ids.subList(0, centers - 1);
        String newCenter = ids.get(centers - 1);

        if (!fs.exists(new Path(collection, "centers.json"))) {
            stage(ctx, "1/7 synthesise " + centers + " centers");
            SynthOptions s = SynthOptions.fromConfig(ctx.config()).with(centers, demo.getInt("cases-per-center"), demo.getInt("unlabelled-per-center"),
                    demo.getInt("size"), demo.getLong("seed"));
            SyntheticCollection.Result r = SyntheticCollection.generate(s, collection, conf, true);
            ctx.progress().say(String.format(Locale.ROOT, "%d labelled + %d unlabelled cases in %.1f s", r.labelledCases(), r.unlabelledCases(), r.seconds()));
        } else {
            ctx.progress().say("1/7 collection exists: " + collection);
        }
        stage(ctx, "2/7 check the collection");
        CollectionChecker.Report check = new CollectionChecker(conf, VolumeOptions.fromConfig(ctx.config()), CheckOptions.fromConfig(ctx.config()))
                .check(collection);
        if (!check.ok()) {
            throw new PromptsegException("the demo collection has problems:\n" + check.toText());
        }
        ctx.progress().say(check.casesChecked() + " cases checked, no problems");

        if (!fs.exists(new Path(patches, ShardManifest.FILE_NAME))) {
            stage(ctx, "3/7 shard into patches");
            Config c = ctx.config();
            int[] patch = ModelSpec.fromConfig(c).patch().stream().mapToInt(Integer::intValue).toArray();
            SamplerOptions sampler = SamplerOptions.fromConfig(c);
            ShardJob.Result r = new ShardJob(ctx.spark(), VolumeOptions.fromConfig(c), PreprocessOptions.fromConfig(c), SplitOptions.fromConfig(c), sampler,
                    ctx.caseIds(), ctx.progress()).run(new ShardJob.Options(collection, patches, List.of(), patch, demo.getInt("patches-per-case"), null,
                    sampler.seed(), false, true));
            ctx.progress().say(r.toText());
        } else {
            ctx.progress().say("3/7 patches exist: " + patches);
        }

        long seed = ctx.config().getLong("promptseg.seed");
        if (state.backbone() == null) {
            stage(ctx, "4/7 pretrain the tiny backbone on " + pretrainCenters);
            PretrainJob.Result r = new PretrainJob(ctx).run(new PretrainJob.Options(patches, pretrainCenters, ctx.config().getString("promptseg.model.preset"),
                    store, seed, null, false, null));
            ctx.progress().say(r.toText());
            state = state.withPretrain(r.backboneId(), r.runId());
            state.write(dir, conf);
        } else {
            ctx.progress().say("4/7 backbone exists: " + state.backbone().substring(0, 12));
        }
        if (state.promptVersion() == null) {
            stage(ctx, "5/7 prompt-tune the new center " + newCenter);
            TuneJob.Result r = new TuneJob(ctx).run(new TuneJob.Options(patches, List.of(newCenter), state.backbone(), store, TuningMode.PROMPT, null, null,
                    seed, null, false, null));
            ctx.progress().say(r.toText());
            state = state.withPrompts(r.centers().get(newCenter).version(), r.runId());
            state.write(dir, conf);
        } else {
            ctx.progress().say("5/7 prompts of " + newCenter + " exist: version " + state.promptVersion());
        }
        if (state.fullVersion() == null) {
            stage(ctx, "6/7 full fine-tune " + newCenter + " for comparison");
            TuneJob.Result r = new TuneJob(ctx).run(new TuneJob.Options(patches, List.of(newCenter), state.backbone(), store, TuningMode.FULL, null, null,
                    seed, null, false, null));
            ctx.progress().say(r.toText());
            state = state.withFull(r.centers().get(newCenter).version(), r.runId());
            state.write(dir, conf);
        } else {
            ctx.progress().say("6/7 full fine-tuned model of " + newCenter + " exists: " + state.fullVersion());
        }
        stage(ctx, "7/7 evaluate every center");
        EvaluationReport evaluation = new EvaluateJob(ctx).run(new EvaluateJob.Options(collection, store, ids, state.backbone(),
                List.of("production", "candidate"), true, report, true, null, List.of(state.pretrainRun(), state.tuneRun(), state.fullRun()), true));
        state = state.markEvaluated();
        state.write(dir, conf);

        PromptStore s = ctx.store(store);
        BackboneManifest bb = s.backbone(state.backbone());
        PromptManifest pm = s.manifest(newCenter, state.promptVersion());
        return new Result(new Path(report, "index.html").toString(), evaluation, state.backbone(), bb.parameterCount(), pm.parameterCount(),
                pm.tensorsBytes(), bb.zipBytes(), pretrainCenters, newCenter, (System.nanoTime() - t0) / 1e9);
    }

    private static void stage(JobContext ctx, String what) {
        ctx.progress().say("== " + what);
    }

    /** The demo's sizes, backbone widths and learning rate as job settings. */
    private static Config overrides(Config demo) {
        return ConfigFactory.parseMap(Map.of(
                "promptseg.pretrain.rounds", demo.getInt("pretrain-rounds"),
                "promptseg.pretrain.local-steps", demo.getInt("local-steps"),
                "promptseg.tune.rounds", demo.getInt("tune-rounds"),
                "promptseg.tune.local-steps", demo.getInt("local-steps"),
                "promptseg.rounds.validate-every", demo.getInt("validate-every"),
                "promptseg.model.presets.tiny.channels", demo.getIntList("channels"),
                "promptseg.prompt.deep.tokens-per-class", demo.getInt("deep-tokens-per-class"),
                "promptseg.optim.learning-rate-full", demo.getDouble("learning-rate-full")), "promptseg.demo");
    }
}
