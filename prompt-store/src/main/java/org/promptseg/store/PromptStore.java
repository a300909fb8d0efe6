package org.promptseg.store;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Uris;
import org.promptseg.store.StoreListing.BackboneSummary;
import org.promptseg.store.StoreListing.CenterListing;
import org.promptseg.store.StoreListing.ModelSummary;
import org.promptseg.store.StoreListing.VersionSummary;
import org.promptseg.store.internal.StoreFs;
import org.promptseg.store.internal.StoreLayout;
import org.promptseg.store.internal.StoreNames;
import org.promptseg.store.tensor.TensorSet;

/**
 * The prompt store: backbones, per-center prompt versions, aliases, fine-tuned baselines, round
 * checkpoints and locks under one root on any Hadoop filesystem with atomic rename (docs/prompt-store.md).
 *
 * <p>Guarantees: a version, backbone or checkpoint appears whole or not at all (staging directory,
 * checksums verified, one atomic claim); concurrent publishers get distinct increasing version numbers;
 * aliases change only by compare-and-set; prompts never load onto another backbone than the one they
 * were tuned on; every name is validated before any filesystem access; {@link #verify()} recomputes
 * every checksum and never repairs.
 *
 * <p>Thread-safe; one instance per store root is enough for a JVM. Methods throw {@link StoreException}
 * subclasses for the user's mistakes and bad data, {@link IOException} for filesystem failures.
 */
public final class PromptStore {
    private final StoreContext ctx;
    private final Backbones backbones;
    private final PromptVersions prompts;
    private final Aliases aliases;
    private final Models models;

    private PromptStore(StoreContext ctx) {
        this.ctx = ctx;
        this.backbones = new Backbones(ctx);
        this.prompts = new PromptVersions(ctx, backbones);
        this.aliases = new Aliases(ctx);
        this.models = new Models(ctx, backbones);
    }

    /** Opens the store at {@code location} (Hadoop URI or local path) with default settings and Hadoop configuration. */
    public static PromptStore open(String location) throws IOException {
        return open(StoreOptions.defaults().withUri(location), new Configuration());
    }

    public static PromptStore open(String location, Configuration hadoopConf) throws IOException {
        return open(StoreOptions.defaults().withUri(location), hadoopConf);
    }

    /**
     * Opens the store at {@code options.uri()}. Nothing is created until the first write; a store written
     * by a newer promptseg layout is refused here.
     */
    public static PromptStore open(StoreOptions options, Configuration hadoopConf) throws IOException {
        Path root = resolveRoot(options.uri());
        StoreFs fs = StoreFs.forRoot(root, hadoopConf);
        StoreContext ctx = new StoreContext(fs, new StoreLayout(fs.qualify(root)), Clock.systemUTC(), options);
        ctx.checkMarker();
        return new PromptStore(ctx);
    }

    /** The same store with another clock (creation times, lock and leftover ages); for tests and tools. */
    public PromptStore withClock(Clock clock) {
        return new PromptStore(new StoreContext(ctx.fs(), ctx.layout(), clock, ctx.options()));
    }

    /** Fully qualified root URI. */
    public String root() {
        return ctx.root().toString();
    }

    public StoreOptions options() {
        return ctx.options();
    }

    // ---------------------------------------------------------------- backbones

    /**
     * Stores a backbone under the id the caller computed with {@link BackboneIds#compute} (the store does
     * not read models). If the id is already stored, nothing is written and the stored manifest is
     * returned: same id, same weights.
     *
     * @param modelZip the model zip, streamed (not closed)
     * @param genericPrompts the generic prompts (mean of the pretraining centers' prompts), or null
     */
    public BackboneManifest putBackbone(String backboneId, InputStream modelZip, BackboneDescription description, TensorSet genericPrompts)
            throws IOException {
        return backbones.put(backboneId, modelZip, description, genericPrompts);
    }

