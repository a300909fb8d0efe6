package org.promptseg.jobs.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.promptseg.jobs.config.PromptsegConfig;
import org.promptseg.jobs.train.CenterPartitioner;
import org.promptseg.model.ModelSpec;
import org.promptseg.volume.preprocess.Patch;

@DisplayName("bench spark: its patches")
class SparkTuneBenchmarkTest {

    @Test
    @DisplayName("fill every task slot's partition about evenly, so 2 slots really train on 2 partitions")
    void patchesSpreadOverPartitions() {
        ModelSpec spec = ModelSpec.fromConfig(PromptsegConfig.defaults()).withNumClasses(6);
        List<Patch> patches = SparkTuneBenchmark.patches(spec, 48, 3);
        for (int slots : new int[] {2, 3, 4}) {
            Map<Integer, Long> perBucket = patches.stream().collect(Collectors.groupingBy(p -> CenterPartitioner.bucket(p, slots), Collectors.counting()));
            assertThat(perBucket).as("patches per partition with %d slots", slots).hasSize(slots)
                    .allSatisfy((bucket, n) -> assertThat(n).isGreaterThanOrEqualTo(48 / slots / 2));
        }
    }
}
