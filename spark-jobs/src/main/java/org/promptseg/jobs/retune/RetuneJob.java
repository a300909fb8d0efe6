package org.promptseg.jobs.retune;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Hashing;
import org.promptseg.common.Ids;
import org.promptseg.common.PromptsegException;
import org.promptseg.common.Uris;
import org.promptseg.jobs.JobContext;
import org.promptseg.jobs.evaluate.EvaluateJob;
import org.promptseg.jobs.evaluate.EvaluationReport;
import org.promptseg.jobs.evaluate.Variant;
import org.promptseg.jobs.shard.ShardJob;
import org.promptseg.jobs.train.BackboneInfo;
import org.promptseg.jobs.train.RunIds;
import org.promptseg.jobs.tune.TuneJob;
import org.promptseg.model.TuningMode;
import org.promptseg.store.AliasConflictException;
import org.promptseg.store.PromptStore;
import org.promptseg.store.StoreLock;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.dataset.CaseSplit;
import org.promptseg.volume.dataset.CenterCollection;
import org.promptseg.volume.dataset.SplitOptions;
import org.promptseg.volume.preprocess.PreprocessOptions;
import org.promptseg.volume.preprocess.SamplerOptions;

/**
 * {@code promptseg retune}: what a schedule runs. Finds centers with new or changed labelled data, and for each of them,
 * under a per-center store lock: shards its cases at the backbone's spacing, evaluates the other centers, tunes a
 * candidate (warm-started from production when there is one), evaluates every center again, and promotes the candidate
 * only through the {@link Gate}, by compare-and-set on the production alias read at the start.
 *
 * <p>Everything a run writes goes to its run folder ({@code <store>/runs/<run-id>/} or {@code <work>/<run-id>/}):
 * {@code <center>/patches/} (deleted at the end unless promptseg.retune.keep-patches), {@code <center>/evaluation-before/},
 * {@code <center>/evaluation/}, {@code retune.json} and {@code index.html}. A dry run, and a run with nothing to do,
 * write nothing at all.
 */
public final class RetuneJob {
    /** Inputs of one run; {@code backbone} null = promptseg.retune.backbone, {@code runId} null = generated. */
    public record Options(String collection, String store, List<String> centers, String backbone, boolean dryRun, String work, String runId,
                          long seed, boolean retryRejected) {}

    static final String PATCHES = "patches";
    static final String EVALUATION = "evaluation";
    static final String EVALUATION_BEFORE = "evaluation-before";

    private final JobContext ctx;
    private final RetuneSettings settings;
    private final Clock clock;

    public RetuneJob(JobContext ctx) {
        this(ctx, RetuneSettings.fromConfig(ctx.config()), Clock.systemUTC());
    }

    RetuneJob(JobContext ctx, RetuneSettings settings, Clock clock) {
        this.ctx = ctx;
        this.settings = settings;
        this.clock = clock;
    }

