package org.promptseg.model.metrics;

import java.util.Arrays;

/** Percentiles with linear interpolation between order statistics (numpy's default method). */
final class Percentile {

    private Percentile() {}

    /**
     * The {@code q}-th percentile ({@code 0..100}) of {@code values}, which it sorts in place: with the
     * values sorted, rank {@code r = q / 100 * (n - 1)} lies between two order statistics and the result
     * is interpolated between them.
     */
    static double linear(double[] values, double q) {
        if (values.length == 0) {
            throw new IllegalArgumentException("percentile of no values");
        }
        Arrays.sort(values);
        double rank = q / 100.0 * (values.length - 1);
        int below = (int) Math.floor(rank);
        int above = Math.min(below + 1, values.length - 1);
        double fraction = rank - below;
        return values[below] + (values[above] - values[below]) * fraction;
    }
}
