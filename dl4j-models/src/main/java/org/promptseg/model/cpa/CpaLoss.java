package org.promptseg.model.cpa;

import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.promptseg.model.ModelConfigException;
import org.promptseg.volume.preprocess.PatchView;

/**
 * The contrastive prototype assignment loss on decoder features, forward and exact backward (w.r.t. the
 * student's features only).
 *
 * <p>Per sample: the student's and the teacher's decoder features {@code [D, H, W, C]} (each computed on its own
 * {@link PatchView} of the same patch) are average-pooled by {@code featureStride}; {@link Prototypes} are fitted to
 * the teacher's pooled features; the teacher's assignment at position m is q_m = softmax_k(cos(t_m, p_k) / τ_t), the
 * student's at position j is r_j = softmax_k(cos(s_j, p_k) / τ_s). Each student position is matched, through the two
 * views' crop geometry, to the nearest teacher position (at most {@code matchDistance} patch voxels away, else it is
 * left out), and the loss is the cross-entropy −Σ_k q_m(j),k log r_j,k averaged over all matched positions of the batch.
 *
 * <p>Gradient: with g = r − q / (matched count), n = √(|s|² + ε) and ŝ = s / n,
 * ∂L/∂s = (Σ_k g_k p_k − (Σ_k g_k cos_k) ŝ) / (n τ_s); each full-resolution voxel of a pooled cell gets 1/stride³ of it.
 * Prototypes and teacher assignments are constants (stop-gradient): the teacher receives no gradient by construction.
 * Plain Java loops: O(positions × K × C) per sample, small next to the network at the sizes promptseg trains.
 */
public final class CpaLoss {
    /** ε in √(|s|² + ε), keeping the normalisation differentiable at 0. */
    static final double NORM_EPSILON = 1e-8;

    private final CpaSettings settings;

    public CpaLoss(CpaSettings settings) {
        this.settings = settings;
    }

    public CpaSettings settings() {
        return settings;
    }

    /**
     * @param loss     mean cross-entropy over matched positions (0 when nothing matched)
     * @param matched  number of matched student positions over the batch
     * @param gradient ∂loss/∂student features, the student's shape and type; null when not asked for
     */
    public record Result(double loss, long matched, INDArray gradient) {}

    /**
     * @param student      student decoder features [N, D, H, W, C] (NDHWC)
     * @param teacher      teacher decoder features, same shape
     * @param studentViews the view each student sample was computed on
     * @param teacherViews the view each teacher sample was computed on (same patch as the student's)
     */
    public Result compute(INDArray student, INDArray teacher, List<PatchView> studentViews, List<PatchView> teacherViews, boolean withGradient) {
        long[] shape = student.shape();
        if (shape.length != 5 || !Arrays.equals(shape, teacher.shape())) {
            throw new ModelConfigException("teacher features", "[N, D, H, W, C] like the student's " + Arrays.toString(shape),
                    Arrays.toString(teacher.shape()));
        }
        int n = (int) shape[0];
        if (studentViews.size() != n || teacherViews.size() != n) {
            throw new ModelConfigException("views", n + " student and teacher views", studentViews.size() + " and " + teacherViews.size());
        }
        int stride = settings.featureStride();
        int[] full = {(int) shape[1], (int) shape[2], (int) shape[3]};
        int c = (int) shape[4];
        for (int d = 0; d < 3; d++) {
            if (full[d] % stride != 0) {
                throw new ModelConfigException("promptseg.pretrain.cpa.feature-stride", "a divisor of the feature grid " + Arrays.toString(full), stride);
            }
        }
        int[] grid = {full[0] / stride, full[1] / stride, full[2] / stride};
        int m = grid[0] * grid[1] * grid[2];
        double[] s = student.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        double[] t = teacher.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        int perSample = full[0] * full[1] * full[2] * c;
        double[][] dPooled = withGradient ? new double[n * m][] : null;
        double lossSum = 0;
        long matched = 0;
        int k = -1;
        for (int b = 0; b < n; b++) {
            double[][] sp = pool(s, b * perSample, full, c, stride);
            double[][] tp = pool(t, b * perSample, full, c, stride);
            double[][] tu = new double[m][];
            for (int i = 0; i < m; i++) {
                tu[i] = Prototypes.normalised(tp[i]);
            }
            double[][] tPos = positions(teacherViews.get(b), grid, stride);
            double[][] sPos = positions(studentViews.get(b), grid, stride);
            Prototypes protos = Prototypes.fit(tu, tPos, grid, settings);
            k = protos.count();
            double[][] p = protos.vectors();
            double[][] q = new double[m][];
            double[] r = new double[k];
            double[] cos = new double[k];
            for (int j = 0; j < m; j++) {
                int mt = match(sPos[j], teacherViews.get(b), tPos, grid, stride);
                if (mt < 0) {
                    continue;
                }
                if (q[mt] == null) {
                    q[mt] = new double[k];
                    protos.softmaxCos(tu[mt], settings.teacherTemperature(), q[mt]);
                }
                double norm = Math.sqrt(Prototypes.dot(sp[j], sp[j]) + NORM_EPSILON);
                double max = Double.NEGATIVE_INFINITY;
                for (int x = 0; x < k; x++) {
                    cos[x] = Prototypes.dot(sp[j], p[x]) / norm;
                    r[x] = cos[x] / settings.studentTemperature();
                    max = Math.max(max, r[x]);
                }
                double z = 0;
                for (int x = 0; x < k; x++) {
                    z += Math.exp(r[x] - max);
                }
                double logZ = max + Math.log(z);
                double ce = 0;
                for (int x = 0; x < k; x++) {
                    ce -= q[mt][x] * (r[x] - logZ);
                    r[x] = Math.exp(r[x] - logZ);
                }
                lossSum += ce;
                matched++;
                if (withGradient) {
                    // unscaled ∂ce/∂s_j; divided by the matched count below
                    double[] g = new double[c];
                    double gc = 0;
                    for (int x = 0; x < k; x++) {
                        double gx = r[x] - q[mt][x];
                        gc += gx * cos[x];
                        for (int y = 0; y < c; y++) {
                            g[y] += gx * p[x][y];
                        }
                    }
                    double f = 1 / (norm * settings.studentTemperature());
                    for (int y = 0; y < c; y++) {
                        g[y] = f * (g[y] - gc * sp[j][y] / norm);
                    }
                    dPooled[b * m + j] = g;
                }
            }
        }
        double loss = matched == 0 ? 0 : lossSum / matched;
        if (!withGradient) {
            return new Result(loss, matched, null);
        }
        double[] grad = new double[s.length];
        if (matched > 0) {
            double scale = 1.0 / matched / ((double) stride * stride * stride);
            for (int b = 0; b < n; b++) {
                for (int z = 0; z < full[0]; z++) {
                    for (int y = 0; y < full[1]; y++) {
                        for (int x = 0; x < full[2]; x++) {
                            double[] g = dPooled[b * m + ((z / stride) * grid[1] + y / stride) * grid[2] + x / stride];
                            if (g == null) {
                                continue;
                            }
                            int off = b * perSample + ((z * full[1] + y) * full[2] + x) * c;
                            for (int q = 0; q < c; q++) {
                                grad[off + q] = g[q] * scale;
                            }
                        }
                    }
                }
            }
        }
        return new Result(loss, matched, Nd4j.create(grad, shape, 'c').castTo(student.dataType()));
    }

