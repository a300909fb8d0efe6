package org.promptseg.model.compat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.promptseg.model.ModelSpec;
import org.promptseg.model.ParamRole;
import org.promptseg.model.PromptableUNet;
import org.promptseg.model.TestModels;
import org.promptseg.model.layers.BottleneckPrompt;

/**
 * Writes the model-zip compatibility fixture read by {@code SavedModelCompatibilityTest}.
 *
 * <p>The fixture in {@code src/test/resources/org/promptseg/model/compat/} was written by this class at commit
 * d6a7792, when {@code WindowPromptAttention}, {@code BottleneckPrompt} and {@code InputPrompt} still ran as
 * DL4J SameDiff layers. It pins what a model saved by that implementation predicts. Running this class again
 * writes a fixture from the current implementation, which would only compare the code with itself: do it
 * only on purpose, when the stored format changes deliberately.
 *
 * <p>Usage: {@code CompatFixtures <output folder>}.
 */
public final class CompatFixtures {
    static final long SEED = 21;

    private CompatFixtures() {
    }

    /** The micro network with every prompt kind, its prompt parts moved away from their neutral start. */
    static PromptableUNet fixtureModel() {
        ModelSpec spec = TestModels.micro(TestModels.all());
        PromptableUNet m = PromptableUNet.create(spec, SEED);
        Nd4j.getRandom().setSeed(SEED);
        m.parameterViews(ParamRole.PROMPT).forEach((name, p) -> {
            if (name.endsWith(BottleneckPrompt.GATE)) {
                p.assign(0.6);
            } else if (name.startsWith("input_prompt")) {
                p.assign(Nd4j.randn(DataType.FLOAT, p.shape()).muli(0.3));
            } else if (name.endsWith("_tokenBias")) {
                p.assign(Nd4j.randn(DataType.FLOAT, p.shape()));
            }
        });
        // a larger output projection than the near-identity initialisation, so attention visibly shapes the output
        m.parameterViews(ParamRole.BACKBONE).forEach((name, p) -> {
            if (name.endsWith("_attn_wo")) {
                p.muli(10);
            }
        });
        m.setActiveClasses(new boolean[] {true, true, false});
        return m;
    }

    static INDArray fixtureInput(ModelSpec spec) {
        return TestModels.batch(spec, 2, SEED, DataType.FLOAT).images();
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        PromptableUNet m = fixtureModel();
        INDArray x = fixtureInput(m.spec());
        m.save(dir.resolve("model.zip"));
        Nd4j.saveBinary(x, file(dir, "input.bin"));
        Nd4j.saveBinary(m.predictProbabilities(x), file(dir, "expected-as-saved.bin"));
        m.setActiveClasses(new boolean[] {true, true, true});
        Nd4j.saveBinary(m.predictProbabilities(x), file(dir, "expected-all-active.bin"));
    }

    private static File file(Path dir, String name) {
        return dir.resolve(name).toFile();
    }
}
