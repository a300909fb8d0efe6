package org.promptseg.model.cpa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.promptseg.model.ModelConfigException;
import org.promptseg.volume.preprocess.PatchView;

@DisplayName("CPA")
class CpaLossTest {
    static CpaSettings settings(int k) {
        return new CpaSettings(k, 0.066, 0.033, 3, 8, 2, 1.5, 1.0);
    }

    @Nested
    @DisplayName("prototype assignment")
    class Assignment {
        /** A 4×4×4 grid whose left half (x < 2) has features near e0 and right half near e1. */
        private double[][] twoRegions(double[][] positions) {
            double[][] unit = new double[64][];
            SplittableRandom rnd = new SplittableRandom(5);
            for (int i = 0; i < 64; i++) {
                int z = i / 16;
                int y = (i / 4) % 4;
                int x = i % 4;
                positions[i] = new double[] {z, y, x};
                double[] f = x < 2 ? new double[] {1, 0.05 * rnd.nextDouble(), 0} : new double[] {0.05 * rnd.nextDouble(), 1, 0};
                unit[i] = Prototypes.normalised(f);
            }
            return unit;
        }

        @Test
        @DisplayName("seeds come from the coarse grid, and soft k-means pulls each prototype to its region's feature")
        void twoClusters() {
            double[][] pos = new double[64][];
            double[][] unit = twoRegions(pos);
            // K = 8: a 2×2×2 seeding grid, four cells per region
            Prototypes p = Prototypes.fit(unit, pos, new int[] {4, 4, 4}, new CpaSettings(8, 0.066, 0.033, 3, 4, 1, 1, 1));
            assertThat(p.count()).isEqualTo(8);
            for (int j = 0; j < 8; j++) {
                double[] v = p.vector(j);
                double[] c = p.centre(j);
                // a prototype centred in the left half is ~e0, one in the right half ~e1
                if (c[2] < 1.5) {
                    assertThat(v[0]).isGreaterThan(0.99);
                } else {
                    assertThat(c[2]).isGreaterThan(1.5);
                    assertThat(v[1]).isGreaterThan(0.99);
                }
                assertThat(Math.sqrt(Prototypes.dot(v, v))).isCloseTo(1, within(1e-6));
            }
            // a left-half feature is assigned to the left prototypes: total mass there ≈ 1
            double[] a = new double[8];
            p.softmaxCos(unit[0], 0.033, a);
            double left = 0;
            for (int j = 0; j < 8; j++) {
                left += p.centre(j)[2] < 1.5 ? a[j] : 0;
            }
            assertThat(left).isGreaterThan(0.999);
        }

        @Test
        @DisplayName("K larger than the seeding grid allows gives one prototype per cell; the spatial weight keeps centres apart")
        void fewerCells() {
            double[][] pos = new double[64][];
            double[][] unit = twoRegions(pos);
            Prototypes p = Prototypes.fit(unit, pos, new int[] {4, 4, 4}, new CpaSettings(100, 0.066, 0.033, 3, 2, 1, 1, 1));
            assertThat(p.count()).isEqualTo(64); // ⌈∛100⌉ = 5 per axis, capped at the grid's 4
            // with a narrow spatial weight, identical left-half features still keep distinct local centres
            assertThat(p.centre(0)[0]).isLessThan(p.centre(63)[0]);
        }
    }

    @Nested
    @DisplayName("loss")
    class Loss {
        private List<PatchView> views(int n, PatchView.Augmentation a, SplittableRandom rnd) {
            List<PatchView> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(PatchView.random(new int[] {8, 8, 8}, a, rnd));
            }
            return out;
        }

