package org.promptseg.model.layers;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.promptseg.model.ModelConfigException;

/**
 * Runtime of {@link WindowPromptAttention}: the forward and backward passes written out as batched matrix
 * products on contiguous layouts.
 *
 * <p>Products. Every 2D product goes through libnd4j's matmul op with contiguous operands, which runs oneDNN's
 * matmul; libnd4j M2.1 routes only rank-2 matmuls to oneDNN, so the per-(head, window) products run its own
 * batched loop, which is why they read and write as few strided views as the layout allows.
 *
 * <p>Layouts. The volume is cut into windows once ({@code [N, D, H, W, C] → [M, C]}, M voxels in window-major
 * order). Layer norm and the projections are per voxel and run on that matrix ({@code [M, C] · [C, 3C]}, one
 * GEMM for q, k and v). One rank-5 copy moves q, k, v to {@code [3, heads, B, S, dh]}, so that every
 * (head, window) pair is a batch entry and a head's rows of all windows form one {@code [M, dh]} block. The
 * logits of a row are the window's S voxels followed by the KT prompt tokens, {@code [heads, B, S, S + KT]}:
 * the content part comes from one batched product per (head, window), the prompt part from one product per
 * head over all M voxels (the tokens are shared by every window, so they are never copied per window). One
 * softmax over the whole row follows, which is exactly the softmax over the concatenation {@code [content ;
 * prompts]} of the SameDiff formulation.
 *
 * <p>Switched-off tokens. The switch multiplied a token's unnormalised weight by its value a (0 or 1); here
 * {@code log a} is added to the token's logit (0 for a = 1, {@link #OFF_LOGIT} for a = 0), which is the same
 * thing: exp(l + log a) = a·exp(l), and exp of OFF_LOGIT is exactly 0 in float and double. An inactive token
 * therefore receives exactly zero weight and zero gradient, as if it were not in the concatenation.
 *
 * <p>Backward. The softmax gradient {@code P ⊙ (dP − rowsum(dP ⊙ P))} takes its row sums from the small
 * per-head outputs ({@code rowsum(dP ⊙ P) = rowsum(dO ⊙ O)} since {@code dP = dO·Vᵀ} and {@code O = P·V}),
 * not from the wide logit rows. The forward pass is recomputed at the start of backprop, as DL4J's own
 * convolution layers do: its intermediate arrays then live in DL4J's per-layer working-memory workspace
 * (reused every step) instead of being held, for every attention block at once, from the forward to the
 * backward pass. Keeping them instead (in activation memory) measured no faster for the tiny preset at 32³:
 * fresh activation buffers cost in page faults what the recomputation costs, and the memory would grow
 * with the patch.
 *
 * <p>The switch ({@code activeTokens}) is per-center state, not a learned parameter: its gradient is
 * reported as zero.
 */
final class WindowPromptAttentionLayer extends HandWrittenVolumeLayer<WindowPromptAttention> {
    /** Logit given to a switched-off prompt token. Finite (not -∞) so that no 0·∞ can arise in any product. */
    static final double OFF_LOGIT = -1e30;
    /** Layer-norm epsilon (the same constant as the SameDiff formulation). */
    static final double LN_EPSILON = 1e-5;

    WindowPromptAttentionLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Sizes of one call: volume, window edges, heads and prompt tokens. */
    private record Geometry(long n, long depth, long height, long width, long c, long wd, long wh, long ww, long heads, long kt) {
        long nd() {
            return depth / wd;
        }

        long nh() {
            return height / wh;
        }

        long nw() {
            return width / ww;
        }

        /** Voxels per window. */
        long s() {
            return wd * wh * ww;
        }

        /** Windows in the batch. */
        long b() {
            return n * nd() * nh() * nw();
        }

        /** Voxels in the batch. */
        long m() {
            return b() * s();
        }

        long dh() {
            return c / heads;
        }

        /** Keys per query: the window's voxels, then the prompt tokens. */
        long keys() {
            return s() + kt;
        }
    }

