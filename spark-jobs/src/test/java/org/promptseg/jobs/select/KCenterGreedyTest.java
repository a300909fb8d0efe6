package org.promptseg.jobs.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("k-center greedy (farthest-point) selection")
class KCenterGreedyTest {
    static List<Integer> all(double[][] p) {
        return IntStream.range(0, p.length).boxed().toList();
    }

    static List<Integer> indices(List<KCenterGreedy.Pick> picks) {
        return picks.stream().map(KCenterGreedy.Pick::index).toList();
    }

    @Nested
    @DisplayName("picks the farthest points")
    class Farthest {
        /** On a line: 0, 1, 2, 3, 10. */
        final double[][] line = {{0}, {1}, {2}, {3}, {10}};

        @Test
        @DisplayName("from the anchors first, then from everything chosen so far")
        void fromAnchors() {
            List<KCenterGreedy.Pick> p = KCenterGreedy.select(line, List.of(1, 2, 3, 4), List.of(0), 3, KCenterGreedy.Start.MEDOID, 1);
            // 10 is 10 from the anchor; then 3 (3 from 0, 7 from 10); then 1 and 2 are both 1 from something chosen
            assertThat(indices(p).subList(0, 2)).containsExactly(4, 3);
            assertThat(indices(p).get(2)).isIn(1, 2);
            assertThat(p.stream().map(KCenterGreedy.Pick::distance).toList()).containsExactly(10.0, 3.0, 1.0);
        }

        @Test
        @DisplayName("the distances at pick time never increase (each pick is the current farthest)")
        void nonIncreasing() {
            SplittableRandom r = new SplittableRandom(5);
            double[][] pts = new double[60][4];
            for (double[] q : pts) {
                for (int j = 0; j < q.length; j++) {
                    q[j] = r.nextGaussian() * (j + 1);
                }
            }
            List<KCenterGreedy.Pick> p = KCenterGreedy.select(pts, all(pts).subList(5, 60), List.of(0, 1, 2, 3, 4), 20, KCenterGreedy.Start.MEDOID, 3);
            for (int i = 1; i < p.size(); i++) {
                assertThat(p.get(i).distance()).isLessThanOrEqualTo(p.get(i - 1).distance());
            }
            // and each pick was really the farthest of what was left, checked by brute force
            List<Integer> covered = new ArrayList<>(List.of(0, 1, 2, 3, 4));
            for (KCenterGreedy.Pick pick : p) {
                double best = -1;
                for (int c = 5; c < 60; c++) {
                    if (covered.contains(c)) {
                        continue;
                    }
                    double d = Double.POSITIVE_INFINITY;
                    for (int a : covered) {
                        d = Math.min(d, KCenterGreedy.distance(pts[c], pts[a]));
                    }
                    best = Math.max(best, d);
                }
                assertThat(pick.distance()).isEqualTo(best);
                covered.add(pick.index());
            }
        }

        @Test
        @DisplayName("two clusters and an outlier: the outlier, then the other cluster")
        void clusters() {
            double[][] pts = {{0, 0}, {0.1, 0}, {0, 0.1}, {5, 5}, {5.1, 5}, {5, 5.1}, {20, 0}};
            List<KCenterGreedy.Pick> p = KCenterGreedy.select(pts, List.of(1, 2, 3, 4, 5, 6), List.of(0), 2, KCenterGreedy.Start.MEDOID, 1);
            assertThat(indices(p).get(0)).isEqualTo(6);
            assertThat(indices(p).get(1)).isIn(3, 4, 5);
        }
    }

    @Nested
    @DisplayName("without anchors")
    class Start {
        final double[][] pts = {{-4}, {-1}, {0}, {1}, {6}};

        @Test
        @DisplayName("medoid starts at the most central point, then goes to the extremes")
        void medoid() {
            List<KCenterGreedy.Pick> p = KCenterGreedy.select(pts, all(pts), List.of(), 3, KCenterGreedy.Start.MEDOID, 9);
            assertThat(indices(p)).containsExactly(2, 4, 0);
            assertThat(p.get(0).distance()).isNaN();
            assertThat(p.get(1).distance()).isEqualTo(6.0);
        }

