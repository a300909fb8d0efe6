package org.promptseg.jobs.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.jobs.cli.CliRun;
import org.promptseg.jobs.cli.ExitCodes;

/**
 * The README's first command, in its {@code --quick} form: the whole demo through the CLI on Spark local[2], then a
 * re-run that must reuse every finished stage, then a full demo asked for in the quick demo's folder.
 */
@Tag("slow")
@DisplayName("promptseg demo --quick: end to end, resumable")
class DemoCommandIT {
    private static final String[] SETTINGS = {"--set", "promptseg.spark.master=local[2]", "--set", "promptseg.cli.progress=false"};

    @Test
    @DisplayName("writes a report whose images exist, prints the summary table, and a re-run reuses every stage")
    void quickDemo(@TempDir Path dir) throws IOException {
        Path demo = dir.resolve("demo");
        CliRun first = run("demo", "--quick", "--dir", demo.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("center", "backbone", "prompts", "full-FT", "gap(pp)")
                .containsPattern("c3\\s+new\\s+0\\.\\d{3}\\s+0\\.\\d{3}\\s+0\\.\\d{3}\\s+[+-]\\d+\\.\\d")
                .containsPattern("prompt parameters: [\\d,]+ per center = 0\\.\\d\\d% of the backbone")
                .contains("report: ");
        for (String c : List.of("c0", "c1", "c2")) {
            assertThat(first.out()).containsPattern(c + "\\s+pretrain\\s+0\\.\\d{3}\\s+0\\.\\d{3}\\s+-\\s+-");
        }

        Path report = demo.resolve("report");
        String html = Files.readString(report.resolve("index.html"));
        Matcher img = Pattern.compile("<img[^>]*src=\"([^\"]+)\"").matcher(html);
        int images = 0;
        while (img.find()) {
            Path png = report.resolve(img.group(1));
            assertThat(png).as("image of the report").isRegularFile();
            assertThat(Files.readAllBytes(png)).as(png.toString()).startsWith(0x89, 'P', 'N', 'G');
            images++;
        }
        assertThat(images).as("dice chart, three training curves and overlays").isGreaterThanOrEqualTo(5);
        assertThat(report.resolve("summary.json")).isRegularFile();
        assertThat(report.resolve("metrics.csv")).isRegularFile();
        String state = Files.readString(demo.resolve(DemoState.FILE));
        assertThat(state).contains("\"evaluated\" : true");

        List<Path> runsBefore = runs(demo);
        CliRun again = run("demo", "--quick", "--dir", demo.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(runs(demo)).as("no stage trained again").isEqualTo(runsBefore);
        assertThat(tableRows(again.out())).as("same backbone, prompts and evaluation").isEqualTo(tableRows(first.out()));

        CliRun full = run("demo", "--dir", demo.toString());
        assertThat(full.exitCode()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
        assertThat(full.err()).contains("holds a quick demo", "--fresh");
        assertThat(runs(demo)).as("the quick demo is left as it was").isEqualTo(runsBefore);
    }

    private static CliRun run(String... args) {
        String[] all = Stream.concat(Stream.of(args), Stream.of(SETTINGS)).toArray(String[]::new);
        return CliRun.of(all);
    }

    private static List<Path> runs(Path demo) throws IOException {
        try (Stream<Path> s = Files.list(demo.resolve("store").resolve("runs"))) {
            return s.sorted().toList();
        }
    }

    /** The per-center lines of the summary table (the last line holds the elapsed seconds, which differ). */
    private static List<String> tableRows(String out) {
        return out.lines().filter(l -> l.matches("c\\d+\\s+(new|pretrain)\\s.*")).toList();
    }
}