        @Test
        @DisplayName("the gradient w.r.t. the student's features matches central finite differences (double)")
        void gradientCheck() {
            Nd4j.getRandom().setSeed(21);
            INDArray student = Nd4j.randn(DataType.DOUBLE, 2, 8, 8, 8, 3);
            INDArray teacher = Nd4j.randn(DataType.DOUBLE, 2, 8, 8, 8, 3);
            SplittableRandom rnd = new SplittableRandom(4);
            List<PatchView> sv = views(2, new PatchView.Augmentation(0.6, 0.9, 0.5, 0, 0, 0, 0), rnd);
            List<PatchView> tv = views(2, new PatchView.Augmentation(0.85, 1, 0, 0, 0, 0, 0), rnd);
            CpaLoss loss = new CpaLoss(settings(6));
            CpaLoss.Result r = loss.compute(student, teacher, sv, tv, true);
            assertThat(r.matched()).isGreaterThan(10);
            assertThat(r.loss()).isPositive();
            double h = 1e-6;
            double worst = 0;
            SplittableRandom pick = new SplittableRandom(8);
            int nonZero = 0;
            // entries are ~1e-5 (a mean over hundreds of positions, spread over 8 voxels each): relative errors are taken
            // against a floor of 1e-3 of the largest entry, above the finite differences' cancellation noise (~1e-10)
            double floor = 1e-3 * r.gradient().amaxNumber().doubleValue();
            for (int trial = 0; trial < 300; trial++) {
                long i = pick.nextLong(student.length());
                double orig = student.getDouble(i);
                student.putScalar(i, orig + h);
                double plus = loss.compute(student, teacher, sv, tv, false).loss();
                student.putScalar(i, orig - h);
                double minus = loss.compute(student, teacher, sv, tv, false).loss();
                student.putScalar(i, orig);
                double numeric = (plus - minus) / (2 * h);
                double analytic = r.gradient().getDouble(i);
                nonZero += Math.abs(numeric) > 1e-9 ? 1 : 0;
                worst = Math.max(worst, Math.abs(numeric - analytic) / Math.max(floor, Math.abs(numeric) + Math.abs(analytic)));
            }
            assertThat(nonZero).as("entries with a gradient").isGreaterThan(100);
            assertThat(worst).isLessThan(1e-5);
        }

        @Test
        @DisplayName("the loss does not depend on the student outside the matched positions, and is lower when the student agrees with the teacher")
        void agreement() {
            Nd4j.getRandom().setSeed(2);
            INDArray teacher = Nd4j.randn(DataType.DOUBLE, 1, 8, 8, 8, 4);
            PatchView same = PatchView.random(new int[] {8, 8, 8}, PatchView.Augmentation.none(), new SplittableRandom(1));
            CpaLoss loss = new CpaLoss(settings(8));
            double agree = loss.compute(teacher.dup(), teacher, List.of(same), List.of(same), false).loss();
            double random = loss.compute(Nd4j.randn(DataType.DOUBLE, 1, 8, 8, 8, 4), teacher, List.of(same), List.of(same), false).loss();
            assertThat(agree).isLessThan(random);
        }

        @Test
        @DisplayName("mismatched shapes and a stride that does not divide the grid are refused, naming the field")
        void refused() {
            INDArray a = Nd4j.zeros(DataType.DOUBLE, 1, 6, 6, 6, 2);
            PatchView v = PatchView.random(new int[] {6, 6, 6}, PatchView.Augmentation.none(), new SplittableRandom(1));
            assertThatThrownBy(() -> new CpaLoss(new CpaSettings(4, 0.1, 0.05, 1, 4, 4, 1, 1)).compute(a, a, List.of(v), List.of(v), false))
                    .isInstanceOf(ModelConfigException.class).hasMessageContaining("feature-stride");
            assertThatThrownBy(() -> new CpaSettings(1, 0.1, 0.05, 1, 4, 2, 1, 1)).hasMessageContaining("promptseg.pretrain.cpa.prototypes");
            assertThatThrownBy(() -> new CpaSettings(4, 0, 0.05, 1, 4, 2, 1, 1)).hasMessageContaining("temperatures.student");
        }
    }
}
