package org.promptseg.jobs.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("disagreement of the prompt ensemble, streamed plane by plane")
class DisagreementTest {
    /** One plane of {@code voxels.length} voxels; voxels[v][m] = member m's probabilities of classes 0..C-1. */
    static float[][] plane(float[][][] voxels) {
        int members = voxels[0].length;
        int classes = voxels[0][0].length;
        float[][] planes = new float[members * classes][voxels.length];
        for (int v = 0; v < voxels.length; v++) {
            for (int m = 0; m < members; m++) {
                for (int c = 0; c < classes; c++) {
                    planes[m * classes + c][v] = voxels[v][m][c];
                }
            }
        }
        return planes;
    }

    @Test
    @DisplayName("members that agree have no variance and no mutual information, only the entropy of their shared prediction")
    void agreement() {
        Disagreement.Accumulator a = new Disagreement.Accumulator(2, 2, 0.5);
        a.acceptPlane(0, plane(new float[][][] {{{0.2f, 0.8f}, {0.2f, 0.8f}}}));
        Disagreement d = a.result();
        assertThat(d.candidates()).isEqualTo(1);
        assertThat(d.variance()).isCloseTo(0, within(1e-9));
        assertThat(d.mutualInformation()).isCloseTo(0, within(1e-7));
        assertThat(d.entropy()).isCloseTo(-(0.2 * Math.log(0.2) + 0.8 * Math.log(0.8)), within(1e-6));
    }

    @Test
    @DisplayName("members that contradict each other: variance and mutual information by hand")
    void contradiction() {
        Disagreement.Accumulator a = new Disagreement.Accumulator(2, 2, 0.5);
        a.acceptPlane(0, plane(new float[][][] {{{1f, 0f}, {0f, 1f}}}));
        Disagreement d = a.result();
        // mean (0.5, 0.5); per class variance 0.25, summed over 2 classes = 0.5; entropy of the mean ln 2; members' entropy 0
        assertThat(d.variance()).isCloseTo(0.5, within(1e-9));
        assertThat(d.entropy()).isCloseTo(Math.log(2), within(1e-9));
        assertThat(d.mutualInformation()).isCloseTo(Math.log(2), within(1e-9));
        assertThat(d.score(SelectOptions.Measure.VARIANCE)).isEqualTo(d.variance());
        assertThat(d.score(SelectOptions.Measure.ENTROPY)).isEqualTo(d.entropy());
        assertThat(d.score(SelectOptions.Measure.MUTUAL_INFORMATION)).isEqualTo(d.mutualInformation());
    }

    @Test
    @DisplayName("only foreground candidates count: background everyone agrees on does not dilute the score")
    void candidatesOnly() {
        Disagreement.Accumulator a = new Disagreement.Accumulator(2, 3, 0.5);
        a.acceptPlane(0, plane(new float[][][] {
            {{1f, 0f, 0f}, {1f, 0f, 0f}},          // background for both: not a candidate
            {{0.6f, 0.4f, 0f}, {0.4f, 0.6f, 0f}},  // max foreground 0.6: candidate
        }));
        a.acceptPlane(1, plane(new float[][][] {
            {{0.9f, 0.1f, 0f}, {0.8f, 0f, 0.2f}},  // max foreground 0.2: not a candidate
            {{0f, 1f, 0f}, {0f, 0f, 1f}},          // candidate, classes disagree
        }));
        Disagreement d = a.result();
        assertThat(d.voxels()).isEqualTo(4);
        assertThat(d.candidates()).isEqualTo(2);
        double v1 = 0.01 + 0.01 + 0;
        double v2 = 0 + 0.25 + 0.25;
        assertThat(d.variance()).isCloseTo((v1 + v2) / 2, within(1e-6));
    }

    @Test
    @DisplayName("a volume no member calls foreground scores 0")
    void noCandidates() {
        Disagreement.Accumulator a = new Disagreement.Accumulator(3, 2, 0.5);
        a.acceptPlane(0, plane(new float[][][] {{{0.9f, 0.1f}, {0.7f, 0.3f}, {0.99f, 0.01f}}}));
        assertThat(a.result()).isEqualTo(new Disagreement(1, 0, 0, 0, 0));
    }
}
