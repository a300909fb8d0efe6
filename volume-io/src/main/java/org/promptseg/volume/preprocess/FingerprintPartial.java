package org.promptseg.volume.preprocess;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VoxelArray;

/**
 * Mergeable statistics behind a dataset {@link Fingerprint}: per case its spacing and shape, and over all foreground
 * voxels (label > 0) an exact histogram of intensities rounded to whole HU, with count, sum, sum of squares, min and
 * max as integers. Everything is integer arithmetic, so merging is associative and commutative bit for bit: a Spark job
 * can compute one partial per case and combine them in any order (treeAggregate), and a local loop gets the same
 * result. The histogram has dense 1-HU bins over [{@value #HIST_MIN}, {@value #HIST_MAX}] (where CT lives) and a sparse
 * map for the rare values outside (metal, padding), so percentiles are exact everywhere.
 */
public final class FingerprintPartial implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final int HIST_MIN = -2048;
    public static final int HIST_MAX = 6143;
    private static final int BINS = HIST_MAX - HIST_MIN + 1;

    /** Per case: spacing (z, y, x) mm and shape (z, y, x). */
    public record CaseGeometry(double[] spacingZyx, int[] shapeZyx) implements Serializable {}

    private final TreeMap<String, CaseGeometry> cases;
    private final long[] histogram;
    /** Foreground values outside the dense range -> count. */
    private final TreeMap<Long, Long> outliers;
    private long below;
    private long above;
    private long count;
    private long sum;
    private long sumSquares;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    private FingerprintPartial(TreeMap<String, CaseGeometry> cases, long[] histogram, TreeMap<Long, Long> outliers) {
        this.cases = cases;
        this.histogram = histogram;
        this.outliers = outliers;
    }

    /** JSON form of a partial (sparse histogram), so that a job can keep per-center partials next to its data and merge them later. */
    record Json(java.util.Map<String, CaseGeometry> cases, java.util.Map<Integer, Long> histogram, java.util.Map<Long, Long> outliers,
                long below, long above, long count, long sum, long sumSquares, long min, long max) {}

    /** The partial as JSON; {@link #fromJson} gives back an equal partial, bit for bit. */
    public String toJson() {
        java.util.TreeMap<Integer, Long> sparse = new java.util.TreeMap<>();
        for (int i = 0; i < BINS; i++) {
            if (histogram[i] != 0) {
                sparse.put(i + HIST_MIN, histogram[i]);
            }
        }
        return org.promptseg.common.Json.pretty(new Json(cases, sparse, outliers, below, above, count, sum, sumSquares, min, max));
    }

    public static FingerprintPartial fromJson(String json, String location) {
        Json j;
        try {
            j = org.promptseg.common.Json.mapper().readValue(json, Json.class);
        } catch (java.io.IOException e) {
            throw new org.promptseg.volume.dataset.DatasetFormatException(location, "fingerprint partial", "is not valid JSON: " + e.getMessage(), e);
        }
        long[] h = new long[BINS];
        for (Map.Entry<Integer, Long> e : j.histogram().entrySet()) {
            if (e.getKey() < HIST_MIN || e.getKey() > HIST_MAX || e.getValue() < 0) {
                throw new org.promptseg.volume.dataset.DatasetFormatException(location, "histogram." + e.getKey(), "is outside the histogram range");
            }
            h[e.getKey() - HIST_MIN] = e.getValue();
        }
        TreeMap<Long, Long> out = new TreeMap<>();
        if (j.outliers() != null) {
            for (Map.Entry<Long, Long> e : j.outliers().entrySet()) {
                if ((e.getKey() >= HIST_MIN && e.getKey() <= HIST_MAX) || e.getValue() < 0) {
                    throw new org.promptseg.volume.dataset.DatasetFormatException(location, "outliers." + e.getKey(), "is inside the dense histogram range or negative");
                }
                out.put(e.getKey(), e.getValue());
            }
        }
        FingerprintPartial p = new FingerprintPartial(new TreeMap<>(j.cases()), h, out);
        p.below = j.below();
        p.above = j.above();
        p.count = j.count();
        p.sum = j.sum();
        p.sumSquares = j.sumSquares();
        p.min = j.min();
        p.max = j.max();
        return p;
    }

    public static FingerprintPartial empty() {
        return new FingerprintPartial(new TreeMap<>(), new long[BINS], new TreeMap<>());
    }

    /**
     * Statistics of one case. {@code caseKey} identifies it across the collection (e.g. {@code center/case}); the
     * label's foreground (> 0) selects the voxels; without a label only the geometry is recorded.
     */
    public static FingerprintPartial ofCase(String caseKey, Volume image, Volume label) {
        FingerprintPartial p = empty();
        p.cases.put(caseKey, new CaseGeometry(image.geometry().spacingZyx(), image.shape().zyx()));
        if (label == null) {
            return p;
        }
        if (!label.shape().equals(image.shape())) {
            throw new IllegalArgumentException(caseKey + ": label shape " + label.shape() + " differs from image shape " + image.shape());
        }
        VoxelArray img = image.voxels();
        VoxelArray lab = label.voxels();
        for (int i = 0; i < img.length(); i++) {
            if (lab.get(i) > 0) {
                float v = img.get(i);
                if (Float.isFinite(v)) {
                    p.add(Math.round(v));
                }
            }
        }
        return p;
    }

    private void add(long v) {
        if (v < HIST_MIN) {
            below++;
            outliers.merge(v, 1L, Long::sum);
        } else if (v > HIST_MAX) {
            above++;
            outliers.merge(v, 1L, Long::sum);
        } else {
            histogram[(int) (v - HIST_MIN)]++;
        }
        count++;
        sum += v;
        sumSquares = Math.addExact(sumSquares, v * v);
        min = Math.min(min, v);
        max = Math.max(max, v);
    }

    /** A new partial holding both; neither input changes. A case key present in both is an error (counted twice). */
    public FingerprintPartial merge(FingerprintPartial other) {
        TreeMap<String, CaseGeometry> c = new TreeMap<>(cases);
        for (Map.Entry<String, CaseGeometry> e : other.cases.entrySet()) {
            if (c.put(e.getKey(), e.getValue()) != null) {
                throw new IllegalArgumentException("case " + e.getKey() + " is in both fingerprint partials: it would be counted twice");
            }
        }
        long[] h = histogram.clone();
        for (int i = 0; i < BINS; i++) {
            h[i] += other.histogram[i];
        }
        TreeMap<Long, Long> o = new TreeMap<>(outliers);
        other.outliers.forEach((k, v) -> o.merge(k, v, Long::sum));
        FingerprintPartial m = new FingerprintPartial(c, h, o);
        m.below = below + other.below;
        m.above = above + other.above;
        m.count = count + other.count;
        m.sum = sum + other.sum;
        m.sumSquares = Math.addExact(sumSquares, other.sumSquares);
        m.min = Math.min(min, other.min);
        m.max = Math.max(max, other.max);
        return m;
    }

    public int caseCount() {
        return cases.size();
    }

    public long foregroundVoxels() {
        return count;
    }

    /**
     * The fingerprint: spacing statistics over cases, and mean, population std, min, max and the two percentiles
     * (linear interpolation between order statistics, as numpy's default) of the foreground intensities.
     */
    public Fingerprint finish(double percentileLow, double percentileHigh) {
        if (cases.isEmpty()) {
            throw new IllegalStateException("a fingerprint needs at least one case");
        }
        double[][] spacing = new double[3][cases.size()];
        double[][] shape = new double[3][cases.size()];
        int k = 0;
        for (CaseGeometry g : cases.values()) {
            for (int a = 0; a < 3; a++) {
                spacing[a][k] = g.spacingZyx()[a];
                shape[a][k] = g.shapeZyx()[a];
            }
            k++;
        }
        double[] med = new double[3];
        double[] lo = new double[3];
        double[] hi = new double[3];
        int[] medShape = new int[3];
        for (int a = 0; a < 3; a++) {
            Arrays.sort(spacing[a]);
            Arrays.sort(shape[a]);
            med[a] = median(spacing[a]);
            lo[a] = spacing[a][0];
            hi[a] = spacing[a][spacing[a].length - 1];
            medShape[a] = (int) Math.round(median(shape[a]));
        }
        if (count == 0) {
            return new Fingerprint(Fingerprint.FORMAT_VERSION, cases.size(), med, lo, hi, medShape, 0,
                    Double.NaN, Double.NaN, Double.NaN, Double.NaN, percentileLow, Double.NaN, percentileHigh, Double.NaN);
        }
        double mean = (double) sum / count;
        double variance = Math.max(0, (double) sumSquares / count - mean * mean);
        return new Fingerprint(Fingerprint.FORMAT_VERSION, cases.size(), med, lo, hi, medShape, count, mean, Math.sqrt(variance),
                min, max, percentileLow, percentile(percentileLow), percentileHigh, percentile(percentileHigh));
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    /** numpy-style linear percentile over the sorted foreground values. */
    double percentile(double p) {
        double rank = p / 100.0 * (count - 1);
        long r0 = (long) Math.floor(rank);
        long r1 = Math.min(r0 + 1, count - 1);
        double v0 = valueAtRank(r0);
        double v1 = valueAtRank(r1);
        return v0 + (rank - r0) * (v1 - v0);
    }

    /** The value of the r-th smallest foreground voxel (0-based). */
    private double valueAtRank(long r) {
        long seen = 0;
        if (r < below) {
            for (Map.Entry<Long, Long> e : outliers.headMap((long) HIST_MIN).entrySet()) {
                seen += e.getValue();
                if (r < seen) {
                    return e.getKey();
                }
            }
            return min; // a partial read from JSON without its outliers
        }
        seen = below;
        for (int i = 0; i < BINS; i++) {
            seen += histogram[i];
            if (r < seen) {
                return HIST_MIN + i;
            }
        }
        for (Map.Entry<Long, Long> e : outliers.tailMap((long) HIST_MAX, false).entrySet()) {
            seen += e.getValue();
            if (r < seen) {
                return e.getKey();
            }
        }
        return max;
    }
}
