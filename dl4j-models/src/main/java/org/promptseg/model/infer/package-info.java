/**
 * Sliding-window inference of a whole CT volume with a network that only sees fixed-size windows.
 *
 * <p>Entry point: {@link org.promptseg.model.infer.SlidingWindowInference}. The network is reached
 * through {@link org.promptseg.model.infer.WindowPredictor} only (plain float arrays, NDHWC with
 * channel last), so this package knows nothing about how the backbone and its prompts are built;
 * {@link org.promptseg.model.infer.NdArrayWindowPredictor} adapts any ND4J forward function.
 *
 * <p>Volumes are (z, y, x) arrays with x fastest; volume-io {@code Volume}s are accepted directly
 * ({@link org.promptseg.model.infer.SlidingWindowInference#segment(org.promptseg.volume.Volume)},
 * {@link org.promptseg.model.infer.Segmentation#toVolume}). Overlapping window predictions are blended with a
 * gaussian importance map and accumulated in a ring of z-planes, so per-class memory grows with
 * one window's depth, never with the depth of the volume.
 */
package org.promptseg.model.infer;