    public RetuneResult run(Options o) throws IOException {
        long t0 = System.nanoTime();
        String startedAt = Instant.now(clock).toString();
        PromptStore store = ctx.store(o.store());
        BackboneInfo backbone = BackboneInfo.resolve(store, o.backbone() != null ? o.backbone() : settings.backbone());
        CenterCollection collection = CenterCollection.open(o.collection(), ctx.hadoop());
        if (!backbone.manifest().classNames().equals(collection.classes())) {
            throw new PromptsegException("backbone " + backbone.id() + " segments " + backbone.manifest().classNames() + " but " + collection.manifestPath()
                    + " has classes " + collection.classes() + "; retune needs a backbone pretrained on this collection's classes");
        }
        List<String> centers = o.centers().isEmpty() ? collection.centerIds() : o.centers();
        for (String c : centers) {
            Ids.require("center id", c);
            if (!collection.centerIds().contains(c)) {
                throw new PromptsegException("--centers: center '" + c + "' is not in " + collection.manifestPath() + " (has " + collection.centerIds() + ")");
            }
        }
        String runId = o.runId() != null ? Ids.require("run id", o.runId()) : RunIds.next("retune");

        // 1. detect work: the labelled train cases' content hashes against production's provenance
        long ts = System.nanoTime();
        Map<String, CenterData> data = inventory(o.collection(), collection, centers);
        double scanSeconds = (System.nanoTime() - ts) / 1e9;
        CenterLocks locks = new CenterLocks(store, store.options().staleLockAge(), ctx.progress(), clock);
        List<CenterPlan> plan = new ArrayList<>();
        for (String c : centers) {
            CenterPlan p = WorkDetector.plan(data.get(c), AliasState.production(store, c), AliasState.read(store, c, AliasState.REJECTED), backbone.id(),
                    settings.otherBackbone(), o.retryRejected());
            if (p.hasWork()) {
                p = p.withLock(locks.holder(c).orElse(null));
            }
            plan.add(p);
            ctx.progress().say(p.toText());
        }
        if (o.dryRun() || plan.stream().noneMatch(CenterPlan::hasWork)) {
            ctx.progress().say(o.dryRun() ? "dry run: nothing written" : "nothing to do");
            return new RetuneResult(RetuneResult.FORMAT_VERSION, null, null, store.root(), collection.manifestPath().toString(),
                    backbone.id(), o.dryRun(), settings, plan, List.of(), RetuneResult.exitCode(o.dryRun(), plan, List.of()), scanSeconds,
                    (System.nanoTime() - t0) / 1e9, startedAt);
        }

        // 2-4. each center with work, one after the other, under its lock
        Path runFolder = runFolder(store, o.work(), runId);
        Run run = new Run(o, store, backbone, collection, runId, runFolder, data, locks);
        List<CenterOutcome> outcomes = new ArrayList<>();
        for (CenterPlan p : plan) {
            if (p.hasWork()) {
                CenterOutcome outcome = run.center(p);
                ctx.progress().say(outcome.toText());
                outcomes.add(outcome);
            }
        }
        RetuneResult result = new RetuneResult(RetuneResult.FORMAT_VERSION, runId, runFolder.toString(), store.root(),
                collection.manifestPath().toString(), backbone.id(), false, settings, plan, outcomes, RetuneResult.exitCode(false, plan, outcomes),
                scanSeconds, (System.nanoTime() - t0) / 1e9, startedAt);
        new RetuneReportWriter(ctx.hadoop()).write(result, runFolder);
        return result;
    }

    /** Scans every labelled train case of {@code centers} (one Spark task per case) and counts the other splits. */
    private Map<String, CenterData> inventory(String collectionUri, CenterCollection collection, List<String> centers) throws IOException {
        SplitOptions splits = SplitOptions.fromConfig(ctx.config());
        List<ShardJob.ScannedCase> scanned = shardJob().scan(collectionUri, centers, Set.of("train"));
        Map<String, CenterData> out = new LinkedHashMap<>();
        for (String c : centers) {
            Map<String, String> train = new TreeMap<>();
            List<String> unreadable = new ArrayList<>();
            for (ShardJob.ScannedCase s : scanned) {
                if (!s.center().equals(c)) {
                    continue;
                }
                String published = ctx.caseIds().publish(c, s.caseId());
                if (s.ok()) {
                    train.put(published, s.contentSha256());
                } else {
                    // the file and the reader's message go to the console only; reports carry the published id
                    ctx.progress().say("cannot read case " + c + "/" + published + " (" + s.badFile() + "): " + s.reason());
                    unreadable.add(published + " (" + s.reason().split(":", 2)[0] + ")");
                }
            }
            CaseSplit split = collection.split(c, splits);
            out.put(c, new CenterData(c, new TreeMap<>(train), split.val().size(), split.test().size(), unreadable));
        }
        return out;
    }

