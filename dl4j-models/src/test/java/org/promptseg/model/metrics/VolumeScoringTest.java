package org.promptseg.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.promptseg.model.infer.VolumeShape;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.Shape;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VolumeFormatException;

@DisplayName("Scoring volume-io label maps")
class VolumeScoringTest {

    private final SegmentationScorer scorer = new SegmentationScorer(List.of("background", "liver"));
    private final Shape shape = new Shape(5, 6, 7);
    // voxel axes x, y, z: 1.5, 0.5, 2.0 mm
    private final Geometry geometry = Geometry.axisAligned(1.5, 0.5, 2.0, 10, -20, 30);

    private Volume voxelAt(int z, int y, int x, Geometry g) {
        byte[] labels = new byte[shape.voxelCount()];
        labels[shape.index(z, y, x)] = 1;
        return Volume.ofLabels(shape, g, labels);
    }

    @Test
    @DisplayName("takes the spacing from the reference's geometry, in (z, y, x) order")
    void spacingFromGeometry() {
        ClassMetrics m = scorer.score("c", voxelAt(0, 0, 0, geometry), voxelAt(2, 3, 4, geometry), 1e-3).forClass("liver");
        // (2 * 2.0)^2 + (3 * 0.5)^2 + (4 * 1.5)^2 = 54.25
        assertThat(m.hd95Mm()).isCloseTo(Math.sqrt(54.25), within(1e-6));
    }

    @Test
    @DisplayName("rejects a prediction on another grid, naming the case")
    void differentGrid() {
        Geometry shifted = Geometry.axisAligned(1.5, 0.5, 2.0, 10, -20, 35);
        assertThatThrownBy(() -> scorer.score("c7", voxelAt(0, 0, 0, geometry), voxelAt(0, 0, 0, shifted), 1e-3))
                .isInstanceOf(VolumeFormatException.class)
                .hasMessageContaining("prediction of case c7");
        Volume smaller = Volume.ofLabels(new Shape(5, 6, 6), geometry, new byte[5 * 6 * 6]);
        assertThatThrownBy(() -> scorer.score("c7", voxelAt(0, 0, 0, geometry), smaller, 1e-3))
                .isInstanceOf(VolumeFormatException.class);
        assertThat(VolumeShape.of(shape)).isEqualTo(new VolumeShape(5, 6, 7));
    }
}
