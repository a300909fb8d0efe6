package org.promptseg.model.cpa;

import java.util.Arrays;

/**
 * The prototypes of one image: K unit vectors in feature space, each with a spatial centre, found from the
 * teacher's features alone (so no gradient ever flows into them or into the teacher).
 *
 * <p>Seeding: the pooled feature grid is cut into a coarse grid of about K cells (⌈∛K⌉ per axis, fewer where the
 * feature grid is smaller); K cells spread evenly over that grid give the seeds, each the normalised mean of its
 * cell's features, centred at the cell's mean position. Refinement: {@code kmeansIterations} rounds of soft
 * k-means where a position's weight for prototype k is softmax_k(cos / τ_teacher) times a Gaussian of its
 * distance to the prototype's centre (FWHM {@code spatialFwhm}): prototypes stay local, as in PUNet.
 */
public final class Prototypes {
    private final double[][] vectors;
    private final double[][] centres;

    private Prototypes(double[][] vectors, double[][] centres) {
        this.vectors = vectors;
        this.centres = centres;
    }

    /**
     * @param unit      teacher features, unit length, [M][C] in grid order (z slowest)
     * @param positions their patch coordinates [M][3]
     * @param grid      the feature grid's dimensions (z, y, x), M = product
     */
    public static Prototypes fit(double[][] unit, double[][] positions, int[] grid, CpaSettings s) {
        int m = unit.length;
        int c = unit[0].length;
        int g = (int) Math.ceil(Math.cbrt(s.prototypes()) - 1e-9);
        int[] cells = {Math.min(g, grid[0]), Math.min(g, grid[1]), Math.min(g, grid[2])};
        int nCells = cells[0] * cells[1] * cells[2];
        double[][] sum = new double[nCells][c];
        double[][] pos = new double[nCells][3];
        int[] count = new int[nCells];
        for (int i = 0; i < m; i++) {
            int z = i / (grid[1] * grid[2]);
            int y = (i / grid[2]) % grid[1];
            int x = i % grid[2];
            int cell = ((z * cells[0] / grid[0]) * cells[1] + y * cells[1] / grid[1]) * cells[2] + x * cells[2] / grid[2];
            count[cell]++;
            for (int k = 0; k < c; k++) {
                sum[cell][k] += unit[i][k];
            }
            for (int d = 0; d < 3; d++) {
                pos[cell][d] += positions[i][d];
            }
        }
        int k = Math.min(s.prototypes(), nCells);
        double[][] vectors = new double[k][];
        double[][] centres = new double[k][];
        for (int j = 0; j < k; j++) {
            int cell = (int) ((long) j * nCells / k); // evenly spread over the coarse grid
            vectors[j] = normalised(sum[cell]);
            centres[j] = new double[] {pos[cell][0] / count[cell], pos[cell][1] / count[cell], pos[cell][2] / count[cell]};
        }
        Prototypes p = new Prototypes(vectors, centres);
        double sigma = s.spatialFwhm() / (2 * Math.sqrt(2 * Math.log(2)));
        for (int it = 0; it < s.kmeansIterations(); it++) {
            p = p.refine(unit, positions, s.teacherTemperature(), sigma);
        }
        return p;
    }

    private Prototypes refine(double[][] unit, double[][] positions, double temperature, double sigma) {
        int k = vectors.length;
        int c = vectors[0].length;
        double[][] sum = new double[k][c];
        double[][] pos = new double[k][3];
        double[] mass = new double[k];
        double[] a = new double[k];
        for (int i = 0; i < unit.length; i++) {
            softmaxCos(unit[i], temperature, a);
            for (int j = 0; j < k; j++) {
                double d2 = 0;
                for (int d = 0; d < 3; d++) {
                    double diff = positions[i][d] - centres[j][d];
                    d2 += diff * diff;
                }
                double w = a[j] * Math.exp(-d2 / (2 * sigma * sigma));
                mass[j] += w;
                for (int q = 0; q < c; q++) {
                    sum[j][q] += w * unit[i][q];
                }
                for (int d = 0; d < 3; d++) {
                    pos[j][d] += w * positions[i][d];
                }
            }
        }
        double[][] v = new double[k][];
        double[][] ce = new double[k][];
        for (int j = 0; j < k; j++) {
            if (mass[j] < 1e-12) { // a prototype no position wants: keep it where it was
                v[j] = vectors[j].clone();
                ce[j] = centres[j].clone();
            } else {
                v[j] = normalised(sum[j]);
                ce[j] = new double[] {pos[j][0] / mass[j], pos[j][1] / mass[j], pos[j][2] / mass[j]};
            }
        }
        return new Prototypes(v, ce);
    }

    /** softmax_k(cos(unit, p_k) / temperature) into {@code out}; {@code unit} must have unit length. */
    public void softmaxCos(double[] unit, double temperature, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < vectors.length; j++) {
            out[j] = dot(unit, vectors[j]) / temperature;
            max = Math.max(max, out[j]);
        }
        double z = 0;
        for (int j = 0; j < vectors.length; j++) {
            out[j] = Math.exp(out[j] - max);
            z += out[j];
        }
        for (int j = 0; j < vectors.length; j++) {
            out[j] /= z;
        }
    }

    public int count() {
        return vectors.length;
    }

    /** Prototype j's unit vector (a copy). */
    public double[] vector(int j) {
        return vectors[j].clone();
    }

    /** Prototype j's spatial centre in patch coordinates (a copy). */
    public double[] centre(int j) {
        return centres[j].clone();
    }

    double[][] vectors() {
        return vectors;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double[] normalised(double[] v) {
        double n = Math.sqrt(dot(v, v) + CpaLoss.NORM_EPSILON);
        double[] out = Arrays.copyOf(v, v.length);
        for (int i = 0; i < out.length; i++) {
            out[i] /= n;
        }
        return out;
    }
}
