package org.promptseg.jobs.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;
import org.promptseg.store.AliasEntry;
import org.promptseg.store.GcOptions;
import org.promptseg.store.PromptStore;
import org.promptseg.store.StoreOptions;
import org.promptseg.store.StoreResult;
import org.promptseg.store.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code promptseg store ...}: inspect and manage the prompt store. */
@Command(name = "store", description = "Inspect and manage the prompt store (versions, aliases, integrity, retention).",
        subcommands = {StoreCommand.ListVersions.class, StoreCommand.Show.class, StoreCommand.Diff.class, StoreCommand.Promote.class,
            StoreCommand.Rollback.class, StoreCommand.Verify.class, StoreCommand.Gc.class})
public final class StoreCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, show, diff, promote, rollback, verify or gc");
    }

    /** Options every store subcommand shares. */
    static final class StoreOption {
        @Option(names = "--store", paramLabel = "URI", description = "Prompt store root (default: promptseg.store.uri).")
        String store;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        PromptStore open(CommandSpec spec) {
            StoreOptions options = StoreOptions.fromConfig(PromptsegCli.root(spec).config());
            if (store != null) {
                options = options.withUri(store);
            }
            try {
                return PromptStore.open(options, new org.apache.hadoop.conf.Configuration());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the prompt store at " + options.uri() + ": " + e.getMessage(), e);
            }
        }

        int print(CommandSpec spec, StoreResult result) {
            spec.commandLine().getOut().println(json ? result.toJson() : result.toText());
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "List backbones, centers, prompt versions, aliases and fine-tuned models.")
    static final class ListVersions implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOption store = new StoreOption();
        @Option(names = "--center", paramLabel = "ID", description = "Only this center.")
        String center;

        @Override
        public Integer call() throws IOException {
            PromptStore s = store.open(spec);
            return store.print(spec, center == null ? s.list() : s.list(center));
        }
    }

    @Command(name = "show", description = "Show one prompt version: manifest, tensors, metrics, provenance.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOption store = new StoreOption();
        @Option(names = "--center", required = true, paramLabel = "ID")
        String center;
        @Option(names = "--version", defaultValue = "production", paramLabel = "VERSION|ALIAS", description = "Default: ${DEFAULT-VALUE}.")
        String version;

        @Override
        public Integer call() throws IOException {
            return store.print(spec, store.open(spec).show(center, version));
        }
    }

    @Command(name = "diff", description = "Compare two versions of a center: per-tensor L2 and max-abs differences, metric changes.")
    static final class Diff implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOption store = new StoreOption();
        @Option(names = "--center", required = true, paramLabel = "ID")
        String center;
        @Parameters(index = "0", paramLabel = "A", description = "Version or alias.")
        String a;
        @Parameters(index = "1", paramLabel = "B", description = "Version or alias.")
        String b;

        @Override
        public Integer call() throws IOException {
            return store.print(spec, store.open(spec).diff(center, a, b));
        }
    }

    @Command(name = "promote", description = "Point an alias (default production) at a version; fails if the alias changed since --expect-entry.")
    static final class Promote implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOption store = new StoreOption();
        @Option(names = "--center", required = true, paramLabel = "ID")
        String center;
        @Option(names = "--version", required = true, paramLabel = "VERSION|ALIAS")
        String version;
        @Option(names = "--alias", defaultValue = "production", description = "Default: ${DEFAULT-VALUE}.")
        String alias;
        @Option(names = "--expect-entry", paramLabel = "N",
                description = "Compare-and-set: the alias entry you read (from store show/list); the promote fails if it moved since.")
        Long expectEntry;

        @Override
        public Integer call() throws IOException {
            PromptStore s = store.open(spec);
            String resolved = s.resolveVersion(center, version);
            AliasEntry e = expectEntry == null ? s.promote(center, alias, resolved) : s.promote(center, alias, resolved, expectEntry);
            spec.commandLine().getOut().println(store.json ? org.promptseg.common.Json.pretty(e)
                    : center + ": " + alias + " -> " + resolved + " (alias entry " + e.seq() + ")");
            return ExitCodes.OK;
        }
    }

    @Command(name = "rollback", description = "Move an alias (default production) back to the version it pointed to before.")
    static final class Rollback implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOption store = new StoreOption();
        @Option(names = "--center", required = true, paramLabel = "ID")
        String center;
        @Option(names = "--alias", defaultValue = "production", description = "Default: ${DEFAULT-VALUE}.")
        String alias;

        @Override
        public Integer call() throws IOException {
            AliasEntry e = store.open(spec).rollback(center, alias);
            spec.commandLine().getOut().println(store.json ? org.promptseg.common.Json.pretty(e)
                    : center + ": " + alias + " -> " + e.target() + " (alias entry " + e.seq() + ")");
            return ExitCodes.OK;
        }
    }

    @Command(name = "verify", description = "Recompute every checksum and check every reference; exit code 1 if anything is wrong. Never repairs.")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOption store = new StoreOption();

        @Override
        public Integer call() throws IOException {
            VerifyReport r = store.open(spec).verify();
            store.print(spec, r);
            return r.clean() ? ExitCodes.OK : ExitCodes.PROBLEMS_FOUND;
        }
    }

    @Command(name = "gc", description = "Retention: keep the newest N versions per center plus every alias target; a dry run unless --apply.")
    static final class Gc implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        StoreOption store = new StoreOption();
        @Option(names = "--keep", paramLabel = "N", description = "Versions to keep per center (default: promptseg.store.gc-keep).")
        Integer keep;
        @Option(names = "--apply", description = "Delete for real (default: only report what would be deleted).")
        boolean apply;

        @Override
        public Integer call() throws IOException {
            PromptStore s = store.open(spec);
            GcOptions dry = GcOptions.dryRun(s.options());
            GcOptions options = new GcOptions(keep == null ? dry.keep() : keep, !apply, dry.leftoverMaxAge());
            return store.print(spec, s.gc(options));
        }
    }
}
