package org.promptseg.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.promptseg.model.loss.LossSettings;
import org.promptseg.model.train.DataBatch;
import org.promptseg.model.train.OptimSettings;
import org.promptseg.model.train.Trainer;

class SmokeTest {
    @Test
    void buildsPredictsAndTrains() {
        ModelSpec spec = TestModels.small(TestModels.all());
        PromptableUNet m = PromptableUNet.create(spec, 1);
        DataBatch b = TestModels.batch(spec, 2, 3, DataType.FLOAT);
        INDArray p = m.predictProbabilities(b.images());
        assertThat(p.shape()).containsExactly(2, 16, 16, 16, 3);
        Trainer t = new Trainer(m, TuningMode.FULL, OptimSettings.adam(1e-2), LossSettings.defaults());
        double first = t.step(b);
        double last = first;
        for (int i = 0; i < 10; i++) {
            last = t.step(b);
        }
        System.out.println("loss " + first + " -> " + last);
        assertThat(last).isLessThan(first);
    }
}