    private Geometry geometry(INDArray x) {
        WindowPromptAttention conf = layerConf();
        if (x.rank() != 5) {
            throw new ModelConfigException("layer " + conf.getLayerName() + " input", "a 5D NDHWC volume", java.util.Arrays.toString(x.shape()));
        }
        long d = x.size(1);
        long h = x.size(2);
        long w = x.size(3);
        long wd = Math.min(conf.window(), d);
        long wh = Math.min(conf.window(), h);
        long ww = Math.min(conf.window(), w);
        if (d % wd != 0 || h % wh != 0 || w % ww != 0) {
            throw new ModelConfigException("layer " + conf.getLayerName() + " window", "a divisor of the volume's sizes "
                    + d + "x" + h + "x" + w, conf.window());
        }
        return new Geometry(x.size(0), d, h, w, x.size(4), wd, wh, ww, conf.heads(), conf.tokenCount());
    }

    // ------------------------------------------------------------------ window layout

    /**
     * {@code [N, D, H, W, C] → [M, C]} with the voxels of one window contiguous, windows in (n, z, y, x) order
     * and voxels in (z, y, x) order inside a window: {@code [N, nd, wd, nh, wh, nw, ww, C] → [N, nd, nh, nw, wd,
     * wh, ww, C]}, done as two rank-4 swaps of middle axes (libnd4j copies those several times faster than the
     * single rank-8 permutation). When a window covers the whole volume nothing moves and the result is a view
     * of the input: callers must not write into it.
     */
    private static INDArray toWindows(INDArray vol, Geometry g) {
        INDArray a = swapMiddle(vol, g.n() * g.nd(), g.wd(), g.nh(), g.wh() * g.width() * g.c());
        INDArray b = swapMiddle(a, g.n() * g.nd() * g.nh(), g.wd() * g.wh(), g.nw(), g.ww() * g.c());
        return b.reshape('c', g.m(), g.c());
    }

    /** The inverse of {@link #toWindows}, written into {@code target} ([N, D, H, W, C], c order). */
    private static void fromWindows(INDArray windows, Geometry g, INDArray target) {
        INDArray a = swapMiddle(windows, g.n() * g.nd() * g.nh(), g.nw(), g.wd() * g.wh(), g.ww() * g.c());
        long n = g.n() * g.nd();
        long rest = g.wh() * g.width() * g.c();
        target.reshape('c', n, g.wd(), g.nh(), rest).assign(a.reshape('c', n, g.nh(), g.wd(), rest).permute(0, 2, 1, 3));
    }

    /** {@code [a, b, c, d] → [a, c, b, d]} as a new c-ordered array, or a view of the input when b or c is 1. */
    private static INDArray swapMiddle(INDArray x, long a, long b, long c, long d) {
        INDArray v = x.reshape('c', a, b, c, d);
        if (b == 1 || c == 1) {
            return v;
        }
        INDArray out = Nd4j.createUninitialized(x.dataType(), new long[] {a, c, b, d}, 'c');
        return out.assign(v.permute(0, 2, 1, 3));
    }

    // ------------------------------------------------------------------ forward

    /** Everything the forward pass computes that the backward pass reads. */
    private static final class Forward {
        INDArray xhat;     // [M, C] layer-normalised voxels, before gain and bias
        INDArray rstd;     // [M, 1] 1/σ per voxel
        INDArray normed;   // [M, C] gain·xhat + bias
        INDArray qkv;      // [3, heads, B, S, dh]: q (already scaled by 1/√dh), k, v
        INDArray promptK;  // [heads, KT, dh]
        INDArray promptV;  // [heads, KT, dh]
        INDArray probs;    // [heads, B, S, S+KT] attention weights: window voxels, then prompt tokens
        INDArray heads;    // [heads, B, S, dh] attended values
        INDArray merged;   // [M, C] heads merged back into channels
    }

