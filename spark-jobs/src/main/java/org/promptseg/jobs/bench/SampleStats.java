package org.promptseg.jobs.bench;

import java.util.Arrays;

/** Mean and spread of repeated measurements, as the benchmark mains report them. */
public final class SampleStats {
    private SampleStats() {}

    public static double mean(double[] a) {
        return Arrays.stream(a).average().orElse(Double.NaN);
    }

    /** Sample standard deviation (n - 1); 0 for a single value. */
    public static double sd(double[] a) {
        if (a.length < 2) {
            return 0;
        }
        double m = mean(a);
        double s = 0;
        for (double x : a) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (a.length - 1));
    }
}
