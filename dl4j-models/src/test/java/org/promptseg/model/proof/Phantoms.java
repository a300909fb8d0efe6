package org.promptseg.model.proof;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.promptseg.model.train.DataBatch;

/**
 * Small CT-like phantoms with a scanner/center shift, for the "prompts recover a domain shift" proof.
 *
 * <p>A body ellipsoid in air holds three organ ellipsoids (classes 1..3) at seeded random positions,
 * sizes and orientations, so shape alone does not identify an organ: intensity does. A center is a
 * contrast phase (the HU of each organ relative to the others), a noise level and a blur. Every volume
 * is z-score normalised, as the pipeline does; a pure gain/offset change would vanish there, but a
 * change of relative organ contrast, noise and blur survives it.
 */
final class Phantoms {
    /** HU of body, organ 1, organ 2, organ 3; noise sigma (HU); Gaussian blur sigma (voxels). */
    record Center(String name, double body, double[] organs, double noise, double blur) {
    }

    static final Center A = new Center("a", 40, new double[] {90, 160, -60}, 12, 0);
    /** Another phase and scanner: organ 1 enhances strongly, organ 2 barely; noisier and blurred. */
    static final Center B = new Center("b", 40, new double[] {170, 100, -10}, 22, 0.8);

    record Case(INDArray image, INDArray labels) {
    }

    private Phantoms() {
    }

    static List<Case> cases(Center center, int count, int size, long seed) {
        List<Case> out = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            out.add(one(center, size, random.split()));
        }
        return out;
    }

    private static Case one(Center c, int n, SplittableRandom r) {
        float[] hu = new float[n * n * n];
        float[] lab = new float[n * n * n];
        double[][] organs = new double[3][];
        for (int k = 0; k < 3; k++) {
            // centre (z, y, x), semi-axes, rotation in the y-x plane
            organs[k] = new double[] {r.nextDouble(0.3, 0.7) * n, r.nextDouble(0.28, 0.72) * n, r.nextDouble(0.28, 0.72) * n,
                    r.nextDouble(0.10, 0.2) * n, r.nextDouble(0.10, 0.22) * n, r.nextDouble(0.10, 0.22) * n,
                    r.nextDouble(0, Math.PI)};
        }
        for (int z = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    int i = (z * n + y) * n + x;
                    double bz = (z - n / 2.0) / (0.48 * n), by = (y - n / 2.0) / (0.46 * n), bx = (x - n / 2.0) / (0.47 * n);
                    double v = bz * bz + by * by + bx * bx <= 1 ? c.body() : -1000;
                    for (int k = 0; k < 3; k++) {
                        double[] o = organs[k];
                        double dy = y - o[1], dx = x - o[2];
                        double ry = Math.cos(o[6]) * dy + Math.sin(o[6]) * dx;
                        double rx = -Math.sin(o[6]) * dy + Math.cos(o[6]) * dx;
                        double dz = (z - o[0]) / o[3];
                        if (dz * dz + (ry / o[4]) * (ry / o[4]) + (rx / o[5]) * (rx / o[5]) <= 1) {
                            v = c.organs()[k];   // later organs overlap earlier ones, labels follow
                            lab[i] = k + 1;
                        }
                    }
                    hu[i] = (float) v;
                }
            }
        }
        if (c.blur() > 0) {
            hu = blur(hu, n, c.blur());
        }
        for (int i = 0; i < hu.length; i++) {
            hu[i] += (float) (r.nextGaussian() * c.noise());
        }
        INDArray img = Nd4j.create(hu, new long[] {n, n, n});
        img.subi(img.meanNumber()).divi(img.stdNumber());
        return new Case(img, Nd4j.create(lab, new long[] {n, n, n}));
    }

    private static float[] blur(float[] v, int n, double sigma) {
        int radius = (int) Math.ceil(2.5 * sigma);
        double[] k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = Math.exp(-i * i / (2 * sigma * sigma));
            sum += k[i + radius];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        float[] cur = v;
        int[] strides = {n * n, n, 1};
        for (int axis = 0; axis < 3; axis++) {
            float[] out = new float[cur.length];
            int stride = strides[axis];
            for (int i = 0; i < cur.length; i++) {
                int coord = (i / stride) % n;
                double acc = 0;
                for (int d = -radius; d <= radius; d++) {
                    int c = Math.max(0, Math.min(n - 1, coord + d));
                    acc += k[d + radius] * cur[i + (c - coord) * stride];
                }
                out[i] = (float) acc;
            }
            cur = out;
        }
        return cur;
    }

    /** Stacks cases into a training batch [N, n, n, n, 1] with one-hot targets over 4 classes. */
    static DataBatch batch(List<Case> cases, int numClasses) {
        long n = cases.get(0).image().size(0);
        INDArray images = Nd4j.create(DataType.FLOAT, cases.size(), n, n, n, 1);
        INDArray labels = Nd4j.create(DataType.FLOAT, cases.size(), n, n, n);
        for (int i = 0; i < cases.size(); i++) {
            images.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).assign(cases.get(i).image().reshape(n, n, n, 1));
            labels.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).assign(cases.get(i).labels());
        }
        return DataBatch.ofClassIndices(images, labels, numClasses, null);
    }
}
