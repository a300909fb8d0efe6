package org.promptseg.model.layers;

import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The SameDiff formulation of {@link WindowPromptAttention}, as it ran in production until the hand-written
 * layer replaced it (commit d6a7792): the reference the hand-written forward and backward passes are checked
 * against, and the "before" side of side-by-side timings. Same parameters and initialisation (inherited);
 * only the computation differs. It runs on DL4J's SameDiff runtime with the doubled gradient halved.
 */
public class ReferenceWindowPromptAttention extends WindowPromptAttention {
    /** For JSON. */
    public ReferenceWindowPromptAttention() {
    }

    public ReferenceWindowPromptAttention(String name, int heads, int window, int promptClasses, int tokensPerClass, boolean tokenBias) {
        super(name, heads, window, promptClasses, tokensPerClass, tokenBias);
    }

    @Override
    protected Layer createRuntime(NeuralNetConfiguration conf, DataType networkDataType) {
        return new HalvingGradientSameDiffLayer(conf, networkDataType);
    }

    private int windowAlong(long size) {
        return (int) Math.min(window(), size);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
        int heads = heads();
        int wd = windowAlong(depth), wh = windowAlong(height), ww = windowAlong(width);
        long nd = depth / wd, nh = height / wh, nw = width / ww;
        long s = (long) wd * wh * ww;
        long c = channels;
        long dh = c / heads;
        long kt = tokenCount();
        double scale = 1.0 / Math.sqrt(dh);

        // [N, D, H, W, C] -> windows [N*nd*nh*nw*S, C], window-major, voxels of one window contiguous
        SDVariable win = sd.reshape(x, -1, nd, wd, nh, wh, nw, ww, c);
        win = sd.permute(win, 0, 1, 3, 5, 2, 4, 6, 7);
        SDVariable tokens = sd.reshape(win, -1, c);

        SDVariable mean = tokens.mean(true, 1);
        SDVariable centred = tokens.sub(mean);
        SDVariable var = centred.mul(centred).mean(true, 1);
        SDVariable normed = centred.mul(sd.math().rsqrt(var.add(1e-5))).mul(p.get(LN_GAIN)).add(p.get(LN_BIAS));

        // content queries/keys/values as [B, heads, S, dh]
        SDVariable q = heads(sd, sd.mmul(normed, p.get(WQ)), s, heads, dh);
        SDVariable k = heads(sd, sd.mmul(normed, p.get(WK)), s, heads, dh);
        SDVariable v = heads(sd, sd.mmul(normed, p.get(WV)), s, heads, dh);

        // prompt keys [heads, dh, KT] and values [heads, KT, dh], shared by every window
        SDVariable promptK = sd.permute(sd.reshape(sd.mmul(p.get(TOKENS), p.get(WK)), kt, heads, dh), 1, 2, 0);
        SDVariable promptV = sd.permute(sd.reshape(sd.mmul(p.get(TOKENS), p.get(WV)), kt, heads, dh), 1, 0, 2);

        SDVariable contentLogits = sd.mmul(q, k, false, true, false).mul(scale);            // [B, h, S, S]
        SDVariable qByHead = sd.reshape(sd.permute(q, 1, 0, 2, 3), heads, -1, dh);           // [h, B*S, dh]
        SDVariable promptLogits = sd.mmul(qByHead, promptK).mul(scale);                     // [h, B*S, KT]
        promptLogits = sd.permute(sd.reshape(promptLogits, heads, -1, s, kt), 1, 0, 2, 3);  // [B, h, S, KT]
        if (hasTokenBias()) {
            promptLogits = promptLogits.add(sd.reshape(p.get(TOKEN_BIAS), 1, heads, 1, kt));
        }

        // Softmax over [content ; prompts] written out so the two parts never need slicing. The shift by
        // the running maximum only guards exp() against overflow; it cancels in the quotient.
        SDVariable shift = sd.max(contentLogits.max(true, 3), promptLogits.max(true, 3));
        SDVariable contentWeights = sd.math().exp(contentLogits.sub(shift));
        SDVariable promptWeights = sd.math().exp(promptLogits.sub(shift)).mul(sd.reshape(p.get(ACTIVE), 1, 1, 1, kt));
        SDVariable norm = contentWeights.sum(true, 3).add(promptWeights.sum(true, 3));

        SDVariable fromContent = sd.mmul(contentWeights, v);                                  // [B, h, S, dh]
        SDVariable wByHead = sd.reshape(sd.permute(promptWeights, 1, 0, 2, 3), heads, -1, kt); // [h, B*S, KT]
        SDVariable fromPrompts = sd.permute(sd.reshape(sd.mmul(wByHead, promptV), heads, -1, s, dh), 1, 0, 2, 3);
        SDVariable attended = fromContent.add(fromPrompts).div(norm);                        // [B, h, S, dh]

        SDVariable merged = sd.reshape(sd.permute(attended, 0, 2, 1, 3), -1, c);              // [B*S, C]
        SDVariable out = sd.mmul(merged, p.get(WO));
        out = sd.reshape(out, -1, nd, nh, nw, wd, wh, ww, c);
        out = sd.permute(out, 0, 1, 4, 2, 5, 3, 6, 7);
        out = sd.reshape(out, -1, depth, height, width, c);
        return x.add(out);
    }

    /** [B*S, C] -> [B, heads, S, dh]. */
    private static SDVariable heads(SameDiff sd, SDVariable rows, long s, int heads, long dh) {
        return sd.permute(sd.reshape(rows, -1, s, heads, dh), 0, 2, 1, 3);
    }
}
