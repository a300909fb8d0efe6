package org.promptseg.model.infer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.promptseg.model.infer.AnalyticPredictors.IntensityClassifier;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.Shape;
import org.promptseg.volume.Volume;

@DisplayName("Sliding-window inference on volume-io volumes")
class VolumeAdapterTest {

    private final Shape shape = new Shape(7, 9, 11);
    private final Geometry geometry = Geometry.axisAligned(0.8, 0.7, 2.5, -100, 20, 33);
    private final SlidingWindowInference inference = new SlidingWindowInference(
            new IntensityClassifier(VolumeShape.cube(4), 3), InferenceOptions.defaults());

    @Test
    @DisplayName("segments a float volume like the array API and returns labels on the same grid")
    void floatVolume() {
        float[] values = SlidingWindowInferenceTest.classCentredVolume(VolumeShape.of(shape), 3, 9);
        Segmentation fromVolume = inference.segment(Volume.ofFloats(shape, geometry, values));
        Segmentation fromArray = inference.segment(values, VolumeShape.of(shape));

        assertThat(fromVolume.labels()).isEqualTo(fromArray.labels());
        Volume labels = fromVolume.toVolume(geometry);
        assertThat(labels.shape()).isEqualTo(shape);
        assertThat(labels.geometry()).isEqualTo(geometry);
        assertThat(labels.labels()).isSameAs(fromVolume.labels());
        assertThat(labels.value(3, 4, 5)).isEqualTo(fromVolume.label(3, 4, 5));
    }

    @Test
    @DisplayName("converts int16 storage to floats first")
    void shortVolume() {
        short[] values = new short[shape.voxelCount()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (short) (i % 3);
        }
        Segmentation result = inference.segment(Volume.ofShorts(shape, geometry, values));
        for (int i = 0; i < values.length; i++) {
            assertThat(result.labels()[i]).isEqualTo((byte) values[i]);
        }
    }
}