        @Test
        @DisplayName("random starts at a seeded random point: the same seed, the same start; seeds differ")
        void random() {
            List<Integer> starts = new ArrayList<>();
            for (long seed = 0; seed < 20; seed++) {
                int a = KCenterGreedy.select(pts, all(pts), List.of(), 1, KCenterGreedy.Start.RANDOM, seed).get(0).index();
                int b = KCenterGreedy.select(pts, all(pts), List.of(), 1, KCenterGreedy.Start.RANDOM, seed).get(0).index();
                assertThat(a).isEqualTo(b);
                starts.add(a);
            }
            assertThat(starts.stream().distinct().count()).isGreaterThan(1);
        }
    }

    @Nested
    @DisplayName("ties")
    class Ties {
        /** Four corners of a square around an anchor at the centre: all equally far. */
        final double[][] square = {{0, 0}, {1, 1}, {-1, 1}, {1, -1}, {-1, -1}};

        @Test
        @DisplayName("are broken by the seed, the same way every time, whatever order the candidates are listed in")
        void deterministic() {
            List<Integer> cand = new ArrayList<>(List.of(1, 2, 3, 4));
            List<Integer> first = indices(KCenterGreedy.select(square, cand, List.of(0), 4, KCenterGreedy.Start.MEDOID, 7));
            for (int i = 0; i < 5; i++) {
                Collections.shuffle(cand, new java.util.Random(i));
                assertThat(indices(KCenterGreedy.select(square, cand, List.of(0), 4, KCenterGreedy.Start.MEDOID, 7))).isEqualTo(first);
            }
            assertThat(first).containsExactlyInAnyOrder(1, 2, 3, 4);
            // the second pick is the corner opposite the first (distance 2.83 > 2)
            double[] a = square[first.get(0)];
            double[] b = square[first.get(1)];
            assertThat(a[0]).isEqualTo(-b[0]);
            assertThat(a[1]).isEqualTo(-b[1]);
        }

        @Test
        @DisplayName("different seeds may break them differently")
        void seedMatters() {
            List<Integer> firsts = new ArrayList<>();
            for (long seed = 0; seed < 20; seed++) {
                firsts.add(KCenterGreedy.select(square, List.of(1, 2, 3, 4), List.of(0), 1, KCenterGreedy.Start.MEDOID, seed).get(0).index());
            }
            assertThat(firsts.stream().distinct().count()).isGreaterThan(1);
        }

        @Test
        @DisplayName("duplicate points: each is picked once, at distance 0 once the other is chosen")
        void duplicates() {
            double[][] pts = {{0}, {3}, {3}};
            List<KCenterGreedy.Pick> p = KCenterGreedy.select(pts, List.of(1, 2), List.of(0), 2, KCenterGreedy.Start.MEDOID, 1);
            assertThat(indices(p)).containsExactlyInAnyOrder(1, 2);
            assertThat(p.get(1).distance()).isZero();
        }
    }

    @Test
    @DisplayName("refuses impossible requests with what was expected")
    void invalid() {
        double[][] pts = {{0}, {1}};
        assertThatThrownBy(() -> KCenterGreedy.select(pts, List.of(0, 1), List.of(), 3, KCenterGreedy.Start.MEDOID, 1))
                .hasMessageContaining("cannot pick 3 of 2");
        assertThatThrownBy(() -> KCenterGreedy.select(pts, List.of(0, 1), List.of(1), 1, KCenterGreedy.Start.MEDOID, 1))
                .hasMessageContaining("both a candidate and an anchor");
        assertThatThrownBy(() -> KCenterGreedy.select(pts, List.of(0, 5), List.of(), 1, KCenterGreedy.Start.MEDOID, 1))
                .hasMessageContaining("candidate 5");
        assertThatThrownBy(() -> KCenterGreedy.Start.parse("center", "promptseg.select.diversity.start"))
                .hasMessageContaining("promptseg.select.diversity.start").hasMessageContaining("medoid or random");
    }

    @Test
    @DisplayName("standardising puts every feature on the same scale and zeroes constant ones")
    void standardise() {
        double[][] s = KCenterGreedy.standardise(new double[][] {{1, 100, 7}, {2, 300, 7}, {3, 200, 7}});
        for (int j = 0; j < 2; j++) {
            double m = 0;
            double v = 0;
            for (double[] r : s) {
                m += r[j];
            }
            for (double[] r : s) {
                v += r[j] * r[j];
            }
            assertThat(m / 3).isCloseTo(0, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(v / 3).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-12));
        }
        assertThat(s[0][2]).isZero();
        assertThat(s[2][2]).isZero();
    }
}
