package org.promptseg.jobs.evaluate;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.promptseg.common.Ids;
import org.promptseg.common.PromptsegException;
import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.infer.CaseInference;
import org.promptseg.jobs.rounds.RoundMetrics;
import org.promptseg.jobs.rounds.StoreRoundCheckpoints;
import org.promptseg.jobs.spark.SparkTaskProgress;
import org.promptseg.jobs.train.BackboneInfo;
import org.promptseg.jobs.train.ModelSource;
import org.promptseg.jobs.train.TensorConversions;
import org.promptseg.store.LoadedPrompts;
import org.promptseg.store.ModelManifest;
import org.promptseg.store.PromptStore;
import org.promptseg.volume.dataset.CaseRef;
import org.promptseg.volume.dataset.CaseSplit;
import org.promptseg.volume.dataset.CenterCollection;
import org.promptseg.volume.dataset.ClassMapping;
import org.promptseg.volume.dataset.SplitOptions;

/**
 * {@code promptseg evaluate}: every requested center's test cases, distributed by case, segmented by the
 * bare backbone, each requested prompt version, and the full/head fine-tuned models when present (those
 * also on the other centers' cases: how much a center-specific model forgets the others). Writes the
 * report folder: metrics.json/.csv, summary.json, overlays, learning curves and index.html.
 */
public final class EvaluateJob {
    /** Inputs of one evaluation. */
    public record Options(String collection, String store, List<String> centers, String backbone, List<String> versions, boolean baselines,
                          String reportUri, boolean images, String predictionsUri, List<String> runs, boolean overwrite) {}

    private final JobContext ctx;

    public EvaluateJob(JobContext ctx) {
        this.ctx = ctx;
    }

    public EvaluationReport run(Options o) throws IOException {
        long t0 = System.nanoTime();
        PromptStore store = ctx.store(o.store());
        CenterCollection collection = CenterCollection.open(o.collection(), ctx.hadoop());
        List<String> centers = o.centers().isEmpty() ? collection.centerIds() : o.centers();
        centers.forEach(c -> {
            Ids.require("center id", c);
            if (!collection.centerIds().contains(c)) {
                throw new PromptsegException("center '" + c + "' is not in " + collection.manifestPath() + " (has " + collection.centerIds() + ")");
            }
        });
        BackboneInfo backbone = BackboneInfo.resolve(store, o.backbone());
        if (!backbone.manifest().classNames().equals(collection.classes())) {
            throw new PromptsegException("backbone " + backbone.id() + " segments " + backbone.manifest().classNames() + " but the collection has classes "
                    + collection.classes());
        }
        List<Variant> variants = variants(store, backbone, centers, o);
        SplitOptions splits = SplitOptions.fromConfig(ctx.config());
        List<EvaluationTask.Work> work = new ArrayList<>();
        for (String c : centers) {
            ClassMapping mapping = collection.classMapping(c);
            CaseSplit split = collection.split(c, splits);
            for (CaseRef ref : collection.dataset(c).labelled()) {
                if (split.splitOf(ref.caseId()).equals("test")) {
                    work.add(new EvaluationTask.Work(c, ctx.caseIds().publish(c, ref.caseId()), ref, mapping));
                }
            }
        }
        if (work.isEmpty()) {
            throw new PromptsegException("no test cases in centers " + centers + " (test fraction promptseg.volume.split.test)");
        }
        EvaluationTask task = new EvaluationTask(CaseInference.of(backbone, ctx.config()), variants, collection.classes(), o.images(), o.predictionsUri(),
                ctx.threadsPerTask());
        ctx.progress().say("evaluating " + variants.size() + " variant(s) on " + work.size() + " test case(s) of " + centers + ": "
                + variants.stream().map(Variant::label).toList());
        List<CaseEvaluation> results;
        try (SparkTaskProgress bar = new SparkTaskProgress(ctx.jsc(), ctx.progress(), "evaluate", "cases evaluated", work.size())) {
            results = ctx.jsc().parallelize(work, work.size()).map(task::evaluate).collect();
        }
        Map<String, List<RoundMetrics>> curves = new LinkedHashMap<>();
        for (String run : o.runs()) {
            Optional<org.promptseg.jobs.rounds.RoundState> s = new StoreRoundCheckpoints(store.run(run), Integer.MAX_VALUE).latest();
            s.ifPresent(state -> curves.put(run, state.history()));
        }
        EvaluationReport report = EvaluationReport.of(backbone.id(), centers, variants, results, curves, (System.nanoTime() - t0) / 1e9);
        new EvaluationReportWriter(ctx.hadoop()).write(report, results, o.reportUri(), o.images(), o.overwrite());
        return report;
    }

    /** The variants: backbone, requested prompt versions per center, and the latest full/head model per center. */
    private List<Variant> variants(PromptStore store, BackboneInfo backbone, List<String> centers, Options o) throws IOException {
        List<Variant> out = new ArrayList<>();
        Set<String> all = new LinkedHashSet<>(centers);
        ModelSource bb = backbone.source();
        out.add(new Variant(Variant.BACKBONE, "bare backbone (generic prompts)", Variant.BACKBONE, null, null, List.of(), bb,
                backbone.genericPrompts(store).orElse(null), all));
        for (String c : centers) {
            Set<String> seen = new LinkedHashSet<>();
            for (String ref : o.versions()) {
                String version;
                try {
                    version = store.resolveVersion(c, ref);
                } catch (org.promptseg.store.StoreEntryNotFoundException e) {
                    continue; // e.g. no candidate for this center
                }
                if (!seen.add(version)) {
                    continue;
                }
                String madeFor = store.manifest(c, version).backboneSha256();
                if (!madeFor.equals(backbone.id())) {
                    ctx.progress().say("skipping " + c + " prompts " + version + ": made for backbone " + madeFor.substring(0, 12));
                    continue;
                }
                LoadedPrompts p = store.load(c, version, backbone.id());
                List<String> aliases = aliasesOf(store, c, version);
                out.add(new Variant("prompts-" + c + "-" + version, "prompts " + c + "/" + version + (aliases.isEmpty() ? "" : " (" + String.join(", ", aliases) + ")"),
                        Variant.PROMPT, c, version, aliases, bb, TensorConversions.fromStore(p.tensors()), Set.of(c)));
            }
            if (o.baselines()) {
                for (String mode : List.of("full", "head")) {
                    Optional<ModelManifest> latest = store.models(c).stream().filter(m -> m.mode().equals(mode)
                            && m.baseBackboneSha256().equals(backbone.id())).reduce((a, b) -> b);
                    latest.ifPresent(m -> out.add(new Variant(mode + "-" + c + "-" + m.version(), mode + " fine-tune " + c + "/" + m.version(), mode,
                            c, m.version(), List.of(), new ModelSource.StoreModel(store.root(), c, m.version()), null, all)));
                }
            }
        }
        return out;
    }

    private static List<String> aliasesOf(PromptStore store, String center, String version) throws IOException {
        List<String> names = new ArrayList<>();
        store.aliasTargets(center).forEach((alias, v) -> {
            if (v.equals(version)) {
                names.add(alias);
            }
        });
        return names;
    }
}