    /** The forward pass up to the merged heads (the output projection and the residual are left to the caller). */
    private Forward forward(INDArray vol, Geometry g) {
        long m = g.m();
        long c = g.c();
        long h = g.heads();
        long s = g.s();
        long kt = g.kt();
        long dh = g.dh();
        Forward f = new Forward();

        // layer norm over channels, per voxel: x̂ = (x − mean)/σ with σ² = mean((x − mean)²) + ε
        INDArray x = toWindows(vol, g);
        f.xhat = temp(m, c).assign(x).subiColumnVector(x.mean(true, 1));
        f.rstd = temp(m, 1).assign(f.xhat.norm2(true, 1));
        Transforms.pow(f.rstd.muli(f.rstd).divi(c).addi(LN_EPSILON), -0.5, false);
        f.xhat.muliColumnVector(f.rstd);
        f.normed = temp(m, c).assign(f.xhat)
                .muliRowVector(getParam(WindowPromptAttention.LN_GAIN)).addiRowVector(getParam(WindowPromptAttention.LN_BIAS));

        // q, k, v: one product each, straight from the parameters; the 1/√dh of the logits rides on the query
        // product's scale factor
        INDArray qkvRows = temp(3, m, c);
        matmul(f.normed, getParam(WindowPromptAttention.WQ), qkvRows.get(point(0)), false, false, scale(g), 0);
        matmul(f.normed, getParam(WindowPromptAttention.WK), qkvRows.get(point(1)), false, false, 1, 0);
        matmul(f.normed, getParam(WindowPromptAttention.WV), qkvRows.get(point(2)), false, false, 1, 0);
        f.qkv = temp(3, h, g.b(), s, dh).assign(qkvRows.reshape('c', 3, g.b(), s, h, dh).permute(0, 3, 1, 2, 4));

        // prompt keys and values, shared by every window
        INDArray tokens = getParam(WindowPromptAttention.TOKENS);
        INDArray rows = temp(kt, c);
        matmul(tokens, getParam(WindowPromptAttention.WK), rows, false, false, 0);
        f.promptK = temp(h, kt, dh).assign(rows.reshape('c', kt, h, dh).permute(1, 0, 2));
        matmul(tokens, getParam(WindowPromptAttention.WV), rows, false, false, 0);
        f.promptV = temp(h, kt, dh).assign(rows.reshape('c', kt, h, dh).permute(1, 0, 2));

        // logits [window voxels ; prompt tokens], then one softmax per row
        f.probs = temp(h, g.b(), s, g.keys());
        matmul(perWindow(qOf(f), g), perWindow(kOf(f), g), contentPart(f.probs, g), false, true, 0);
        matmul(perHead(qOf(f), g), f.promptK, promptPart(f.probs, g), false, true, 0);
        INDArray bias = promptLogitBias(h, kt);
        if (bias != null) {
            promptPart(f.probs, g).addi(bias);
        }
        Nd4j.exec(new SoftMax(f.probs, f.probs, 3));

        // attended values: window part, then the prompt part accumulated onto it
        f.heads = temp(h, g.b(), s, dh);
        matmul(contentPart(f.probs, g), perWindow(vOf(f), g), perWindow(f.heads, g), false, false, 0);
        matmul(promptPart(f.probs, g), f.promptV, perHead(f.heads, g), false, false, 1);

        f.merged = temp(g.b(), s, h, dh).assign(f.heads.permute(1, 2, 0, 3)).reshape('c', m, c);
        return f;
    }

    private INDArray temp(long... shape) {
        return Nd4j.createUninitialized(dataType, shape, 'c');
    }

    /**
     * The additive logit of every prompt token per head, {@code [heads, 1, KT]}: the learned token bias (if the
     * layer has one) plus log(switch). Null when it is zero everywhere (no token bias, every token on), which
     * skips the addition.
     */
    private INDArray promptLogitBias(long heads, long kt) {
        double[] active = getParam(WindowPromptAttention.ACTIVE).toDoubleVector();
        boolean allOn = true;
        double[] logSwitch = new double[active.length];
        for (int t = 0; t < active.length; t++) {
            logSwitch[t] = active[t] > 0 ? Math.log(active[t]) : OFF_LOGIT;
            allOn &= active[t] == 1;
        }
        boolean learned = layerConf().hasTokenBias();
        if (allOn && !learned) {
            return null;
        }
        INDArray bias = learned ? getParam(WindowPromptAttention.TOKEN_BIAS).dup('c')
                : Nd4j.zeros(dataType, heads, kt);
        bias.addiRowVector(Nd4j.createFromArray(logSwitch).castTo(dataType).reshape(1, kt));
        return bias.reshape('c', heads, 1, kt);
    }

    // ------------------------------------------------------------------ views

    private static INDArray qOf(Forward f) {
        return f.qkv.get(point(0));
    }

    private static INDArray kOf(Forward f) {
        return f.qkv.get(point(1));
    }

    private static INDArray vOf(Forward f) {
        return f.qkv.get(point(2));
    }

