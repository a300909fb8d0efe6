package org.promptseg.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.promptseg.model.infer.VolumeShape;

@DisplayName("Surface (6-connected)")
class SurfaceTest {

    static boolean[] box(VolumeShape shape, int z0, int z1, int y0, int y1, int x0, int x1) {
        boolean[] mask = new boolean[shape.voxelCount()];
        for (int z = z0; z < z1; z++) {
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    mask[(z * shape.height() + y) * shape.width() + x] = true;
                }
            }
        }
        return mask;
    }

    @Test
    @DisplayName("of a solid cube is everything but its interior")
    void cube() {
        VolumeShape shape = VolumeShape.cube(9);
        assertThat(Surface.voxels(box(shape, 2, 5, 2, 5, 2, 5), shape)).hasSize(27 - 1);
        assertThat(Surface.voxels(box(shape, 2, 7, 2, 7, 2, 7), shape)).hasSize(125 - 27);
    }

    @Test
    @DisplayName("leaves out a voxel that touches the background only at a corner")
    void faceConnectivity() {
        VolumeShape shape = VolumeShape.cube(5);
        boolean[] mask = box(shape, 1, 4, 1, 4, 1, 4);
        mask[(1 * 5 + 1) * 5 + 1] = false; // cut one corner: the centre now touches background diagonally
        int centre = (2 * 5 + 2) * 5 + 2;
        assertThat(Surface.voxels(mask, shape)).hasSize(25).doesNotContain(centre);
    }

    @Test
    @DisplayName("includes voxels on the border of the grid")
    void gridBorderIsOutside() {
        VolumeShape shape = VolumeShape.cube(4);
        boolean[] all = box(shape, 0, 4, 0, 4, 0, 4);
        assertThat(Surface.voxels(all, shape)).hasSize(64 - 8);
    }

    @Test
    @DisplayName("matches the definition on random masks")
    void matchesDefinition() {
        VolumeShape shape = new VolumeShape(6, 7, 8);
        for (long seed = 0; seed < 5; seed++) {
            boolean[] mask = EuclideanDistanceTransformTest.randomMask(shape, 0.6, seed);
            assertThat(Surface.asMask(Surface.voxels(mask, shape), mask.length)).isEqualTo(BruteForce.surface(mask, shape));
        }
    }
}
