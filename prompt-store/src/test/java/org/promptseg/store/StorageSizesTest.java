package org.promptseg.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.promptseg.store.tensor.DType;
import org.promptseg.store.tensor.TensorSet;
import org.promptseg.store.tensor.TensorSpec;

class StorageSizesTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    @DisplayName("the computed prompt file size is exactly what a published version takes on disk")
    void exactForPublishedVersion() throws IOException {
        PromptStore store = PromptStore.open(dir.resolve("store").toUri().toString());
        String backbone = StoreFixtures.putBackbone(store, 1);
        TensorSet prompts = StoreFixtures.prompts(3);
        PromptManifest m = store.publish(PromptPublication.builder("center-id", backbone, prompts).promptKinds(java.util.List.of("input")).build());
        StorageSizes.Comparison c = StorageSizes.compare("fixture", prompts.specs(), 151, DType.F32);
        assertThat(c.promptFileBytes()).isEqualTo(m.tensorsBytes());
        long manifestOnDisk = StoreFixtures.read(store, store.show("center-id", "1").path() + "/manifest.json").length;
        assertThat(c.manifestBytes()).isBetween(manifestOnDisk - 200, manifestOnDisk + 200);
        assertThat(c.promptParameters()).isEqualTo(prompts.totalElements());
    }

    @Test
    @DisplayName("prints the comparison for illustrative shapes (the real tiny/paper shapes come from the model module)")
    void illustrative() {
        // Illustrative only: an input prompt over a 48^3 patch and 16 deep tokens per class (4 classes) at
        // channel widths 32..256, against a ~6.8 M parameter backbone. Replace with the presets' real shapes.
        Map<String, TensorSpec> prompts = new TreeMap<>();
        prompts.put("prompt/input/delta", TensorSpec.of(DType.F32, 1, 48, 48, 48, 1));
        int[] widths = {32, 64, 128, 256};
        for (int i = 0; i < widths.length; i++) {
            prompts.put("prompt/deep/stage" + i + "/tokens", TensorSpec.of(DType.F32, 4, 16, widths[i]));
        }
        StorageSizes.Comparison c = StorageSizes.compare("illustrative", prompts, 6_758_304, DType.F32);
        System.out.print(c.toText());
        long tensorBytes = prompts.values().stream().mapToLong(TensorSpec::byteSize).sum();
        assertThat(c.promptFileBytes()).isBetween(tensorBytes, tensorBytes + 1024);
        assertThat(c.backboneParameterBytes()).isEqualTo(4L * 6_758_304);
        assertThat(c.ratio()).isBetween(0.0, 0.1);
        assertThat(c.toText()).contains("illustrative").contains("% of the backbone");
    }
}
