package org.promptseg.jobs.select;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.HadoopFiles;
import org.promptseg.common.Ids;
import org.promptseg.common.Json;
import org.promptseg.common.PromptsegException;
import org.promptseg.common.Uris;
import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.infer.CaseInference;
import org.promptseg.jobs.rounds.ParamSet;
import org.promptseg.jobs.spark.SparkTaskProgress;
import org.promptseg.jobs.train.BackboneInfo;
import org.promptseg.jobs.train.ModelGroups;
import org.promptseg.jobs.train.RunIds;
import org.promptseg.store.PromptStore;
import org.promptseg.volume.LocalFiles;
import org.promptseg.volume.dataset.CaseRef;
import org.promptseg.volume.dataset.CaseSplit;
import org.promptseg.volume.dataset.CenterCollection;
import org.promptseg.volume.dataset.ClassMapping;
import org.promptseg.volume.dataset.Dataset;
import org.promptseg.volume.dataset.SplitOptions;

/**
 * {@code promptseg select}: which of a center's unlabelled cases ({@code imagesTs/}) to send for labelling next.
 *
 * <ul>
 *   <li><b>Round 0</b> (diversity): the frozen backbone embeds every volume (bottleneck features pooled over the
 *       sliding windows, one Spark task per volume) and k-center greedy picks the budget, each case farthest from the
 *       labelled cases and the earlier picks.</li>
 *   <li><b>Rounds 1, 2, ...</b> (tandem): M diversified prompt sets are tuned on the labelled cases; every unlabelled
 *       volume is scored by how much their predictions disagree; the most uncertain ones form a shortlist
 *       ({@code shortlist-factor} x budget), and k-center greedy picks the budget within it.</li>
 * </ul>
 *
 * <p>What is labelled: the center's labelsTr cases of the train and val splits (unless
 * {@code include-labels-tr = false}) and every pool case whose label was delivered to the campaign folder
 * ({@link LabellingLedger}); cases listed earlier without a label yet are pending and left out. The reference labels of
 * synthetic pools ({@code labelsTs/}) are never read.
 *
 * <p>Outputs: the clinician's labelling list {@code <dataset root>/<labelling-dir>/round-<k>.csv} (clear ids, stays with
 * the center's data) and {@code selection.json} / {@code selection.csv} in the store's {@code runs/<run-id>/} (salted ids
 * and scores only). Deterministic: the same inputs and seed give the same selection.
 */
public final class SelectJob {
    /** Inputs of one selection round. */
    public record Options(String collection, String store, String center, Budget budget, Integer round, String backbone, long seed, String runId,
                          boolean overwrite) {}

    /** One selected case as published: salted id, score (distance in round 0, disagreement later; null for a start pick). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Selected(int rank, String caseId, Double score, String reason, int round) {}

    /** The selection, as written to selection.json. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Result(int formatVersion, String center, int round, String method, String runId, String backboneId, String budget,
                         int budgetCases, int poolSize, int labelledCases, int pendingCases, int candidateCases, Integer shortlist,
                         String measure, int ensembleMembers, long seed, List<Selected> selected, String selectionJson, String selectionCsv,
                         String labellingList, String createdAt, double seconds) {
        public static final int FORMAT_VERSION = 1;

        public String toText() {
            StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                    "%s round %d: %d of %d candidate case(s) selected (budget %s; pool %d, labelled %d, pending %d), %s, run %s, %.1f s",
                    center, round, selected.size(), candidateCases, budget, poolSize, labelledCases, pendingCases, method, runId, seconds));
            for (Selected s : selected) {
                b.append(String.format(Locale.ROOT, "%n  %2d  %s  %s  %s", s.rank(), s.caseId(), s.score() == null ? "-" : String.format(Locale.ROOT,
                        "%.4g", s.score()), s.reason()));
            }
            b.append("\nlabelling list for the clinician (clear case ids, center storage): ").append(labellingList);
            b.append("\nselection: ").append(selectionJson);
            return b.toString();
        }
    }

    /** Everything the driver knows about the round before any volume is read. */
    record Plan(Dataset dataset, ClassMapping mapping, LabellingLedger ledger, int round, List<CaseRef> pool, List<CaseRef> candidates,
                List<PromptEnsemble.LabelledWork> labelled, Set<String> pending) {}

    private final JobContext ctx;
    private final SelectOptions settings;

