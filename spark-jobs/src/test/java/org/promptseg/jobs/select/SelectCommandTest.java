package org.promptseg.jobs.select;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.promptseg.jobs.cli.CliRun;
import org.promptseg.jobs.cli.ExitCodes;

@DisplayName("promptseg select: the command line")
class SelectCommandTest {

    @Test
    @DisplayName("is listed and documents its options")
    void help() {
        CliRun top = CliRun.of("--help");
        assertThat(top.out()).contains("select");
        CliRun r = CliRun.of("help", "select");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--center", "--budget", "--round", "--collection", "--store", "--backbone", "--seed", "--json", "--overwrite");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"--budget, 0%, --budget", "--budget, ten, --budget", "--budget, 0, --budget", "--round, -1, --round", "--center, C-1!, --center"})
    @DisplayName("usage errors exit 2 before any Spark work, naming the option")
    void usageErrors(String option, String value, String named) {
        String budget = option.equals("--budget") ? value : "2";
        String center = option.equals("--center") ? value : "c0";
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("select", "--collection", "/nonexistent/coll", "--center", center,
                "--budget", budget));
        if (option.equals("--round")) {
            args.addAll(java.util.List.of("--round", value));
        }
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(named);
    }

    @Test
    @DisplayName("a required option missing is a usage error")
    void missing() {
        CliRun r = CliRun.of("select", "--collection", "/nonexistent/coll", "--center", "c0");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--budget");
    }
}