    /** [heads, B, S, x] as [heads·B, S, x]: one batch entry per (head, window). */
    private static INDArray perWindow(INDArray a, Geometry g) {
        return a.reshape('c', g.heads() * g.b(), g.s(), a.size(a.rank() - 1));
    }

    /** [heads, B, S, x] as [heads, M, x]: one batch entry per head, all voxels as rows. */
    private static INDArray perHead(INDArray a, Geometry g) {
        return a.reshape('c', g.heads(), g.m(), a.size(a.rank() - 1));
    }

    /** The window-voxel columns of [heads, B, S, S+KT] logits, as [heads·B, S, S]. */
    private static INDArray contentPart(INDArray logits, Geometry g) {
        return perWindow(logits, g).get(all(), all(), interval(0, g.s()));
    }

    /** The prompt-token columns of [heads, B, S, S+KT] logits, as [heads, M, KT]. */
    private static INDArray promptPart(INDArray logits, Geometry g) {
        return perHead(logits, g).get(all(), all(), interval(g.s(), g.keys()));
    }

    /** [heads, KT, dh] as [KT, C] (heads side by side in the channels). */
    private INDArray byToken(INDArray perHead, long kt, long c) {
        return temp(perHead.size(1), perHead.size(0), perHead.size(2)).assign(perHead.permute(1, 0, 2)).reshape('c', kt, c);
    }

    /**
     * {@code c = op(a)·op(b) + beta·c}, batched over leading axes; views with strides are fine. Always through
     * libnd4j's matmul op, never {@code INDArray.mmul}: for contiguous c-ordered 2D operands the op runs oneDNN's
     * matmul (measured 5-10x faster here than the {@code mmul} path at these shapes); rank-3 products run
     * libnd4j's own batched loop either way.
     */
    private static void matmul(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double beta) {
        matmul(a, b, c, transposeA, transposeB, 1, beta);
    }

    /** {@code c = alpha·op(a)·op(b) + beta·c}. */
    private static void matmul(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha, double beta) {
        Nd4j.exec(new Mmul(a, b, c, alpha, beta, new MMulTranspose(transposeA, transposeB, false)));
    }

    /** 1/√dh, the scale of the attention logits. */
    private static double scale(Geometry g) {
        return 1.0 / Math.sqrt(g.dh());
    }