    public SelectJob(JobContext ctx) {
        this(ctx, SelectOptions.fromConfig(ctx.config()));
    }

    public SelectJob(JobContext ctx, SelectOptions settings) {
        this.ctx = ctx;
        this.settings = settings;
    }

    public Result run(Options o) throws IOException {
        long t0 = System.nanoTime();
        Ids.require("center id", o.center());
        CenterCollection collection = CenterCollection.open(o.collection(), ctx.hadoop());
        if (!collection.centerIds().contains(o.center())) {
            throw new PromptsegException("center '" + o.center() + "' is not in " + collection.manifestPath() + " (has " + collection.centerIds() + ")");
        }
        PromptStore store = ctx.store(o.store());
        BackboneInfo backbone = BackboneInfo.resolve(store, o.backbone());
        if (!backbone.manifest().classNames().equals(collection.classes())) {
            throw new PromptsegException("backbone " + backbone.id() + " segments " + backbone.manifest().classNames() + " but the collection "
                    + collection.manifestPath() + " has classes " + collection.classes());
        }
        String runId = o.runId() != null ? Ids.require("run id", o.runId()) : RunIds.next("select");
        Plan plan = plan(collection, o);
        int n = Math.min(o.budget().resolve(plan.pool().size()), plan.candidates().size());
        if (!o.overwrite() && plan.ledger().rounds().containsKey(plan.round())) {
            throw new PromptsegException(plan.ledger().listFile(plan.round()) + ": round " + plan.round() + " already has a labelling list (the"
                    + " clinician may be working on it); select the next round (--round " + plan.ledger().nextRound() + ") or replace it with --overwrite");
        }
        ctx.progress().say(String.format(Locale.ROOT, "%s round %d: pool %d, labelled %d, pending %d, candidates %d; budget %s -> %d case(s)",
                o.center(), plan.round(), plan.pool().size(), plan.labelled().size(), plan.pending().size(), plan.candidates().size(),
                o.budget().describe(plan.pool().size()), n));

        ParamSet generic = backbone.genericPrompts(store).orElseGet(() -> {
            try {
                return ModelGroups.prompts(backbone.loadModel(store));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        boolean[] active = plan.mapping().labelledClasses();
        List<ParamSet> members = List.of();
        if (plan.round() > 0) {
            SelectOptions.Ensemble e = settings.ensemble();
            members = PromptEnsemble.diversified(ctx, backbone, generic, plan.labelled(), active, e.members(),
                    new PromptEnsemble.Tuning(e.rounds(), e.localSteps(), e.patchesPerCase(), e.initNoise(), e.bootstrap()), o.seed());
        }
        List<VolumeSignal> signals = signals(backbone, generic, members, active, plan);

        List<Selected> selected = new ArrayList<>();
        List<LabellingLedger.Entry> entries = new ArrayList<>();
        Integer shortlist = choose(signals, plan, n, o.seed(), selected, entries, runId, o.center());

        Path runDir = new Path(new Path(Uris.toPath(store.root()), "runs"), runId);
        Path json = new Path(runDir, "selection.json");
        Path csv = new Path(runDir, "selection.csv");
        Path list = plan.ledger().listFile(plan.round());
        String method = plan.round() == 0 ? "diversity: k-center greedy on the frozen backbone's pooled bottleneck features"
                : "tandem: " + settings.measure().configName() + " of " + settings.ensemble().members() + " diversified prompt sets, shortlist "
                + shortlist + ", then k-center greedy";
        Result r = new Result(Result.FORMAT_VERSION, o.center(), plan.round(), method, runId, backbone.id(), o.budget().toString(), n,
                plan.pool().size(), plan.labelled().size(), plan.pending().size(), plan.candidates().size(), shortlist,
                plan.round() == 0 ? null : settings.measure().configName(), plan.round() == 0 ? 0 : members.size(), o.seed(), selected,
                json.toString(), csv.toString(), list.toString(), java.time.Instant.now().toString(), 0);
        plan.ledger().writeList(plan.round(), entries, o.overwrite());
        StringBuilder table = new StringBuilder(Csv.row(List.of("rank", "case_id", "score", "reason", "round")));
        for (Selected s : selected) {
            table.append(Csv.row(List.of(Integer.toString(s.rank()), s.caseId(), s.score() == null ? "" : String.format(Locale.ROOT, "%.6g", s.score()),
                    s.reason(), Integer.toString(s.round()))));
        }
        r = withSeconds(r, (System.nanoTime() - t0) / 1e9);
        org.apache.hadoop.conf.Configuration conf = LocalFiles.withoutChecksums(ctx.hadoop());
        HadoopFiles.writeStringAtomically(csv, conf, o.overwrite(), table.toString());
        HadoopFiles.writeStringAtomically(json, conf, o.overwrite(), Json.pretty(r));
        return r;
    }

    private static Result withSeconds(Result r, double s) {
        return new Result(r.formatVersion(), r.center(), r.round(), r.method(), r.runId(), r.backboneId(), r.budget(), r.budgetCases(), r.poolSize(),
                r.labelledCases(), r.pendingCases(), r.candidateCases(), r.shortlist(), r.measure(), r.ensembleMembers(), r.seed(), r.selected(),
                r.selectionJson(), r.selectionCsv(), r.labellingList(), r.createdAt(), s);
    }

    /** Which cases are labelled, pending and selectable in this round. */
    Plan plan(CenterCollection collection, Options o) throws IOException {
        String center = o.center();
        Dataset ds = collection.dataset(center);
        ClassMapping mapping = collection.classMapping(center);
        LabellingLedger ledger = LabellingLedger.read(ds, settings.labellingDir(), ctx.hadoop());
        int round = o.round() != null ? o.round() : ledger.nextRound();
        if (round < 0) {
            throw new PromptsegException("--round " + round + ": expected 0 (diversity) or a later round >= 1");
        }
        List<CaseRef> pool = ds.unlabelled();
        if (pool.isEmpty()) {
            throw new PromptsegException("center " + center + " has no unlabelled cases to select from (" + ds.rootUri() + "/" + Dataset.IMAGES_TS + "/ is empty)");
        }
        Map<String, String> delivered = new TreeMap<>();
        Set<String> poolIds = new LinkedHashSet<>();
        pool.forEach(c -> poolIds.add(c.caseId()));
        ledger.deliveredLabels().forEach((id, uri) -> {
            if (poolIds.contains(id)) {
                delivered.put(id, uri);
            }
        });
        Set<String> pending = new LinkedHashSet<>();
        for (String id : ledger.listedBefore(round)) {
            if (poolIds.contains(id) && !delivered.containsKey(id)) {
                pending.add(id);
            }
        }
        List<PromptEnsemble.LabelledWork> labelled = new ArrayList<>();
        if (settings.includeLabelsTr() && !ds.labelled().isEmpty()) {
            CaseSplit split = collection.split(center, SplitOptions.fromConfig(ctx.config()));
            for (CaseRef ref : ds.labelled()) {
                if (!split.splitOf(ref.caseId()).equals("test")) {
                    labelled.add(new PromptEnsemble.LabelledWork(center, new CaseRef(ref.caseId(), ref.channels(), ref.labelUri(), null), mapping));
                }
            }
        }
        List<CaseRef> candidates = new ArrayList<>();
        for (CaseRef ref : pool) {
            if (delivered.containsKey(ref.caseId())) {
                labelled.add(new PromptEnsemble.LabelledWork(center, new CaseRef(ref.caseId(), ref.channels(), delivered.get(ref.caseId()), null), mapping));
            } else if (!pending.contains(ref.caseId())) {
                candidates.add(ref);
            }
        }
        if (candidates.isEmpty()) {
            throw new PromptsegException("center " + center + ": every pool case is labelled (" + delivered.size() + ") or pending (" + pending.size()
                    + "); nothing left to select");
        }
        if (round > 0 && labelled.isEmpty()) {
            throw new PromptsegException("round " + round + " of center " + center + " needs labelled cases to tune its prompt sets on, and there are"
                    + " none: deliver the labels of the cases listed in " + ledger.dir() + " as " + ledger.dir() + "/" + LabellingLedger.LABELS
                    + "/<case id>" + ds.descriptor().fileEnding() + (settings.includeLabelsTr() ? "" : " (labelsTr is not counted:"
                    + " promptseg.select.include-labels-tr = false)") + ", or start with --round 0");
        }
        return new Plan(ds, mapping, ledger, round, pool, candidates, labelled, pending);
    }

    /** Embeddings (and, with members, disagreements) of every candidate and labelled volume, one Spark task per volume. */
    private List<VolumeSignal> signals(BackboneInfo backbone, ParamSet generic, List<ParamSet> members, boolean[] active, Plan plan) throws IOException {
        List<SignalTask.Work> work = new ArrayList<>();
        plan.candidates().forEach(c -> work.add(SignalTask.Work.of(c, true)));
        plan.labelled().forEach(l -> work.add(SignalTask.Work.of(l.ref(), false)));
        SignalTask task = new SignalTask(CaseInference.of(backbone, ctx.config()), backbone.source(), generic.isEmpty() ? null : generic, members,
                active, settings.foregroundThreshold(), ctx.threadsPerTask());
        List<VolumeSignal> out;
        String what = members.isEmpty() ? "volumes embedded" : "volumes embedded and scored by " + members.size() + " prompt sets";
        try (SparkTaskProgress bar = new SparkTaskProgress(ctx.jsc(), ctx.progress(), "select", what, work.size())) {
            out = new ArrayList<>(ctx.jsc().parallelize(work, work.size()).map(task::signal).collect());
        }
        out.sort(Comparator.comparing(VolumeSignal::caseId));
        return out;
    }

    /** Ranks the picks into {@code selected} (published ids) and {@code entries} (the clinician's list); returns the shortlist size. */
    private Integer choose(List<VolumeSignal> signals, Plan plan, int n, long seed, List<Selected> selected, List<LabellingLedger.Entry> entries,
                           String runId, String center) {
        double[][] points = KCenterGreedy.standardise(signals.stream().map(VolumeSignal::embedding).toArray(double[][]::new));
        List<Integer> candidates = new ArrayList<>();
        List<Integer> anchors = new ArrayList<>();
        for (int i = 0; i < signals.size(); i++) {
            (signals.get(i).candidate() ? candidates : anchors).add(i);
        }
        Integer shortlistSize = null;
        Map<Integer, Integer> uncertaintyRank = new TreeMap<>();
        List<Integer> pickFrom = candidates;
        if (plan.round() > 0) {
            List<Integer> byUncertainty = new ArrayList<>(candidates);
            byUncertainty.sort(Comparator.comparingDouble((Integer i) -> -signals.get(i).disagreement().score(settings.measure()))
                    .thenComparing(i -> signals.get(i).caseId()));
            for (int r = 0; r < byUncertainty.size(); r++) {
                uncertaintyRank.put(byUncertainty.get(r), r + 1);
            }
            shortlistSize = Math.min(byUncertainty.size(), Math.max(n, (int) Math.ceil(settings.shortlistFactor() * n - 1e-9)));
            pickFrom = byUncertainty.subList(0, shortlistSize);
        }
        List<KCenterGreedy.Pick> picks = KCenterGreedy.select(points, pickFrom, anchors, n, settings.start(), seed);
        Map<String, CaseRef> refs = new TreeMap<>();
        plan.candidates().forEach(c -> refs.put(c.caseId(), c));
        for (int k = 0; k < picks.size(); k++) {
            KCenterGreedy.Pick p = picks.get(k);
            VolumeSignal s = signals.get(p.index());
            String spread = Double.isNaN(p.distance()) ? (settings.start() == KCenterGreedy.Start.MEDOID
                    ? "most central case of the embeddings (start of farthest-point selection)" : "seeded random start of farthest-point selection")
                    : String.format(Locale.ROOT, "farthest from the labelled and already chosen cases (distance %.3g, standardised features)", p.distance());
            Double score;
            String reason;
            if (plan.round() == 0) {
                score = Double.isNaN(p.distance()) ? null : p.distance();
                reason = spread;
            } else {
                score = s.disagreement().score(settings.measure());
                reason = String.format(Locale.ROOT, "%s %.4g, %s most uncertain of %d (%d foreground-candidate voxels); in the shortlist of %d: %s",
                        settings.measure().configName(), score, ordinal(uncertaintyRank.get(p.index())), candidates.size(),
                        s.disagreement().candidates(), shortlistSize, spread);
            }
            selected.add(new Selected(k + 1, ctx.caseIds().publish(center, s.caseId()), score, reason, plan.round()));
            CaseRef ref = refs.get(s.caseId());
            entries.add(new LabellingLedger.Entry(k + 1, s.caseId(), plan.ledger().relative(ref.channels().get(0).uri()),
                    plan.ledger().relative(plan.ledger().labelFile(s.caseId()).toString()), score, reason, plan.round(), runId));
        }
        return shortlistSize;
    }

    static String ordinal(int n) {
        int mod100 = n % 100;
        String suffix = mod100 >= 11 && mod100 <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }
}