    /** Average pooling of one sample's [D, H, W, C] block by {@code stride}: [cells][C], cells in z-y-x order. */
    static double[][] pool(double[] data, int offset, int[] full, int c, int stride) {
        int[] grid = {full[0] / stride, full[1] / stride, full[2] / stride};
        double[][] out = new double[grid[0] * grid[1] * grid[2]][c];
        double inv = 1.0 / ((double) stride * stride * stride);
        for (int z = 0; z < full[0]; z++) {
            for (int y = 0; y < full[1]; y++) {
                for (int x = 0; x < full[2]; x++) {
                    double[] cell = out[((z / stride) * grid[1] + y / stride) * grid[2] + x / stride];
                    int off = offset + ((z * full[1] + y) * full[2] + x) * c;
                    for (int q = 0; q < c; q++) {
                        cell[q] += data[off + q] * inv;
                    }
                }
            }
        }
        return out;
    }

    /** Patch coordinates of the pooled cells' centres of a view ([cells][3]). */
    static double[][] positions(PatchView view, int[] grid, int stride) {
        double[][] out = new double[grid[0] * grid[1] * grid[2]][];
        double half = (stride - 1) / 2.0;
        for (int z = 0; z < grid[0]; z++) {
            for (int y = 0; y < grid[1]; y++) {
                for (int x = 0; x < grid[2]; x++) {
                    out[(z * grid[1] + y) * grid[2] + x] = view.toPatch(new double[] {z * stride + half, y * stride + half, x * stride + half});
                }
            }
        }
        return out;
    }

    /**
     * The teacher cell nearest to a patch position, or −1 if it is farther than {@code matchDistance}. The view maps
     * each axis affinely (and monotonically), so rounding per axis in the teacher's grid finds the nearest cell.
     */
    int match(double[] patchPos, PatchView teacherView, double[][] teacherPositions, int[] grid, int stride) {
        double[] v = teacherView.toView(patchPos);
        double half = (stride - 1) / 2.0;
        int[] idx = new int[3];
        for (int d = 0; d < 3; d++) {
            idx[d] = (int) Math.round((v[d] - half) / stride);
            if (idx[d] < 0 || idx[d] >= grid[d]) {
                return -1;
            }
        }
        int cell = (idx[0] * grid[1] + idx[1]) * grid[2] + idx[2];
        double[] tp = teacherPositions[cell];
        double d2 = 0;
        for (int d = 0; d < 3; d++) {
            d2 += (tp[d] - patchPos[d]) * (tp[d] - patchPos[d]);
        }
        return d2 <= settings.matchDistance() * settings.matchDistance() ? cell : -1;
    }
}
