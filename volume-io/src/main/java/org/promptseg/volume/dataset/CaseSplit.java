package org.promptseg.volume.dataset;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A center's labelled cases divided into train, validation and test, deterministically from the center's split seed:
 * case ids are sorted, shuffled with {@code SplittableRandom(seed)}, and cut into consecutive runs. The sizes are the
 * fractions times the case count, rounded by largest remainder; every split with a positive fraction gets at least one
 * case when there are enough cases (taken from the largest split). The same ids and seed give the same split, whatever
 * order the ids come in.
 */
public record CaseSplit(List<String> train, List<String> val, List<String> test) implements Serializable {
    public CaseSplit {
        train = List.copyOf(train);
        val = List.copyOf(val);
        test = List.copyOf(test);
    }

    public static CaseSplit of(Collection<String> caseIds, long seed, SplitOptions fractions) {
        List<String> ids = new ArrayList<>(new TreeSet<>(caseIds));
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = ids.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            String t = ids.get(i);
            ids.set(i, ids.get(j));
            ids.set(j, t);
        }
        int[] counts = counts(ids.size(), new double[] {fractions.train(), fractions.val(), fractions.test()});
        return new CaseSplit(ids.subList(0, counts[0]), ids.subList(counts[0], counts[0] + counts[1]),
                ids.subList(counts[0] + counts[1], ids.size()));
    }

    static int[] counts(int n, double[] f) {
        int[] c = new int[3];
        double[] rem = new double[3];
        int assigned = 0;
        for (int i = 0; i < 3; i++) {
            double exact = f[i] * n;
            c[i] = (int) Math.floor(exact + 1e-9);
            rem[i] = exact - c[i];
            assigned += c[i];
        }
        while (assigned < n) {
            int best = 0;
            for (int i = 1; i < 3; i++) {
                if (rem[i] > rem[best] + 1e-12) {
                    best = i;
                }
            }
            c[best]++;
            rem[best] = -1;
            assigned++;
        }
        int positive = 0;
        for (double x : f) {
            positive += x > 0 ? 1 : 0;
        }
        if (n >= positive) {
            for (int i = 0; i < 3; i++) {
                if (f[i] > 0 && c[i] == 0) {
                    int largest = 0;
                    for (int k = 1; k < 3; k++) {
                        if (c[k] > c[largest]) {
                            largest = k;
                        }
                    }
                    c[largest]--;
                    c[i]++;
                }
            }
        }
        return c;
    }

    /** "train", "val" or "test" for a case of this split, else an exception. */
    public String splitOf(String caseId) {
        if (train.contains(caseId)) {
            return "train";
        }
        if (val.contains(caseId)) {
            return "val";
        }
        if (test.contains(caseId)) {
            return "test";
        }
        throw new IllegalArgumentException("case '" + org.promptseg.common.Ids.printable(caseId) + "' is not in this split");
    }
}