    /** Resolves a full id, a unique prefix of 8+ hex digits, "latest" (newest stored) or a backbone alias to a full id. */
    public String resolveBackbone(String ref) throws IOException {
        return backbones.resolve(ref, aliases);
    }

    public BackboneManifest backbone(String ref) throws IOException {
        return backbones.manifest(resolveBackbone(ref));
    }

    /** All backbones, oldest first. */
    public List<BackboneManifest> backbones() throws IOException {
        return backbones.list();
    }

    /** The model zip, checked against its SHA-256 before it is returned. */
    public byte[] readBackboneZip(String backboneId) throws IOException {
        return backbones.readZip(StoreNames.backboneId(backboneId));
    }

    /** The model zip as a stream; reading it to the end throws if its SHA-256 does not match. */
    public InputStream openBackboneZip(String backboneId) throws IOException {
        return backbones.openZip(StoreNames.backboneId(backboneId));
    }

    /** The generic prompts stored with a backbone, checked; empty if it has none. */
    public Optional<TensorSet> genericPrompts(String backboneId) throws IOException {
        return backbones.genericPrompts(StoreNames.backboneId(backboneId));
    }

    public BackboneDetails showBackbone(String ref) throws IOException {
        String id = resolveBackbone(ref);
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, AliasHistory> e : aliases.backboneAliases().entrySet()) {
            if (e.getValue().currentTarget().filter(id::equals).isPresent()) {
                names.add(e.getKey());
            }
        }
        return new BackboneDetails(root(), ctx.layout().backbone(id).toString(), backbones.manifest(id), names);
    }

    public AliasHistory backboneAliasHistory(String alias) throws IOException {
        return aliases.backbone(StoreNames.alias(alias));
    }

    /** Points a backbone alias (e.g. production) at a backbone, if its current entry is still {@code expectedEntry}. */
    public AliasEntry promoteBackbone(String alias, String backboneRef, long expectedEntry) throws IOException {
        String id = resolveBackbone(backboneRef);
        return aliases.backboneLog(StoreNames.alias(alias)).promote(id, expectedEntry);
    }

    public AliasEntry rollbackBackbone(String alias, long expectedEntry) throws IOException {
        return aliases.backboneLog(StoreNames.alias(alias)).rollback(expectedEntry);
    }

    // ---------------------------------------------------------------- prompt versions

    /** Publishes a new prompt version of a center; returns its manifest, with the version number it got. */
    public PromptManifest publish(PromptPublication publication) throws IOException {
        return prompts.publish(publication);
    }

    /**
     * Loads a prompt version onto a backbone: resolves the version ("0003", "3", "latest" or an alias),
     * refuses it with {@link BackboneMismatchException} if it was tuned on another backbone, and checks
     * the tensor file against the manifest's SHA-256.
     */
    public LoadedPrompts load(String center, String versionOrAlias, String expectedBackboneSha256) throws IOException {
        StoreNames.center(center);
        StoreNames.backboneId(expectedBackboneSha256);
        return prompts.load(center, prompts.resolve(center, versionOrAlias, aliases), expectedBackboneSha256);
    }

    /** The manifest of a version, without reading its tensors. */
    public PromptManifest manifest(String center, String versionOrAlias) throws IOException {
        return prompts.manifest(StoreNames.center(center), prompts.resolve(center, versionOrAlias, aliases));
    }

    /** The zero-padded version a reference currently names. */
    public String resolveVersion(String center, String versionOrAlias) throws IOException {
        return StoreLayout.versionName(prompts.resolve(StoreNames.center(center), versionOrAlias, aliases));
    }

    /** All versions of a center, oldest first. */
    public List<PromptManifest> versions(String center) throws IOException {
        return prompts.versions(StoreNames.center(center));
    }

    /** Centers that have prompt versions or aliases. */
    public List<String> centers() throws IOException {
        return prompts.centers();
    }

    public VersionDetails show(String center, String versionOrAlias) throws IOException {
        PromptManifest m = manifest(center, versionOrAlias);
        List<String> names = new ArrayList<>();
        aliasTargets(center).forEach((alias, target) -> {
            if (target.equals(m.version())) {
                names.add(alias);
            }
        });
        return new VersionDetails(root(), ctx.layout().version(center, m.versionNumber()).toString(), m, names);
    }

    // ---------------------------------------------------------------- aliases

    public AliasHistory aliasHistory(String center, String alias) throws IOException {
        return aliases.prompt(StoreNames.center(center), StoreNames.alias(alias));
    }

    /** The version an alias points to now, if it was ever set. */
    public Optional<String> alias(String center, String alias) throws IOException {
        return aliasHistory(center, alias).currentTarget();
    }

    /** Alias name to current version, for every alias of a center. */
    public SortedMap<String, String> aliasTargets(String center) throws IOException {
        SortedMap<String, String> out = new TreeMap<>();
        for (Map.Entry<String, AliasHistory> e : aliases.promptAliases(StoreNames.center(center)).entrySet()) {
            e.getValue().currentTarget().ifPresent(t -> out.put(e.getKey(), t));
        }
        return out;
    }

    /**
     * Points {@code alias} at {@code version} if the alias's current entry is still {@code expectedEntry}
     * (from {@link AliasHistory#currentEntry()}, 0 if never set); otherwise {@link AliasConflictException}.
     */
    public AliasEntry promote(String center, String alias, String version, long expectedEntry) throws IOException {
        StoreNames.center(center);
        StoreNames.alias(alias);
        int v = StoreNames.versionNumber("version", version);
        prompts.manifest(center, v); // must exist
        return aliases.promptLog(center, alias).promote(Aliases.versionTarget(v), expectedEntry);
    }

    /** Promote based on a fresh read of the alias; still fails if the alias changes between that read and the write. */
    public AliasEntry promote(String center, String alias, String version) throws IOException {
        return promote(center, alias, version, aliasHistory(center, alias).currentEntry());
    }

    /** Moves the alias back to the version it pointed to before its current one, if its current entry is still {@code expectedEntry}. */
    public AliasEntry rollback(String center, String alias, long expectedEntry) throws IOException {
        StoreNames.center(center);
        return aliases.promptLog(center, StoreNames.alias(alias)).rollback(expectedEntry);
    }

    public AliasEntry rollback(String center, String alias) throws IOException {
        return rollback(center, alias, aliasHistory(center, alias).currentEntry());
    }

    // ---------------------------------------------------------------- fine-tuned baselines

    /** Publishes a full or head fine-tuned model of a center under {@code models/<center>/<NNNN>/}. */
    public ModelManifest publishModel(ModelPublication publication, InputStream modelZip) throws IOException {
        return models.publish(publication, modelZip);
    }

    public List<ModelManifest> models(String center) throws IOException {
        return models.list(center);
    }

    public ModelManifest model(String center, String version) throws IOException {
        return models.manifest(StoreNames.center(center), StoreNames.versionNumber("model version", version));
    }

    /** The model zip, checked against its SHA-256 before it is returned. */
    public byte[] readModelZip(String center, String version) throws IOException {
        return models.readZip(StoreNames.center(center), StoreNames.versionNumber("model version", version));
    }

    // ---------------------------------------------------------------- runs and locks

    /** Round checkpoints of a running job. */
    public RunCheckpoints run(String runId) {
        return new RunCheckpoints(ctx, StoreNames.runId(runId));
    }

    /** Takes the lock of {@code scope} unless it is held and younger than {@code staleAfter}; release with close(). */
    public Optional<StoreLock> tryLock(String scope, String owner, Duration staleAfter) throws IOException {
        return StoreLock.tryAcquire(ctx, StoreNames.scope(scope), owner, staleAfter);
    }

    /** {@link #tryLock(String, String, Duration)} with the configured stale age. */
    public Optional<StoreLock> tryLock(String scope, String owner) throws IOException {
        return tryLock(scope, owner, ctx.options().staleLockAge());
    }

    public Optional<StoreLock.LockEntry> lockState(String scope) throws IOException {
        return StoreLock.current(ctx, StoreNames.scope(scope));
    }

    // ---------------------------------------------------------------- maintenance

    public StoreListing list() throws IOException {
        List<String> centers = new ArrayList<>(prompts.centers());
        for (String c : models.centers()) {
            if (!centers.contains(c)) {
                centers.add(c);
            }
        }
        centers.sort(null);
        return listing(centers, true);
    }

    public StoreListing list(String center) throws IOException {
        return listing(List.of(StoreNames.center(center)), false);
    }

    private StoreListing listing(List<String> centers, boolean withBackbones) throws IOException {
        List<BackboneSummary> bbs = new ArrayList<>();
        SortedMap<String, String> bbAliases = new TreeMap<>();
        if (withBackbones) {
            for (BackboneManifest m : backbones.list()) {
                bbs.add(new BackboneSummary(m.backboneId(), m.preset(), m.parameterCount(), m.zipBytes(), m.genericPrompts() != null, m.createdAt()));
            }
            aliases.backboneAliases().forEach((name, h) -> h.currentTarget().ifPresent(t -> bbAliases.put(name, t)));
        }
        List<CenterListing> out = new ArrayList<>();
        for (String center : centers) {
            SortedMap<String, String> targets = aliasTargets(center);
            List<VersionSummary> versions = new ArrayList<>();
            for (PromptManifest m : prompts.versions(center)) {
                List<String> names = targets.entrySet().stream().filter(e -> e.getValue().equals(m.version())).map(Map.Entry::getKey).toList();
                versions.add(new VersionSummary(m.version(), m.parentVersion(), m.backboneSha256(), m.promptKinds(), m.parameterCount(),
                        m.tensorsBytes(), m.createdAt(), names));
            }
            List<ModelSummary> ms = new ArrayList<>();
            for (ModelManifest m : models.list(center)) {
                ms.add(new ModelSummary(m.version(), m.mode(), m.baseBackboneSha256(), m.modelBytes(), m.createdAt()));
            }
            out.add(new CenterListing(center, versions, targets, ms));
        }
        return new StoreListing(root(), bbs, bbAliases, out);
    }

    /** Recomputes every checksum and checks every reference; reports, never repairs. */
    public VerifyReport verify() throws IOException {
        return new StoreVerifier(ctx, backbones, prompts, models, aliases).run();
    }

    public GcReport gc(GcOptions options) throws IOException {
        return new StoreGc(ctx, prompts, models, aliases).run(options);
    }

    /** Per-tensor and per-metric differences between two versions of a center. */
    public VersionDiff diff(String center, String versionOrAliasA, String versionOrAliasB) throws IOException {
        return diff(center, versionOrAliasA, center, versionOrAliasB);
    }

    /** Differences between versions of two centers (e.g. how far a center's prompts moved from another's). */
    public VersionDiff diff(String centerA, String refA, String centerB, String refB) throws IOException {
        LoadedPrompts a = prompts.load(StoreNames.center(centerA), prompts.resolve(centerA, refA, aliases), null);
        LoadedPrompts b = prompts.load(StoreNames.center(centerB), prompts.resolve(centerB, refB, aliases), null);
        return VersionDiffer.diff(a, b);
    }

    /** {@code file:relative/path} is not a hierarchical URI; treat it as the local path it means. */
    static Path resolveRoot(String location) {
        String trimmed = location.trim();
        if (trimmed.startsWith("file:") && !trimmed.startsWith("file:/")) {
            return Uris.toPath(trimmed.substring("file:".length()));
        }
        return Uris.toPath(trimmed);
    }
}
