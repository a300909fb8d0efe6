package org.promptseg.store.internal;

import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.Path;

/**
 * Where everything lives under a store root. The one place that builds store paths; every segment that
 * comes from a user has been validated ({@link StoreNames}) before it gets here.
 *
 * <pre>
 * store.json                                          store format marker
 * backbones/&lt;sha256&gt;/model.zip, backbone.json, generic.safetensors
 * backbones/aliases/&lt;alias&gt;/&lt;NNNNNNNN&gt;.json              backbone alias log
 * prompts/&lt;center&gt;/versions/&lt;NNNN&gt;/prompts.safetensors, manifest.json
 * prompts/&lt;center&gt;/aliases/&lt;alias&gt;/&lt;NNNNNNNN&gt;.json       prompt alias log (highest entry = current)
 * models/&lt;center&gt;/&lt;NNNN&gt;/model.zip, manifest.json        full / head fine-tuned baselines
 * runs/&lt;run-id&gt;/rounds/&lt;NNNNNNNN&gt;/tensors.safetensors, state.json, checkpoint.json
 * locks/&lt;scope&gt;/&lt;NNNNNNNN&gt;.json                          lock log
 * </pre>
 *
 * Names starting with a dot are never entries: {@code .tmp-*} are staging areas of writes in progress
 * (or of writers that died), {@code .deleting-*} are entries being removed by gc.
 */
public final class StoreLayout {
    public static final String STORE_MARKER = "store.json";
    public static final String BACKBONES = "backbones";
    public static final String PROMPTS = "prompts";
    public static final String MODELS = "models";
    public static final String RUNS = "runs";
    public static final String LOCKS = "locks";
    public static final String VERSIONS = "versions";
    public static final String ALIASES = "aliases";
    public static final String ROUNDS = "rounds";

    public static final String MODEL_ZIP = "model.zip";
    public static final String BACKBONE_JSON = "backbone.json";
    public static final String GENERIC_PROMPTS = "generic.safetensors";
    public static final String PROMPTS_FILE = "prompts.safetensors";
    public static final String MANIFEST = "manifest.json";
    public static final String ROUND_TENSORS = "tensors.safetensors";
    public static final String ROUND_STATE = "state.json";
    public static final String ROUND_CHECKPOINT = "checkpoint.json";

    public static final String STAGING_PREFIX = ".tmp-";
    public static final String TRASH_PREFIX = ".deleting-";

    /** Prompt and model versions: at least four digits, zero-padded (0001); numeric order. */
    public static final Pattern VERSION_DIR = Pattern.compile("[0-9]{4,9}");
    /** Entries of alias and lock logs and round numbers: eight digits. */
    public static final Pattern ENTRY_NAME = Pattern.compile("[0-9]{8}");
    public static final Pattern ENTRY_FILE = Pattern.compile("[0-9]{8}\\.json");

    private final Path root;

    public StoreLayout(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path marker() {
        return new Path(root, STORE_MARKER);
    }

    public Path backbones() {
        return new Path(root, BACKBONES);
    }

    public Path backbone(String id) {
        return new Path(backbones(), id);
    }

    public Path backboneAliases() {
        return new Path(backbones(), ALIASES);
    }

    public Path backboneAlias(String alias) {
        return new Path(backboneAliases(), alias);
    }

    public Path prompts() {
        return new Path(root, PROMPTS);
    }

    public Path center(String center) {
        return new Path(prompts(), center);
    }

    public Path versions(String center) {
        return new Path(center(center), VERSIONS);
    }

    public Path version(String center, int version) {
        return new Path(versions(center), versionName(version));
    }

    public Path aliases(String center) {
        return new Path(center(center), ALIASES);
    }

    public Path alias(String center, String alias) {
        return new Path(aliases(center), alias);
    }

    public Path models() {
        return new Path(root, MODELS);
    }

    public Path models(String center) {
        return new Path(models(), center);
    }

    public Path model(String center, int version) {
        return new Path(models(center), versionName(version));
    }

    public Path runs() {
        return new Path(root, RUNS);
    }

    public Path run(String runId) {
        return new Path(runs(), runId);
    }

    public Path rounds(String runId) {
        return new Path(run(runId), ROUNDS);
    }

    public Path round(String runId, int round) {
        return new Path(rounds(runId), entryName(round));
    }

    public Path locks() {
        return new Path(root, LOCKS);
    }

    public Path lock(String scope) {
        return new Path(locks(), scope);
    }

    public static String versionName(int version) {
        return String.format("%04d", version);
    }

    public static String entryName(long seq) {
        return String.format("%08d", seq);
    }

    /** A fresh staging name inside {@code parent}, unique across processes. */
    public static Path staging(Path parent, String suffix) {
        return new Path(parent, STAGING_PREFIX + UUID.randomUUID() + suffix);
    }

    public static Path trash(Path entry) {
        return new Path(entry.getParent(), TRASH_PREFIX + entry.getName() + "-" + UUID.randomUUID());
    }

    /** Staging areas and entries half-removed by gc: what verify reports as leftovers and gc cleans. */
    public static boolean isLeftover(String name) {
        return name.startsWith(STAGING_PREFIX) || name.startsWith(TRASH_PREFIX)
                // HadoopFiles-style hidden temporary siblings ".name.tmp-uuid"
                || (name.startsWith(".") && name.contains(".tmp-"));
    }
}
