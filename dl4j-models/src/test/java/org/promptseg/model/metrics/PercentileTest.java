package org.promptseg.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Percentile (linear interpolation, numpy's default)")
class PercentileTest {

    @Test
    @DisplayName("interpolates between the two order statistics around rank q/100 * (n - 1)")
    void interpolates() {
        // numpy.percentile([4, 1, 3, 2], 95) = 3.85
        assertThat(Percentile.linear(new double[] {4, 1, 3, 2}, 95)).isCloseTo(3.85, within(1e-12));
        assertThat(Percentile.linear(new double[] {4, 1, 3, 2}, 50)).isCloseTo(2.5, within(1e-12));
    }

    @Test
    @DisplayName("is the minimum at 0, the maximum at 100, and the value itself for one value")
    void ends() {
        assertThat(Percentile.linear(new double[] {5, 9, 7}, 0)).isEqualTo(5);
        assertThat(Percentile.linear(new double[] {5, 9, 7}, 100)).isEqualTo(9);
        assertThat(Percentile.linear(new double[] {2.5}, 95)).isEqualTo(2.5);
    }
}
