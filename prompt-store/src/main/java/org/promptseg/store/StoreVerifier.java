package org.promptseg.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Ids;
import org.promptseg.store.VerifyReport.Kind;
import org.promptseg.store.VerifyReport.Leftover;
import org.promptseg.store.VerifyReport.Problem;
import org.promptseg.store.internal.EntryLog;
import org.promptseg.store.internal.ManifestIo;
import org.promptseg.store.internal.StoreFs;
import org.promptseg.store.internal.StoreLayout;
import org.promptseg.store.internal.StoreNames;

/**
 * Recomputes every checksum in the store and checks every manifest, alias and reference against the
 * layout. Reports; never repairs: a corrupt version stays as it is until a person decides.
 */
final class StoreVerifier {
    private final StoreContext ctx;
    private final StoreFs fs;
    private final StoreLayout layout;
    private final Backbones backbones;
    private final PromptVersions prompts;
    private final Models models;
    private final Aliases aliases;
    private final List<Problem> problems = new ArrayList<>();
    private int backboneCount;
    private int versionCount;
    private int modelCount;
    private int aliasEntryCount;
    private int roundCount;

    StoreVerifier(StoreContext ctx, Backbones backbones, PromptVersions prompts, Models models, Aliases aliases) {
        this.ctx = ctx;
        this.fs = ctx.fs();
        this.layout = ctx.layout();
        this.backbones = backbones;
        this.prompts = prompts;
        this.models = models;
        this.aliases = aliases;
    }

    VerifyReport run() throws IOException {
        Path root = ctx.root();
        if (!fs.exists(root)) {
            problems.add(new Problem(Kind.MISSING, root.toString(), "the store root does not exist"));
        } else {
            verifyRoot(root);
        }
        List<Leftover> leftovers = new ArrayList<>();
        for (Leftovers.Found f : Leftovers.find(ctx)) {
            leftovers.add(new Leftover(f.path().toString(), f.age().toSeconds(), f.age().compareTo(ctx.options().leftoverMaxAge()) > 0));
        }
        return new VerifyReport(root.toString(), backboneCount, versionCount, modelCount, aliasEntryCount, roundCount, problems, leftovers);
    }

    private void verifyRoot(Path root) throws IOException {
        boolean hasMarker = false;
        boolean hasContent = false;
        for (FileStatus st : fs.list(root)) {
            String name = st.getPath().getName();
            switch (name) {
                case StoreLayout.STORE_MARKER -> {
                    hasMarker = true;
                    check(st.getPath(), () -> ctx.checkMarker());
                }
                case StoreLayout.BACKBONES -> {
                    hasContent = true;
                    verifyBackbones(st.getPath());
                }
                case StoreLayout.PROMPTS -> {
                    hasContent = true;
                    verifyCenters(st.getPath());
                }
                case StoreLayout.MODELS -> {
                    hasContent = true;
                    verifyModels(st.getPath());
                }
                case StoreLayout.RUNS -> verifyRuns(st.getPath());
                case StoreLayout.LOCKS -> verifyLocks(st.getPath());
                default -> extra(st);
            }
        }
        if (hasContent && !hasMarker) {
            problems.add(new Problem(Kind.MISSING, layout.marker().toString(), "the store format marker is missing"));
        }
    }

    private void verifyBackbones(Path dir) throws IOException {
        for (FileStatus st : fs.list(dir)) {
            String name = st.getPath().getName();
            if (st.isDirectory() && StoreNames.isBackboneId(name)) {
                backboneCount++;
                check(st.getPath(), () -> verifyBackbone(name));
            } else if (st.isDirectory() && name.equals(StoreLayout.ALIASES)) {
                for (FileStatus alias : fs.list(st.getPath())) {
                    if (alias.isDirectory() && Ids.isValid(alias.getPath().getName())) {
                        verifyAliasLog(aliases.backboneLog(alias.getPath().getName()), alias.getPath(), target -> backbones.exists(target));
                    } else {
                        extra(alias);
                    }
                }
            } else {
                extra(st);
            }
        }
    }

    private void verifyBackbone(String id) throws IOException {
        Path dir = layout.backbone(id);
        BackboneManifest m = backbones.manifest(id);
        Set<String> expected = new HashSet<>(Set.of(StoreLayout.BACKBONE_JSON, StoreLayout.MODEL_ZIP));
        if (m.genericPrompts() != null) {
            expected.add(StoreLayout.GENERIC_PROMPTS);
        }
        expectExactly(dir, expected);
        checkFile(new Path(dir, StoreLayout.MODEL_ZIP), m.zipBytes(), m.zipSha256());
        if (m.genericPrompts() != null) {
            Path generic = new Path(dir, StoreLayout.GENERIC_PROMPTS);
            if (checkFile(generic, m.genericPrompts().bytes(), m.genericPrompts().sha256())) {
                check(generic, () -> backbones.genericPrompts(id));
            }
        }
    }

