package org.promptseg.jobs.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.promptseg.common.Json;
import org.promptseg.volume.synth.SynthOptions;
import org.promptseg.volume.synth.SyntheticCollection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code promptseg synth}: a synthetic multi-center abdominal CT collection, deterministic from a seed. */
@Command(name = "synth", description = "Generate a synthetic multi-center CT collection (MSD layout per center + centers.json).")
public final class SynthCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = "--out", required = true, paramLabel = "URI", description = "Collection root to create.")
    String out;
    @Option(names = "--centers", paramLabel = "N", description = "Number of centers (default: promptseg.synth.centers).")
    Integer centers;
    @Option(names = "--cases-per-center", paramLabel = "N", description = "Labelled cases per center.")
    Integer cases;
    @Option(names = "--unlabelled-per-center", paramLabel = "N", description = "Unlabelled cases per center (imagesTs).")
    Integer unlabelled;
    @Option(names = "--size", paramLabel = "VOXELS", description = "In-plane size.")
    Integer size;
    @Option(names = "--seed", description = "Seed of the collection.")
    Long seed;
    @Option(names = "--overwrite", description = "Replace an existing collection at --out.")
    boolean overwrite;
    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        SynthOptions d = SynthOptions.fromConfig(PromptsegCli.root(spec).config());
        SynthOptions o = d.with(centers == null ? d.centers() : centers, cases == null ? d.casesPerCenter() : cases,
                unlabelled == null ? d.unlabelledCasesPerCenter() : unlabelled, size == null ? d.size() : size, seed == null ? d.seed() : seed);
        SyntheticCollection.Result r = SyntheticCollection.generate(o, out, new Configuration(), overwrite);
        spec.commandLine().getOut().println(json ? Json.pretty(r) : String.format(java.util.Locale.ROOT,
                "synthetic collection %s: centers %s, %d labelled + %d unlabelled cases, %.1f s", r.manifestUri(), r.centers(),
                r.labelledCases(), r.unlabelledCases(), r.seconds()));
        return ExitCodes.OK;
    }
}
