package org.promptseg.jobs.demo;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.FileNotFoundException;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.HadoopFiles;
import org.promptseg.common.Json;

/**
 * What the demo has finished, kept in {@code demo-state.json} so that a re-run resumes after the last
 * finished stage (like nnU-Net's separate restartable steps). Each field is filled when its stage ends.
 */
public record DemoState(@JsonProperty("quick") boolean quick,
                        @JsonProperty("backbone") String backbone,
                        @JsonProperty("pretrain_run") String pretrainRun,
                        @JsonProperty("prompt_version") String promptVersion,
                        @JsonProperty("tune_run") String tuneRun,
                        @JsonProperty("full_version") String fullVersion,
                        @JsonProperty("full_run") String fullRun,
                        @JsonProperty("evaluated") boolean evaluated) {

    static final String FILE = "demo-state.json";

    static DemoState empty(boolean quick) {
        return new DemoState(quick, null, null, null, null, null, null, false);
    }

    static DemoState read(Path dir, Configuration conf, boolean quick) throws IOException {
        try {
            DemoState s = Json.mapper().readValue(HadoopFiles.readString(new Path(dir, FILE), conf, 1 << 20), DemoState.class);
            return s.quick() == quick ? s : null; // a quick and a full demo do not share stages
        } catch (FileNotFoundException e) {
            return empty(quick);
        }
    }

    void write(Path dir, Configuration conf) throws IOException {
        HadoopFiles.writeStringAtomically(new Path(dir, FILE), conf, true, Json.pretty(this));
    }

    DemoState withPretrain(String backboneId, String run) {
        return new DemoState(quick, backboneId, run, promptVersion, tuneRun, fullVersion, fullRun, false);
    }

    DemoState withPrompts(String version, String run) {
        return new DemoState(quick, backbone, pretrainRun, version, run, fullVersion, fullRun, false);
    }

    DemoState withFull(String version, String run) {
        return new DemoState(quick, backbone, pretrainRun, promptVersion, tuneRun, version, run, false);
    }

    DemoState markEvaluated() {
        return new DemoState(quick, backbone, pretrainRun, promptVersion, tuneRun, fullVersion, fullRun, true);
    }
}
