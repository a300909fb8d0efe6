package org.promptseg.model.infer;

/**
 * What one sliding-window run did and cost.
 *
 * @param windows            windows predicted (each once per mirror combination)
 * @param predictorCalls     calls of {@link WindowPredictor#predict}
 * @param accumulatorPlanes  z-planes held by the accumulator: the window depth, or up to one stride more when a
 *                           z-level has fewer windows than a batch
 * @param accumulatorFloats  floats allocated for accumulation: planes x height x width x (classes, + 1 for the
 *                           weight sum when probabilities are requested)
 * @param predictorNanos     wall time spent inside the predictor
 * @param totalNanos         wall time of the whole run
 */
public record InferenceStats(int windows, int predictorCalls, int accumulatorPlanes, long accumulatorFloats,
                             long predictorNanos, long totalNanos) {

    /** Time spent in sliding-window code itself: extraction, mirroring, blending, argmax. */
    public long overheadNanos() {
        return totalNanos - predictorNanos;
    }
}
