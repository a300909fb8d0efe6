package org.promptseg.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.ContentSummary;
import org.apache.hadoop.fs.Path;
import org.promptseg.store.GcReport.Kept;
import org.promptseg.store.GcReport.Removal;
import org.promptseg.store.internal.StoreFs;
import org.promptseg.store.internal.StoreLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention: per center keep the newest N prompt versions and every version an alias points to or
 * would roll back to; per center keep the newest N baseline models; remove leftovers older than the
 * configured age. Backbones are never collected (prompts pin them) and neither are runs (their jobs
 * delete them).
 *
 * <p>A version is removed by renaming it out of sight first ({@code .deleting-*}), then deleting it, so
 * a reader never sees half of it. The newest version always stays, so its number is never reused.
 */
final class StoreGc {
    private static final Logger LOG = LoggerFactory.getLogger(StoreGc.class);

    private final StoreContext ctx;
    private final StoreFs fs;
    private final PromptVersions prompts;
    private final Models models;
    private final Aliases aliases;

    StoreGc(StoreContext ctx, PromptVersions prompts, Models models, Aliases aliases) {
        this.ctx = ctx;
        this.fs = ctx.fs();
        this.prompts = prompts;
        this.models = models;
        this.aliases = aliases;
    }

    GcReport run(GcOptions options) throws IOException {
        List<Removal> removals = new ArrayList<>();
        List<Kept> kept = new ArrayList<>();
        for (String center : prompts.centers()) {
            collectPromptVersions(center, options, removals, kept);
        }
        for (String center : models.centers()) {
            List<Integer> versions = models.versionNumbers(center);
            for (int i = 0; i < versions.size(); i++) {
                int v = versions.get(i);
                if (i >= versions.size() - options.keep()) {
                    kept.add(new Kept("model-version", center, StoreLayout.versionName(v), List.of("newest " + options.keep())));
                } else {
                    Path dir = ctx.layout().model(center, v);
                    removals.add(new Removal("model-version", dir.toString(), size(dir), "older than the newest " + options.keep()));
                    if (!options.dryRun()) {
                        removeAtomically(dir);
                    }
                }
            }
        }
        for (Leftovers.Found f : Leftovers.find(ctx)) {
            if (f.age().compareTo(options.leftoverMaxAge()) > 0) {
                removals.add(new Removal("leftover", f.path().toString(), size(f.path()), "interrupted write or removal, "
                        + f.age().toSeconds() + " s old"));
                if (!options.dryRun()) {
                    fs.delete(f.path());
                }
            }
        }
        return new GcReport(ctx.root().toString(), options.dryRun(), options.keep(), removals, kept);
    }

    private void collectPromptVersions(String center, GcOptions options, List<Removal> removals, List<Kept> kept) throws IOException {
        List<Integer> versions = prompts.versionNumbers(center);
        Map<String, List<String>> protectedBy = protectedVersions(center);
        for (int i = 0; i < versions.size(); i++) {
            String name = StoreLayout.versionName(versions.get(i));
            List<String> reasons = new ArrayList<>();
            if (i >= versions.size() - options.keep()) {
                reasons.add("newest " + options.keep());
            }
            reasons.addAll(protectedBy.getOrDefault(name, List.of()));
            if (!reasons.isEmpty()) {
                kept.add(new Kept("prompt-version", center, name, reasons));
                continue;
            }
            Path dir = ctx.layout().version(center, versions.get(i));
            long bytes = size(dir);
            if (options.dryRun()) {
                removals.add(new Removal("prompt-version", dir.toString(), bytes, "older than the newest " + options.keep() + ", no alias"));
                continue;
            }
            Path trash = StoreLayout.trash(dir);
            fs.claimDirectory(dir, trash);
            // A promote may have pointed an alias at it after we looked: then put it back.
            if (protectedVersions(center).containsKey(name)) {
                fs.claimDirectory(trash, dir);
                kept.add(new Kept("prompt-version", center, name, protectedVersions(center).get(name)));
                continue;
            }
            fs.delete(trash);
            removals.add(new Removal("prompt-version", dir.toString(), bytes, "older than the newest " + options.keep() + ", no alias"));
        }
    }

    /** Versions that aliases point to now, or would point to after one rollback, with the reason. */
    private Map<String, List<String>> protectedVersions(String center) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, AliasHistory> e : aliases.promptAliases(center).entrySet()) {
            AliasHistory h = e.getValue();
            h.current().ifPresent(cur -> {
                out.computeIfAbsent(cur.target(), k -> new ArrayList<>()).add("alias " + e.getKey());
                if (cur.previousEntry() != null) {
                    h.entries().stream().filter(x -> x.seq() == cur.previousEntry()).findFirst().ifPresent(prev ->
                            out.computeIfAbsent(prev.target(), k -> new ArrayList<>()).add("rollback target of " + e.getKey()));
                }
            });
        }
        return out;
    }

    private void removeAtomically(Path dir) throws IOException {
        Path trash = StoreLayout.trash(dir);
        fs.claimDirectory(dir, trash);
        fs.delete(trash);
        LOG.info("gc removed {}", dir);
    }

    private long size(Path p) {
        try {
            ContentSummary s = fs.fileSystem().getContentSummary(p);
            return s.getLength();
        } catch (IOException e) {
            return 0;
        }
    }
}