    private ShardJob shardJob() {
        return new ShardJob(ctx.spark(), VolumeOptions.fromConfig(ctx.config()), PreprocessOptions.fromConfig(ctx.config()),
                SplitOptions.fromConfig(ctx.config()), SamplerOptions.fromConfig(ctx.config()), ctx.caseIds(), ctx.progress());
    }

    private Path runFolder(PromptStore store, String work, String runId) throws IOException {
        Path base = work != null ? Uris.toPath(work) : new Path(Uris.toPath(store.root()), "runs");
        FileSystem fs = Uris.fileSystem(base, ctx.hadoop());
        Path folder = fs.makeQualified(new Path(base, runId));
        if (fs.exists(folder)) {
            throw new PromptsegException("run folder " + folder + " already exists; give another --run-id");
        }
        return folder;
    }

    /** The tuning run id of a center within a retune run (its round checkpoints live in the store under runs/). */
    static String tuneRunId(String runId, String center) {
        String id = runId + "-" + center;
        return Ids.isValid(id) ? id : runId + "-" + Hashing.sha256Hex(center).substring(0, 8);
    }

    /** One run's shared state and the per-center steps. */
    private final class Run {
        private final Options o;
        private final PromptStore store;
        private final BackboneInfo backbone;
        private final CenterCollection collection;
        private final String runId;
        private final Path folder;
        private final Map<String, CenterData> data;
        private final CenterLocks locks;
        private final Map<String, Integer> testCases = new TreeMap<>();

        Run(Options o, PromptStore store, BackboneInfo backbone, CenterCollection collection, String runId, Path folder, Map<String, CenterData> data,
            CenterLocks locks) {
            this.o = o;
            this.store = store;
            this.backbone = backbone;
            this.collection = collection;
            this.runId = runId;
            this.folder = folder;
            this.data = data;
            this.locks = locks;
            SplitOptions splits = SplitOptions.fromConfig(ctx.config());
            for (String c : collection.centerIds()) {
                testCases.put(c, collection.split(c, splits).test().size());
            }
        }

