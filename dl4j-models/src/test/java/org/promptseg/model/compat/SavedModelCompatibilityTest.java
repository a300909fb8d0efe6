package org.promptseg.model.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.promptseg.model.PromptableUNet;

/**
 * A model zip written by the SameDiff implementation of the prompt layers (fixture from {@link CompatFixtures},
 * commit d6a7792) still loads and predicts what it predicted then. Backbones and prompt versions in stores
 * were written by that implementation.
 */
@DisplayName("Model zips saved by the SameDiff prompt layers")
class SavedModelCompatibilityTest {
    private static final String DIR = "/org/promptseg/model/compat/";

    @Test
    @DisplayName("load and predict the stored probabilities, with the saved class switches and with all classes active")
    void predictsAsBefore(@TempDir Path tmp) throws IOException {
        PromptableUNet m = PromptableUNet.load(copy("model.zip", tmp));
        INDArray x = read("input.bin", tmp);
        INDArray asSaved = read("expected-as-saved.bin", tmp);
        INDArray allActive = read("expected-all-active.bin", tmp);
        // the fixture is sensitive to the class switches: an implementation that ignored them would fail here
        assertThat(maxAbsDiff(asSaved, allActive)).isGreaterThan(1e-3);

        assertThat(maxAbsDiff(m.predictProbabilities(x), asSaved)).isLessThan(2e-6);
        m.setActiveClasses(new boolean[] {true, true, true});
        assertThat(maxAbsDiff(m.predictProbabilities(x), allActive)).isLessThan(2e-6);
    }

    private static double maxAbsDiff(INDArray a, INDArray b) {
        assertThat(a.shape()).isEqualTo(b.shape());
        return Transforms.abs(a.sub(b)).maxNumber().doubleValue();
    }

    private static Path copy(String name, Path tmp) throws IOException {
        Path target = tmp.resolve(name);
        try (InputStream in = SavedModelCompatibilityTest.class.getResourceAsStream(DIR + name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            Files.copy(in, target);
        }
        return target;
    }

    private static INDArray read(String name, Path tmp) throws IOException {
        File f = copy(name, tmp).toFile();
        return Nd4j.readBinary(f);
    }
}
