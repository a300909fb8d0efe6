package org.promptseg.jobs.select;

import java.io.Serializable;
import org.promptseg.model.infer.ProbabilitySink;

/**
 * How much M prompt sets disagree on one volume, over its foreground candidates (voxels that at least one set
 * gives a foreground probability of at least the threshold): the per-voxel measures of {@link SelectOptions.Measure},
 * averaged over those voxels. A volume without any candidate scores 0 (every set calls it background).
 *
 * @param voxels            voxels of the prepared volume
 * @param candidates        foreground candidates among them
 * @param variance          mean over candidates of the sum over classes of the members' probability variance
 * @param entropy           mean over candidates of the entropy (nats) of the mean probabilities
 * @param mutualInformation mean over candidates of entropy of the mean minus the members' mean entropy (nats)
 */
public record Disagreement(long voxels, long candidates, double variance, double entropy, double mutualInformation) implements Serializable {

    public double score(SelectOptions.Measure measure) {
        return switch (measure) {
            case VARIANCE -> variance;
            case ENTROPY -> entropy;
            case MUTUAL_INFORMATION -> mutualInformation;
        };
    }

    /**
     * Receives the members' blended probabilities plane by plane (channel {@code m * classes + c} = member m, class c)
     * and accumulates the measures, so no whole-volume probability array is ever held.
     */
    public static final class Accumulator implements ProbabilitySink {
        private final int members;
        private final int classes;
        private final double threshold;
        private final double[] mean;
        private long voxels;
        private long candidates;
        private double variance;
        private double entropy;
        private double mutualInformation;

        public Accumulator(int members, int classes, double foregroundThreshold) {
            if (members < 1 || classes < 2) {
                throw new IllegalArgumentException("need >= 1 member and >= 2 classes, got " + members + " and " + classes);
            }
            this.members = members;
            this.classes = classes;
            this.threshold = foregroundThreshold;
            this.mean = new double[classes];
        }

        @Override
        public void acceptPlane(int z, float[][] planes) {
            if (planes.length != members * classes) {
                throw new IllegalStateException("expected " + members * classes + " channels (members x classes), got " + planes.length);
            }
            int n = planes[0].length;
            for (int v = 0; v < n; v++) {
                voxels++;
                double maxForeground = 0;
                for (int m = 0; m < members; m++) {
                    maxForeground = Math.max(maxForeground, 1 - planes[m * classes][v]);
                }
                if (maxForeground < threshold) {
                    continue;
                }
                candidates++;
                java.util.Arrays.fill(mean, 0);
                double memberEntropy = 0;
                for (int m = 0; m < members; m++) {
                    for (int c = 0; c < classes; c++) {
                        double p = planes[m * classes + c][v];
                        mean[c] += p;
                        memberEntropy -= p > 0 ? p * Math.log(p) : 0;
                    }
                }
                memberEntropy /= members;
                double var = 0;
                double h = 0;
                for (int c = 0; c < classes; c++) {
                    double mu = mean[c] / members;
                    double s = 0;
                    for (int m = 0; m < members; m++) {
                        double d = planes[m * classes + c][v] - mu;
                        s += d * d;
                    }
                    var += s / members;
                    h -= mu > 0 ? mu * Math.log(mu) : 0;
                }
                variance += var;
                entropy += h;
                mutualInformation += Math.max(0, h - memberEntropy);
            }
        }

        public Disagreement result() {
            return candidates == 0 ? new Disagreement(voxels, 0, 0, 0, 0)
                    : new Disagreement(voxels, candidates, variance / candidates, entropy / candidates, mutualInformation / candidates);
        }
    }
}
