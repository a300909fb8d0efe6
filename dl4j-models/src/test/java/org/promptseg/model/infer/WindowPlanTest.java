package org.promptseg.model.infer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Window plan")
class WindowPlanTest {

    @Nested
    @DisplayName("places windows along an axis")
    class Starts {

        @Test
        @DisplayName("half a window apart at overlap 0.5 when the size allows it")
        void halfWindowApart() {
            assertThat(WindowPlan.starts(128, 64, 0.5)).containsExactly(0, 32, 64);
        }

        @Test
        @DisplayName("evenly spread and rounded when the stride does not divide the size")
        void evenlySpread() {
            // 34 voxels to cover in steps of at most 8: 6 windows, 6.8 apart
            assertThat(WindowPlan.starts(50, 16, 0.5)).containsExactly(0, 7, 14, 20, 27, 34);
        }

        @Test
        @DisplayName("abutting at overlap 0, with the last one pushed back to the border")
        void noOverlap() {
            assertThat(WindowPlan.starts(64, 16, 0.0)).containsExactly(0, 16, 32, 48);
            assertThat(WindowPlan.starts(70, 16, 0.0)).containsExactly(0, 14, 27, 41, 54);
        }

        @Test
        @DisplayName("as one centred window hanging over both borders when the axis is shorter than the window")
        void centredWhenShort() {
            assertThat(WindowPlan.starts(5, 8, 0.5)).containsExactly(-1);
            assertThat(WindowPlan.starts(8, 8, 0.5)).containsExactly(0);
            assertThat(WindowPlan.starts(1, 4, 0.5)).containsExactly(-1);
        }

        @Test
        @DisplayName("never closer than one voxel, however high the overlap")
        void atLeastOneVoxelApart() {
            assertThat(WindowPlan.starts(12, 4, 0.99)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
        }

        @ParameterizedTest(name = "size {0}, window {1}, overlap {2}")
        @CsvSource({"37, 16, 0.5", "41, 12, 0.25", "29, 10, 0.75", "600, 128, 0.5", "513, 96, 0.33"})
        @DisplayName("covering every voxel, starting at 0 and ending at the border, no further apart than the target stride")
        void covering(int size, int window, double overlap) {
            int[] starts = WindowPlan.starts(size, window, overlap);
            assertThat(starts[0]).isZero();
            assertThat(starts[starts.length - 1]).isEqualTo(size - window);
            for (int i = 1; i < starts.length; i++) {
                assertThat(starts[i] - starts[i - 1]).isPositive().isLessThanOrEqualTo((int) Math.ceil(window * (1 - overlap)));
            }
        }
    }

    @Nested
    @DisplayName("batches windows")
    class Batches {

        @Test
        @DisplayName("in (z, y, x) order, each window exactly once")
        void everyWindowOnce() {
            WindowPlan plan = WindowPlan.of(new VolumeShape(40, 30, 20), VolumeShape.cube(16), 0.5, 4);
            List<WindowPlan.Window> windows = plan.windows();
            assertThat(windows).hasSize(4 * 3 * 2);
            assertThat(windows.get(0)).isEqualTo(new WindowPlan.Window(0, 0, 0));
            assertThat(windows.get(1)).isEqualTo(new WindowPlan.Window(0, 0, 4));
            int next = 0;
            for (WindowPlan.Batch batch : plan.batches()) {
                assertThat(batch.from()).isEqualTo(next);
                assertThat(batch.size()).isBetween(1, 4);
                next = batch.to();
            }
            assertThat(next).isEqualTo(windows.size());
        }

        @Test
        @DisplayName("within one z-level when a level holds at least a batch, so the accumulator holds one window depth")
        void oneLevel() {
            // 6 windows per z-level, batch 4: batches of 4 and 2 per level
            WindowPlan plan = WindowPlan.of(new VolumeShape(100, 30, 20), VolumeShape.cube(16), 0.5, 4);
            for (WindowPlan.Batch batch : plan.batches()) {
                long levels = plan.windows().subList(batch.from(), batch.to()).stream().mapToInt(WindowPlan.Window::z).distinct().count();
                assertThat(levels).isEqualTo(1);
            }
            assertThat(plan.batches()).extracting(WindowPlan.Batch::size).startsWith(4, 2, 4, 2);
            assertThat(plan.accumulatorPlanes()).isEqualTo(16);
        }

        @Test
        @DisplayName("reaching at most into the next z-level when a level holds fewer windows than a batch")
        void atMostTwoLevels() {
            // 6 windows per z-level, batch 64: without the rule one batch would span every level
            WindowPlan plan = WindowPlan.of(new VolumeShape(100, 30, 20), VolumeShape.cube(16), 0.5, 64);
            for (WindowPlan.Batch batch : plan.batches()) {
                long levels = plan.windows().subList(batch.from(), batch.to()).stream().mapToInt(WindowPlan.Window::z).distinct().count();
                assertThat(levels).isLessThanOrEqualTo(2);
            }
            assertThat(plan.batches().get(0).size()).isEqualTo(12);
            assertThat(plan.accumulatorPlanes()).isLessThanOrEqualTo(16 + 8);
        }
    }
}
