package org.promptseg.model.train;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adam moments of the trainable parameters, for checkpointing a trainer.
 *
 * @param steps   optimizer steps taken (drives Adam's bias correction)
 * @param moments parameter name to [1, 2n]: first moments, then second moments, in the parameter's c order
 */
public record OptimizerState(int steps, Map<String, INDArray> moments) {
    public long bytes() {
        return moments.values().stream().mapToLong(a -> a.length() * a.dataType().width()).sum();
    }
}