    // ------------------------------------------------------------------ layer API

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray vol = contiguous(input, dataType);
        Geometry g = geometry(vol);
        Forward f = forward(vol, g);
        INDArray out = temp(g.m(), g.c());
        matmul(f.merged, getParam(WindowPromptAttention.WO), out, false, false, 0);
        INDArray y = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, vol.shape(), 'c');
        fromWindows(out, g, y);
        return y.addi(vol);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray vol = contiguous(input, dataType);
        Geometry g = geometry(vol);
        Forward f = forward(vol, g);    // recomputed: see the class comment
        long m = g.m();
        long c = g.c();
        long h = g.heads();
        long s = g.s();
        long kt = g.kt();
        long dh = g.dh();
        long keys = g.keys();
        INDArray eps = contiguous(epsilon, dataType);
        INDArray dOut = toWindows(eps, g);                                        // [M, C]

        // output projection
        INDArray wo = getParam(WindowPromptAttention.WO);
        matmul(f.merged, dOut, gradientView(WindowPromptAttention.WO), true, false, 0);
        INDArray dMerged = temp(m, c);
        matmul(dOut, wo, dMerged, false, true, 0);
        INDArray dHeads = temp(h, g.b(), s, dh).assign(dMerged.reshape('c', g.b(), s, h, dh).permute(2, 0, 1, 3));

        // softmax: dLogits = P ⊙ (dP − rowsum(dP ⊙ P)), with rowsum(dP ⊙ P) = rowsum(dO ⊙ O)
        INDArray rowDot = dHeads.mul(f.heads).sum(true, 3).reshape('c', h * m, 1);
        INDArray dLogits = temp(h, g.b(), s, keys);
        matmul(perWindow(dHeads, g), perWindow(vOf(f), g), contentPart(dLogits, g), false, true, 0);
        matmul(perHead(dHeads, g), f.promptV, promptPart(dLogits, g), false, true, 0);
        dLogits.reshape('c', h * m, keys).subiColumnVector(rowDot).muli(f.probs.reshape('c', h * m, keys));

        // back through the attention products, straight into [3, heads, B, S, dh] = (dq, dk, dv)
        INDArray dqkv = temp(3, h, g.b(), s, dh);
        INDArray dq = dqkv.get(point(0));
        matmul(contentPart(f.probs, g), perWindow(dHeads, g), perWindow(dqkv.get(point(2)), g), true, false, 0);
        INDArray dPromptV = temp(h, kt, dh);
        matmul(promptPart(f.probs, g), perHead(dHeads, g), dPromptV, true, false, 0);
        matmul(contentPart(dLogits, g), perWindow(kOf(f), g), perWindow(dq, g), false, false, 0);
        matmul(promptPart(dLogits, g), f.promptK, perHead(dq, g), false, false, 1);
        matmul(contentPart(dLogits, g), perWindow(qOf(f), g), perWindow(dqkv.get(point(1)), g), true, false, 0);
        INDArray dPromptK = temp(h, kt, dh);
        matmul(promptPart(dLogits, g), perHead(qOf(f), g), dPromptK, true, false, 0);
        if (layerConf().hasTokenBias()) {
            gradientView(WindowPromptAttention.TOKEN_BIAS).assign(promptPart(dLogits, g).sum(1));
        }
        gradientView(WindowPromptAttention.ACTIVE).assign(0);

        // projections: q, k, v of the voxels and k, v of the prompt tokens
        INDArray dqkvRows = temp(3, g.b(), s, h, dh).assign(dqkv.permute(0, 2, 3, 1, 4)).reshape('c', 3, m, c);
        INDArray dqRows = dqkvRows.get(point(0));
        INDArray dkRows = dqkvRows.get(point(1));
        INDArray dvRows = dqkvRows.get(point(2));
        INDArray tokens = getParam(WindowPromptAttention.TOKENS);
        INDArray dPk = byToken(dPromptK, kt, c);
        INDArray dPv = byToken(dPromptV, kt, c);
        matmul(f.normed, dqRows, gradientView(WindowPromptAttention.WQ), true, false, scale(g), 0);
        matmul(f.normed, dkRows, gradientView(WindowPromptAttention.WK), true, false, 1, 0);
        matmul(tokens, dPk, gradientView(WindowPromptAttention.WK), true, false, 1, 1);
        matmul(f.normed, dvRows, gradientView(WindowPromptAttention.WV), true, false, 1, 0);
        matmul(tokens, dPv, gradientView(WindowPromptAttention.WV), true, false, 1, 1);
        INDArray dTokens = gradientView(WindowPromptAttention.TOKENS);
        matmul(dPk, getParam(WindowPromptAttention.WK), dTokens, false, true, 0);
        matmul(dPv, getParam(WindowPromptAttention.WV), dTokens, false, true, 1);
        INDArray dNormed = temp(m, c);
        matmul(dqRows, getParam(WindowPromptAttention.WQ), dNormed, false, true, scale(g), 0);
        matmul(dkRows, getParam(WindowPromptAttention.WK), dNormed, false, true, 1, 1);
        matmul(dvRows, getParam(WindowPromptAttention.WV), dNormed, false, true, 1, 1);

        // layer norm: dx = (dx̂ − mean(dx̂) − x̂ · mean(dx̂ ⊙ x̂)) / σ with dx̂ = gain ⊙ dnormed
        gradientView(WindowPromptAttention.LN_BIAS).assign(dNormed.sum(true, 0));
        gradientView(WindowPromptAttention.LN_GAIN).assign(dNormed.mul(f.xhat).sum(true, 0));
        INDArray dXhat = dNormed.muliRowVector(getParam(WindowPromptAttention.LN_GAIN));
        INDArray meanDXhat = dXhat.mul(f.xhat).mean(true, 1);
        dXhat.subiColumnVector(dXhat.mean(true, 1)).subi(f.xhat.muliColumnVector(meanDXhat)).muliColumnVector(f.rstd);

        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, vol.shape(), 'c');
        fromWindows(dXhat, g, dx);
        dx.addi(eps);
        return new Pair<>(gradientOfAllParams(), dx);
    }

    @Override
    public Type type() {
        return Type.FEED_FORWARD;
    }
}
