package org.promptseg.model.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

@DisplayName("ND4J window predictor")
class NdArrayWindowPredictorTest {

    private final VolumeShape window = new VolumeShape(4, 6, 8);

    /** A real two-class softmax over [v, -v] in the channel axis: class 0 wins where v > 0. */
    private static INDArray signSoftmax(INDArray ndhwc) {
        INDArray logits = Nd4j.concat(4, ndhwc, ndhwc.neg());
        return Transforms.softmax(logits.reshape(new long[] {logits.length() / 2, 2}), true).reshape(logits.shape());
    }

    @Test
    @DisplayName("passes NDHWC windows to the network and returns channel-last probabilities")
    void channelLast() {
        NdArrayWindowPredictor predictor = new NdArrayWindowPredictor(window, 2, NdArrayWindowPredictorTest::signSoftmax);
        float[] windows = SlidingWindowInferenceTest.gaussianVolume(new VolumeShape(2 * 4, 6, 8), 3);
        float[] out = predictor.predict(windows, 2);
        assertThat(out).hasSize(2 * window.voxelCount() * 2);
        for (int i = 0; i < windows.length; i++) {
            float p0 = (float) (1 / (1 + Math.exp(-2.0 * windows[i])));
            assertThat(out[2 * i]).isCloseTo(p0, within(1e-5f));
            assertThat(out[2 * i] + out[2 * i + 1]).isCloseTo(1f, within(1e-6f));
        }
    }

    @Test
    @DisplayName("drives sliding-window inference end to end")
    void endToEnd() {
        VolumeShape shape = new VolumeShape(9, 13, 17);
        float[] volume = SlidingWindowInferenceTest.gaussianVolume(shape, 4);
        Segmentation result = new SlidingWindowInference(
                new NdArrayWindowPredictor(window, 2, NdArrayWindowPredictorTest::signSoftmax),
                InferenceOptions.defaults().withBatchSize(3)).segment(volume, shape);
        for (int i = 0; i < volume.length; i++) {
            assertThat(result.labels()[i]).as("voxel %d (v = %s)", i, volume[i]).isEqualTo((byte) (volume[i] > 0 ? 0 : 1));
        }
    }

    @Test
    @DisplayName("rejects a network output of the wrong shape, naming both shapes")
    void wrongShape() {
        NdArrayWindowPredictor channelsFirst = new NdArrayWindowPredictor(window, 2,
                x -> signSoftmax(x).permute(0, 4, 1, 2, 3));
        assertThatThrownBy(() -> channelsFirst.predict(new float[window.voxelCount()], 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("[1, 2, 4, 6, 8]")
                .hasMessageContaining("expected [1, 4, 6, 8, 2]");
    }
}
