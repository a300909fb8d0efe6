package org.promptseg.jobs.select;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * k-center greedy (farthest-point) selection: each pick is the candidate farthest (Euclidean) from everything
 * already covered — the anchors (cases labelled before) and the earlier picks — so that the picks together cover
 * the embedding space with the smallest radius a greedy choice achieves (the core-set criterion).
 *
 * <p>Without anchors the first pick has no distance to maximise: {@link Start#MEDOID} takes the most central
 * candidate (least summed distance to the others), {@link Start#RANDOM} a seeded random one. Exact ties are broken
 * by a seeded random order of the candidates, so the result depends only on the points, the sets and the seed —
 * never on the order the candidates are listed in.
 */
public final class KCenterGreedy {
    /** First pick when nothing is covered yet. */
    public enum Start {
        MEDOID, RANDOM;

        public static Start parse(String s, String key) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + " = '" + s + "': expected medoid or random");
            }
        }
    }

    /**
     * One pick.
     *
     * @param index    the picked point (row of {@code points})
     * @param distance its distance to the nearest anchor or earlier pick when it was picked; NaN for a start pick
     */
    public record Pick(int index, double distance) {}

    private KCenterGreedy() {}

    /**
     * @param points     one row per point, all of the same length
     * @param candidates rows that may be picked
     * @param anchors    rows already covered (not picked again; may be empty)
     * @param k          how many to pick; at most the number of candidates
     * @return the picks in the order they were made
     */
    public static List<Pick> select(double[][] points, List<Integer> candidates, List<Integer> anchors, int k, Start start, long seed) {
        int[] cand = new TreeSet<>(candidates).stream().mapToInt(Integer::intValue).toArray();
        if (cand.length != candidates.size()) {
            throw new IllegalArgumentException("candidates listed twice: " + candidates);
        }
        for (int a : anchors) {
            if (a < 0 || a >= points.length) {
                throw new IllegalArgumentException("anchor " + a + " is not a row of the " + points.length + " points");
            }
        }
        for (int c : cand) {
            if (c < 0 || c >= points.length) {
                throw new IllegalArgumentException("candidate " + c + " is not a row of the " + points.length + " points");
            }
            if (anchors.contains(c)) {
                throw new IllegalArgumentException("point " + c + " is both a candidate and an anchor");
            }
        }
        if (k < 0 || k > cand.length) {
            throw new IllegalArgumentException("cannot pick " + k + " of " + cand.length + " candidates");
        }
        int[] priority = priorities(cand.length, seed);
        double[] nearest = new double[cand.length];
        java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        for (int i = 0; i < cand.length; i++) {
            for (int a : anchors) {
                nearest[i] = Math.min(nearest[i], distance(points[cand[i]], points[a]));
            }
        }
        boolean[] taken = new boolean[cand.length];
        List<Pick> picks = new ArrayList<>(k);
        for (int n = 0; n < k; n++) {
            int best = -1;
            double bestDistance = Double.NaN;
            if (n == 0 && anchors.isEmpty()) {
                best = first(points, cand, priority, start);
            } else {
                for (int i = 0; i < cand.length; i++) {
                    if (taken[i]) {
                        continue;
                    }
                    if (best < 0 || nearest[i] > nearest[best] || nearest[i] == nearest[best] && priority[i] < priority[best]) {
                        best = i;
                    }
                }
                bestDistance = nearest[best];
            }
            taken[best] = true;
            picks.add(new Pick(cand[best], bestDistance));
            for (int i = 0; i < cand.length; i++) {
                if (!taken[i]) {
                    nearest[i] = Math.min(nearest[i], distance(points[cand[i]], points[cand[best]]));
                }
            }
        }
        return picks;
    }

    private static int first(double[][] points, int[] cand, int[] priority, Start start) {
        if (start == Start.RANDOM) { // the first candidate of the seeded random order
            for (int i = 0; i < cand.length; i++) {
                if (priority[i] == 0) {
                    return i;
                }
            }
        }
        int best = -1;
        double bestSum = Double.POSITIVE_INFINITY;
        for (int i = 0; i < cand.length; i++) {
            double sum = 0;
            for (int j = 0; j < cand.length; j++) {
                sum += distance(points[cand[i]], points[cand[j]]);
            }
            if (sum < bestSum || sum == bestSum && priority[i] < priority[best]) {
                best = i;
                bestSum = sum;
            }
        }
        return best;
    }

    /** A seeded random order: priority[i] is candidate i's place in it (lower wins ties). */
    private static int[] priorities(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] priority = new int[n];
        for (int place = 0; place < n; place++) {
            priority[order[place]] = place;
        }
        return priority;
    }

    /** Euclidean distance; rows must have the same length. */
    public static double distance(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("points of different dimension: " + a.length + " and " + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    /**
     * Each dimension shifted and scaled to mean 0 and standard deviation 1 over the given rows (a dimension that does
     * not vary becomes 0), so that no feature channel dominates the distances by its scale alone.
     */
    public static double[][] standardise(double[][] rows) {
        if (rows.length == 0) {
            return rows;
        }
        int d = rows[0].length;
        double[][] out = new double[rows.length][d];
        for (int j = 0; j < d; j++) {
            double mean = 0;
            for (double[] r : rows) {
                mean += r[j];
            }
            mean /= rows.length;
            double var = 0;
            for (double[] r : rows) {
                var += (r[j] - mean) * (r[j] - mean);
            }
            double sd = Math.sqrt(var / rows.length);
            for (int i = 0; i < rows.length; i++) {
                out[i][j] = sd > 1e-12 * Math.max(1, Math.abs(mean)) ? (rows[i][j] - mean) / sd : 0;
            }
        }
        return out;
    }
}
