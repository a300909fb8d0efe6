package org.promptseg.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("promptseg CLI")
class PromptsegCliTest {

    @Test
    @DisplayName("--help lists the commands and exits 0")
    void help() {
        CliRun r = CliRun.of("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: promptseg").contains("doctor").contains("--conf").contains("--set");
    }

    @Test
    @DisplayName("every command and subcommand prints its usage for --help and exits 0")
    void helpOfEveryCommand() {
        java.util.List<java.util.List<String>> paths = new java.util.ArrayList<>();
        collect(PromptsegCli.commandLine(), new java.util.ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(15);
        for (java.util.List<String> path : paths) {
            java.util.List<String> args = new java.util.ArrayList<>(path);
            args.add("--help");
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertThat(r.exitCode()).as("%s --help: %s", path, r.err()).isZero();
            assertThat(r.out()).as("%s --help", path).contains("Usage: promptseg " + String.join(" ", path));
        }
    }

    private static void collect(picocli.CommandLine cl, java.util.List<String> path, java.util.List<java.util.List<String>> out) {
        cl.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandName().equals(name) && !name.equals("help")) {
                java.util.List<String> p = new java.util.ArrayList<>(path);
                p.add(name);
                out.add(p);
                collect(sub, p, out);
            }
        });
    }

    @Test
    @DisplayName("--version names promptseg, Spark and DL4J versions")
    void version() {
        CliRun r = CliRun.of("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("promptseg 0.").contains("Spark 4.1").contains("1.0.0-M2.1");
    }

    @Nested
    @DisplayName("usage errors exit 2 with a one-paragraph message and no stack trace")
    class UsageErrors {
        @Test
        void unknownCommand() {
            CliRun r = CliRun.of("doktor");
            assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("doktor").contains("doctor").doesNotContain("\tat ");
        }

        @Test
        void unknownOption() {
            CliRun r = CliRun.of("doctor", "--frobnicate");
            assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("--frobnicate").doesNotContain("\tat ");
        }

        @Test
        void missingCommand() {
            CliRun r = CliRun.of();
            assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("missing command");
        }

        @Test
        void missingConfigFile(@TempDir Path dir) {
            String missing = dir.resolve("nope.conf").toString();
            CliRun r = CliRun.of("--conf", missing, "doctor", "--no-spark");
            assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("nope.conf").contains("not found").doesNotContain("\tat ");
        }

        @Test
        void malformedHocon(@TempDir Path dir) throws IOException {
            Path conf = Files.writeString(dir.resolve("bad.conf"), "promptseg {\n  spark { master = \n");
            CliRun r = CliRun.of("doctor", "--no-spark", "--conf", conf.toString());
            assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("bad.conf").contains("not valid HOCON").doesNotContain("\tat ");
        }

        @Test
        void wrongType(@TempDir Path dir) throws IOException {
            Path conf = Files.writeString(dir.resolve("typed.conf"), "promptseg.spark.threads-per-task = many\n");
            CliRun r = CliRun.of("--conf", conf.toString(), "doctor", "--no-spark");
            assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("promptseg.spark.threads-per-task").contains("typed.conf").contains("number");
        }

        @Test
        void unknownKeyViaSet() {
            CliRun r = CliRun.of("doctor", "--no-spark", "--set", "promptseg.spark.mastr=local[2]");
            assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("promptseg.spark.mastr").contains("did you mean 'master'");
        }

        @Test
        void verboseShowsTheStackTrace() {
            CliRun r = CliRun.of("doctor", "--no-spark", "--verbose", "--set", "promptseg.spark.threads-per-task=x");
            assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.err()).contains("\tat ");
        }
    }

    @Test
    @DisplayName("config show prints the effective configuration with overrides applied")
    void configShow() {
        CliRun r = CliRun.of("config", "show", "--set", "promptseg.spark.master=local[1]");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("master=\"local[1]\"");
    }

    @Test
    @DisplayName("the configuration reference is generated from every module's declarations")
    void configReference() {
        CliRun r = CliRun.of("config", "reference");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("| `promptseg.spark.threads-per-task` | number | `1` |");
    }

    @Test
    @DisplayName("doctor --no-spark reports the ND4J backend with oneDNN read from the native library")
    void doctorWithoutSpark() {
        CliRun r = CliRun.of("doctor", "--no-spark");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("CpuBackend").contains("HAVE_ONEDNN").contains("oneDNN active").contains("Self-check  skipped");
    }
}