        CenterOutcome center(CenterPlan planned) {
            String c = planned.center();
            Collected p = new Collected(c);
            Optional<StoreLock> lock;
            try {
                lock = locks.acquire(c, "retune " + runId);
            } catch (IOException | RuntimeException e) {
                return p.failed(planned, "cannot take the retune lock of " + c + ": " + message(e));
            }
            if (lock.isEmpty()) {
                String holder;
                try {
                    holder = locks.holder(c).orElse("another process");
                } catch (IOException e) {
                    holder = "another process";
                }
                return p.outcome(CenterOutcome.Result.LOCKED, planned, "another retune holds the lock of " + c + " (" + holder
                        + "); skipped, a later run will see the same data");
            }
            Path dir = new Path(folder, c);
            Path patches = new Path(dir, PATCHES);
            try (StoreLock held = lock.get()) {
                // under the lock, read production again: another run may have done the work while we scanned
                AliasState production = AliasState.production(store, c);
                CenterPlan plan = WorkDetector.plan(data.get(c), production, AliasState.read(store, c, AliasState.REJECTED), backbone.id(),
                        settings.otherBackbone(), o.retryRejected());
                p.plan = plan;
                if (!plan.hasWork()) {
                    return p.outcome(CenterOutcome.Result.UP_TO_DATE, plan, "nothing left to do under the lock (another run promoted meanwhile): "
                            + plan.reason());
                }
                ctx.progress().say(c + ": " + plan.status().label() + ", run " + runId);

                long t = System.nanoTime();
                int[] patch = backbone.manifest().patchSize().stream().mapToInt(Integer::intValue).toArray();
                shardJob().run(new ShardJob.Options(o.collection(), patches.toString(), List.of(c), patch, settings.patchesPerCaseOr(ctx.config()),
                        backbone.targetSpacingZyx(), SamplerOptions.fromConfig(ctx.config()).seed(), false, false));
                p.time("shard", t);

                List<String> others = collection.centerIds().stream().filter(x -> !x.equals(c) && testCases.get(x) > 0).toList();
                Map<String, AliasState> before = snapshot(others);
                EvaluationReport evalBefore = null;
                if (!others.isEmpty()) {
                    t = System.nanoTime();
                    evalBefore = evaluate(others, List.of(AliasState.PRODUCTION), new Path(dir, EVALUATION_BEFORE), List.of());
                    p.evaluationBefore = c + "/" + EVALUATION_BEFORE;
                    p.time("evaluate-before", t);
                }

                t = System.nanoTime();
                p.tuneRun = tuneRunId(runId, c);
                TuneJob.Result tuned = new TuneJob(ctx).run(new TuneJob.Options(patches.toString(), List.of(c), backbone.id(), store.root(),
                        TuningMode.PROMPT, plan.init(), null, o.seed(), p.tuneRun, false, settings.roundsOr(ctx.config())));
                p.candidate = tuned.centers().get(c).version();
                p.time("tune", t);

                t = System.nanoTime();
                List<String> all = collection.centerIds().stream().filter(x -> testCases.get(x) > 0).toList();
                EvaluationReport evalAfter = evaluate(all, List.of(AliasState.PRODUCTION, AliasState.CANDIDATE), new Path(dir, EVALUATION), List.of(p.tuneRun));
                p.evaluation = c + "/" + EVALUATION;
                p.time("evaluate-after", t);
                Map<String, AliasState> after = snapshot(others);

                Gate.Decision decision = Gate.decide(gateInputs(c, plan, production, p.candidate, evalBefore, evalAfter, others, before, after));
                p.gate = decision;
                if (!decision.promote()) {
                    markRejected(c, p.candidate);
                    return p.outcome(CenterOutcome.Result.REJECTED, plan, "candidate " + p.candidate + " kept as candidate, production "
                            + (production.exists() ? production.version() : "none") + " unchanged: " + decision.summary());
                }
                if (!held.isHeld()) {
                    return p.failed(plan, "the retune lock of " + c + " was broken by another process while this run worked (longer than"
                            + " promptseg.store.stale-lock-age?); candidate " + p.candidate + " kept as candidate, not promoted");
                }
                try {
                    store.promote(c, AliasState.PRODUCTION, p.candidate, production.aliasEntry());
                } catch (AliasConflictException e) {
                    AliasState now = AliasState.production(store, c);
                    return p.outcome(CenterOutcome.Result.CONFLICT, plan, "the gate passed, but production of " + c + " was changed by another"
                            + " process during the run (from " + production.describe() + " to " + now.describe() + "); candidate " + p.candidate
                            + " kept as candidate");
                }
                return p.outcome(CenterOutcome.Result.PROMOTED, plan, "candidate " + p.candidate + " promoted to production (was "
                        + (production.exists() ? production.version() : "none") + "): " + decision.summary());
            } catch (Exception e) {
                return p.failed(p.plan != null ? p.plan : planned, message(e) + "; production unchanged");
            } finally {
                if (!settings.keepPatches()) {
                    deleteQuietly(patches);
                }
            }
        }

        /** Points the center's {@code rejected} alias at the refused candidate, so that later runs do not tune the same data again. */
        private void markRejected(String c, String candidate) {
            try {
                store.promote(c, AliasState.REJECTED, candidate);
            } catch (IOException | RuntimeException e) {
                ctx.progress().say("WARNING: could not point the " + AliasState.REJECTED + " alias of " + c + " at " + candidate + " (" + message(e)
                        + "); the next run will tune the same data again");
            }
        }

        private Map<String, AliasState> snapshot(List<String> centers) throws IOException {
            Map<String, AliasState> out = new TreeMap<>();
            for (String c : centers) {
                out.put(c, AliasState.production(store, c));
            }
            return out;
        }