    private void verifyCenters(Path dir) throws IOException {
        for (FileStatus st : fs.list(dir)) {
            String center = st.getPath().getName();
            if (!st.isDirectory() || !Ids.isValid(center)) {
                extra(st);
                continue;
            }
            for (FileStatus sub : fs.list(st.getPath())) {
                String name = sub.getPath().getName();
                if (sub.isDirectory() && name.equals(StoreLayout.VERSIONS)) {
                    verifyVersions(center, sub.getPath());
                } else if (sub.isDirectory() && name.equals(StoreLayout.ALIASES)) {
                    for (FileStatus alias : fs.list(sub.getPath())) {
                        String aliasName = alias.getPath().getName();
                        if (alias.isDirectory() && Ids.isValid(aliasName)) {
                            verifyAliasLog(aliases.promptLog(center, aliasName), alias.getPath(),
                                    target -> StoreNames.isVersionNumber(target) && fs.exists(layout.version(center, Integer.parseInt(target))));
                        } else {
                            extra(alias);
                        }
                    }
                } else {
                    extra(sub);
                }
            }
        }
    }

    private void verifyVersions(String center, Path dir) throws IOException {
        for (FileStatus st : fs.list(dir)) {
            String name = st.getPath().getName();
            if (!st.isDirectory() || !StoreLayout.VERSION_DIR.matcher(name).matches()) {
                extra(st);
                continue;
            }
            versionCount++;
            int version = Integer.parseInt(name);
            check(st.getPath(), () -> {
                expectExactly(st.getPath(), Set.of(StoreLayout.MANIFEST, StoreLayout.PROMPTS_FILE));
                if (!fs.exists(new Path(st.getPath(), StoreLayout.MANIFEST))) {
                    return;
                }
                PromptManifest m = prompts.checkedManifest(center, version, new Path(st.getPath(), StoreLayout.MANIFEST));
                if (fs.exists(new Path(st.getPath(), StoreLayout.PROMPTS_FILE))) {
                    prompts.readTensors(m);
                }
                if (!backbones.exists(m.backboneSha256())) {
                    problems.add(new Problem(Kind.DANGLING, st.getPath().toString(), "tuned on backbone " + m.backboneSha256()
                            + ", which is not in this store"));
                }
            });
        }
    }

    /** Checks a target string; true if it refers to something present. */
    @FunctionalInterface
    private interface TargetCheck {
        boolean exists(String target) throws IOException;
    }

    private void verifyAliasLog(AliasLog log, Path dir, TargetCheck targetExists) throws IOException {
        EntryLog entries = new EntryLog(fs, dir);
        for (FileStatus st : fs.list(dir)) {
            if (!st.isFile() || !StoreLayout.ENTRY_FILE.matcher(st.getPath().getName()).matches()) {
                extra(st);
            }
        }
        List<Long> seqs = entries.sequence();
        for (int i = 0; i < seqs.size(); i++) {
            aliasEntryCount++;
            if (seqs.get(i) != i + 1) {
                problems.add(new Problem(Kind.MISSING, entries.path(i + 1).toString(), "alias entries must be numbered 1, 2, 3, ... without gaps"));
                break;
            }
        }
        check(dir, () -> {
            AliasHistory history = log.history();
            Optional<AliasEntry> current = history.current();
            if (current.isEmpty()) {
                return;
            }
            requireTarget(dir, "current target", current.get().target(), targetExists);
            if (current.get().previousEntry() != null) {
                String rollbackTarget = log.read(current.get().previousEntry()).target();
                requireTarget(dir, "rollback target", rollbackTarget, targetExists);
            }
        });
    }

    private void requireTarget(Path dir, String what, String target, TargetCheck targetExists) throws IOException {
        if (!targetExists.exists(target)) {
            problems.add(new Problem(Kind.DANGLING, dir.toString(), what + " " + target + " is not in the store"));
        }
    }

    private void verifyModels(Path dir) throws IOException {
        for (FileStatus st : fs.list(dir)) {
            String center = st.getPath().getName();
            if (!st.isDirectory() || !Ids.isValid(center)) {
                extra(st);
                continue;
            }
            for (FileStatus v : fs.list(st.getPath())) {
                String name = v.getPath().getName();
                if (!v.isDirectory() || !StoreLayout.VERSION_DIR.matcher(name).matches()) {
                    extra(v);
                    continue;
                }
                modelCount++;
                check(v.getPath(), () -> {
                    expectExactly(v.getPath(), Set.of(StoreLayout.MANIFEST, StoreLayout.MODEL_ZIP));
                    if (!fs.exists(new Path(v.getPath(), StoreLayout.MANIFEST))) {
                        return;
                    }
                    ModelManifest m = models.manifest(center, Integer.parseInt(name));
                    checkFile(new Path(v.getPath(), StoreLayout.MODEL_ZIP), m.modelBytes(), m.modelSha256());
                    if (!backbones.exists(m.baseBackboneSha256())) {
                        problems.add(new Problem(Kind.DANGLING, v.getPath().toString(), "fine-tuned from backbone " + m.baseBackboneSha256()
                                + ", which is not in this store"));
                    }
                });
            }
        }
    }

