package org.promptseg.model.infer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Mirroring")
class MirroringTest {

    @Test
    @DisplayName("enumerates 2^k axis combinations, the identity first")
    void combinations() {
        assertThat(Mirroring.combinations(Set.of())).containsExactly(EnumSet.noneOf(Axis.class));
        assertThat(Mirroring.combinations(EnumSet.of(Axis.Z, Axis.X))).containsExactly(
                EnumSet.noneOf(Axis.class), EnumSet.of(Axis.Z), EnumSet.of(Axis.X), EnumSet.of(Axis.Z, Axis.X));
        assertThat(Mirroring.combinations(EnumSet.allOf(Axis.class))).hasSize(8).doesNotHaveDuplicates();
    }

    @Test
    @DisplayName("reverses one axis of a multi-channel window, keeping channels together")
    void reversesAxisKeepingChannels() {
        VolumeShape window = new VolumeShape(1, 2, 3);
        // [1, 2, 3, C=2]: value = 10 * voxel + channel
        float[] src = {0, 1, 10, 11, 20, 21, 30, 31, 40, 41, 50, 51};
        float[] dst = new float[src.length];
        Mirroring.flip(src, dst, 1, window, 2, EnumSet.of(Axis.X), false);
        assertThat(dst).containsExactly(20, 21, 10, 11, 0, 1, 50, 51, 40, 41, 30, 31);
        Mirroring.flip(src, dst, 1, window, 2, EnumSet.of(Axis.Y), false);
        assertThat(dst).containsExactly(30, 31, 40, 41, 50, 51, 0, 1, 10, 11, 20, 21);
    }

    @Test
    @DisplayName("is its own inverse, per window of a batch, and adds when accumulating")
    void involutionAndAccumulate() {
        VolumeShape window = new VolumeShape(3, 4, 5);
        float[] src = new float[2 * window.voxelCount()];
        for (int i = 0; i < src.length; i++) {
            src[i] = i;
        }
        float[] once = new float[src.length];
        float[] twice = new float[src.length];
        Set<Axis> all = EnumSet.allOf(Axis.class);
        Mirroring.flip(src, once, 2, window, 1, all, false);
        Mirroring.flip(once, twice, 2, window, 1, all, false);
        assertThat(twice).isEqualTo(src);
        assertThat(once[0]).isEqualTo(window.voxelCount() - 1);
        assertThat(once[window.voxelCount()]).isEqualTo(2 * window.voxelCount() - 1);

        Mirroring.flip(once, twice, 2, window, 1, all, true);
        assertThat(twice[0]).isEqualTo(2 * src[0]);
        assertThat(twice[77]).isEqualTo(2 * src[77]);
    }
}