        private EvaluationReport evaluate(List<String> centers, List<String> versions, Path report, List<String> runs) throws IOException {
            return new EvaluateJob(ctx).run(new EvaluateJob.Options(o.collection(), store.root(), centers, backbone.id(), versions, false,
                    report.toString(), settings.reportImages(), null, runs, false));
        }

        private Gate.Inputs gateInputs(String c, CenterPlan plan, AliasState production, String candidate, EvaluationReport before,
                                       EvaluationReport after, List<String> others, Map<String, AliasState> snapBefore,
                                       Map<String, AliasState> snapAfter) {
            String candidateVariant = after.variants().stream()
                    .filter(v -> Variant.PROMPT.equals(v.kind()) && c.equals(v.owner()) && v.aliases().contains(AliasState.CANDIDATE)).map(EvaluationReport.VariantInfo::name)
                    .findFirst().orElse(null);
            String expected = "prompts-" + c + "-" + candidate;
            if (!expected.equals(candidateVariant)) {
                throw new PromptsegException("the candidate alias of " + c + " moved during the run: this run tuned version " + candidate
                        + " but the evaluation found " + (candidateVariant == null ? "no candidate" : candidateVariant)
                        + "; another tune of " + c + " is running without the retune lock");
            }
            boolean againstProduction = plan.status() == CenterPlan.Status.CHANGED;
            String baselineVariant = againstProduction ? "prompts-" + c + "-" + production.version() : Variant.BACKBONE;
            String baselineLabel = againstProduction ? "production " + production.version() : "bare backbone";
            List<Gate.OtherCenter> checks = new ArrayList<>();
            for (String x : others) {
                checks.add(new Gate.OtherCenter(x, snapBefore.get(x), snapAfter.get(x), dice(before, x), dice(after, x)));
            }
            return new Gate.Inputs(c, candidate, dice(after, c).getOrDefault(expected, Double.NaN), baselineLabel,
                    dice(after, c).getOrDefault(baselineVariant, Double.NaN), settings.minGainPp(), settings.maxOtherChangePp(), checks);
        }

        /** What one center's work collected so far, turned into its outcome. */
        private final class Collected {
            private final String center;
            private final Map<String, Double> seconds = new LinkedHashMap<>();
            CenterPlan plan;
            String candidate;
            String evaluation;
            String evaluationBefore;
            String tuneRun;
            Gate.Decision gate;

            Collected(String center) {
                this.center = center;
            }

            void time(String phase, long startNanos) {
                seconds.put(phase, (System.nanoTime() - startNanos) / 1e9);
            }

            CenterOutcome outcome(CenterOutcome.Result result, CenterPlan p, String message) {
                String production;
                try {
                    production = AliasState.production(store, center).version();
                } catch (IOException | RuntimeException e) {
                    production = null;
                }
                return new CenterOutcome(center, result, message, p, candidate, production, gate, evaluation, evaluationBefore, tuneRun,
                        new LinkedHashMap<>(seconds));
            }

            CenterOutcome failed(CenterPlan p, String message) {
                return outcome(CenterOutcome.Result.FAILED, p, message);
            }
        }

        private void deleteQuietly(Path p) {
            try {
                FileSystem fs = Uris.fileSystem(p, ctx.hadoop());
                if (fs.exists(p)) {
                    fs.delete(p, true);
                }
            } catch (IOException e) {
                ctx.progress().say("WARNING: could not delete " + p + " (resampled patient images): " + e.getMessage());
            }
        }
    }

    /** Mean test Dice per evaluated variant of one center. */
    static Map<String, Double> dice(EvaluationReport report, String center) {
        Map<String, Double> out = new TreeMap<>();
        if (report != null) {
            report.rows().stream().filter(r -> r.center().equals(center)).forEach(r -> out.put(r.variant(), r.meanDice()));
        }
        return out;
    }

    static String message(Throwable e) {
        return e instanceof PromptsegException ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