    private void verifyRuns(Path dir) throws IOException {
        for (FileStatus st : fs.list(dir)) {
            String runId = st.getPath().getName();
            if (!st.isDirectory() || !Ids.isValid(runId)) {
                extra(st);
                continue;
            }
            RunCheckpoints run = new RunCheckpoints(ctx, runId);
            for (FileStatus sub : fs.list(st.getPath())) {
                if (!sub.isDirectory() || !sub.getPath().getName().equals(StoreLayout.ROUNDS)) {
                    // beside rounds/, a run folder holds what its job writes there (retune: reports, retune.json): the job's own, not checked
                    continue;
                }
                for (FileStatus round : fs.list(sub.getPath())) {
                    String name = round.getPath().getName();
                    if (!round.isDirectory() || !StoreLayout.ENTRY_NAME.matcher(name).matches()) {
                        extra(round);
                        continue;
                    }
                    roundCount++;
                    check(round.getPath(), () -> {
                        expectExactly(round.getPath(), Set.of(StoreLayout.ROUND_TENSORS, StoreLayout.ROUND_STATE, StoreLayout.ROUND_CHECKPOINT));
                        run.read(Integer.parseInt(name));
                    });
                }
            }
        }
    }

    private void verifyLocks(Path dir) throws IOException {
        for (FileStatus st : fs.list(dir)) {
            if (!st.isDirectory() || !Ids.isValid(st.getPath().getName())) {
                extra(st);
                continue;
            }
            EntryLog log = new EntryLog(fs, st.getPath());
            for (FileStatus entry : fs.list(st.getPath())) {
                if (!entry.isFile() || !StoreLayout.ENTRY_FILE.matcher(entry.getPath().getName()).matches()) {
                    extra(entry);
                }
            }
            for (long seq : log.sequence()) {
                check(log.path(seq), () -> ManifestIo.read(fs, log.path(seq), StoreLock.LockEntry.class, StoreLock.LockEntry.FORMAT_VERSION));
            }
        }
    }

    /** Every expected file present, nothing else but leftovers. */
    private void expectExactly(Path dir, Set<String> expected) throws IOException {
        Set<String> seen = new HashSet<>();
        for (FileStatus st : fs.list(dir)) {
            String name = st.getPath().getName();
            if (expected.contains(name) && st.isFile()) {
                seen.add(name);
            } else {
                extra(st);
            }
        }
        for (String name : expected) {
            if (!seen.contains(name)) {
                problems.add(new Problem(Kind.MISSING, new Path(dir, name).toString(), "required file is missing"));
            }
        }
    }

    /** Size and SHA-256 of a file against what its manifest records; true if they match. */
    private boolean checkFile(Path file, long bytes, String sha256) throws IOException {
        if (!fs.exists(file)) {
            return false; // already reported by expectExactly
        }
        try {
            StoreFs.Written actual = fs.hash(file);
            if (actual.bytes() != bytes || !actual.sha256().equals(sha256)) {
                problems.add(new Problem(Kind.CORRUPT, file.toString(), actual.bytes() + " bytes with SHA-256 " + actual.sha256()
                        + ", the manifest records " + bytes + " bytes with SHA-256 " + sha256));
                return false;
            }
            return true;
        } catch (IOException e) {
            problems.add(new Problem(Kind.CORRUPT, file.toString(), "unreadable: " + e.getMessage()));
            return false;
        }
    }

    private void extra(FileStatus st) {
        if (!StoreLayout.isLeftover(st.getPath().getName())) {
            problems.add(new Problem(Kind.EXTRA, st.getPath().toString(), (st.isDirectory() ? "directory" : "file")
                    + " that is not part of the store layout"));
        }
    }

    @FunctionalInterface
    private interface Check {
        void run() throws IOException;
    }

    /** Runs one entry's checks; a failure becomes a problem of that entry and the walk goes on. */
    private void check(Path where, Check c) {
        try {
            c.run();
        } catch (StoreEntryNotFoundException e) {
            problems.add(new Problem(Kind.MISSING, where.toString(), e.getMessage()));
        } catch (IOException | RuntimeException e) {
            problems.add(new Problem(Kind.CORRUPT, where.toString(), String.valueOf(e.getMessage())));
        }
    }

}
