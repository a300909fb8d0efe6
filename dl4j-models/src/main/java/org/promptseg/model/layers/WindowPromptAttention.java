package org.promptseg.model.layers;

import java.util.Map;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import org.promptseg.model.ModelConfigException;
import org.promptseg.model.ParamRole;

/**
 * Windowed multi-head self-attention with class prompt tokens (PUNet's deep prompting, in 3D).
 *
 * <p>The volume is cut into non-overlapping cubic windows. Inside each window every voxel attends to
 * the window's voxels and to the prompt tokens of the active classes, which are appended to the keys and
 * values only (their own outputs are never computed: each block injects fresh prompts). The block is
 * pre-norm with a residual: {@code x + Wo · attention(LN(x))}.
 *
 * <p>Roles: the layer norm and the four projections are backbone (pretrained with prompts present,
 * frozen afterwards); the tokens and the optional per-head token logit bias are the prompt; the
 * active-token switch is per-center state. Inactive classes' tokens get exactly zero attention weight,
 * which is the same as leaving them out of the concatenation.
 */
public class WindowPromptAttention extends VolumeLayer {
    public static final String LN_GAIN = "lnGain";
    public static final String LN_BIAS = "lnBias";
    public static final String WQ = "wq";
    public static final String WK = "wk";
    public static final String WV = "wv";
    public static final String WO = "wo";
    public static final String TOKENS = "tokens";
    public static final String TOKEN_BIAS = "tokenBias";
    public static final String ACTIVE = "activeTokens";

    @JsonProperty private int heads = 4;
    @JsonProperty private int window = 4;
    @JsonProperty private int promptClasses = 1;
    @JsonProperty private int tokensPerClass = 16;
    @JsonProperty private boolean tokenBias;

    /** For JSON. */
    public WindowPromptAttention() {
    }

    /**
     * @param promptClasses  classes that own tokens (the foreground classes; background has none, as in PUNet)
     */
    public WindowPromptAttention(String name, int heads, int window, int promptClasses, int tokensPerClass, boolean tokenBias) {
        this.layerName = name;
        this.heads = heads;
        this.window = window;
        this.promptClasses = promptClasses;
        this.tokensPerClass = tokensPerClass;
        this.tokenBias = tokenBias;
    }

    public int promptClasses() {
        return promptClasses;
    }

    public int tokensPerClass() {
        return tokensPerClass;
    }

    private long tokenCount() {
        return (long) promptClasses * tokensPerClass;
    }

    @Override
    public ParamRole roleOf(String key) {
        return switch (key) {
            case TOKENS, TOKEN_BIAS -> ParamRole.PROMPT;
            case ACTIVE -> ParamRole.STATE;
            default -> ParamRole.BACKBONE;
        };
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        if (channels % heads != 0) {
            throw new ModelConfigException("layer " + layerName + " heads", "a divisor of " + channels + " channels", heads);
        }
        params.addWeightParam(LN_GAIN, 1, channels);
        params.addWeightParam(LN_BIAS, 1, channels);
        for (String w : new String[] {WQ, WK, WV, WO}) {
            params.addWeightParam(w, channels, channels);
        }
        params.addWeightParam(TOKENS, tokenCount(), channels);
        if (tokenBias) {
            params.addWeightParam(TOKEN_BIAS, heads, tokenCount());
        }
        params.addWeightParam(ACTIVE, 1, tokenCount());
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.get(LN_GAIN).assign(1);
        params.get(LN_BIAS).assign(0);
        double std = Math.sqrt(1.0 / channels);
        for (String w : new String[] {WQ, WK, WV}) {
            params.get(w).assign(Nd4j.randn(params.get(w).dataType(), channels, channels).muli(std));
        }
        // Small output projection: the block starts close to the identity, which keeps a freshly built
        // deep-prompt UNet as trainable as the plain one.
        params.get(WO).assign(Nd4j.randn(params.get(WO).dataType(), channels, channels).muli(0.1 * std));
        // Tokens live in the same space as the layer-normed voxels (zero mean, unit variance).
        params.get(TOKENS).assign(Nd4j.randn(params.get(TOKENS).dataType(), tokenCount(), channels));
        if (tokenBias) {
            params.get(TOKEN_BIAS).assign(0);
        }
        params.get(ACTIVE).assign(1);
    }

    private int windowAlong(long size) {
        return (int) Math.min(window, size);
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
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
        SDVariable q = heads(sd, sd.mmul(normed, p.get(WQ)), s, dh);
        SDVariable k = heads(sd, sd.mmul(normed, p.get(WK)), s, dh);
        SDVariable v = heads(sd, sd.mmul(normed, p.get(WV)), s, dh);

        // prompt keys [heads, dh, KT] and values [heads, KT, dh], shared by every window
        SDVariable promptK = sd.permute(sd.reshape(sd.mmul(p.get(TOKENS), p.get(WK)), kt, heads, dh), 1, 2, 0);
        SDVariable promptV = sd.permute(sd.reshape(sd.mmul(p.get(TOKENS), p.get(WV)), kt, heads, dh), 1, 0, 2);

        SDVariable contentLogits = sd.mmul(q, k, false, true, false).mul(scale);            // [B, h, S, S]
        SDVariable qByHead = sd.reshape(sd.permute(q, 1, 0, 2, 3), heads, -1, dh);           // [h, B*S, dh]
        SDVariable promptLogits = sd.mmul(qByHead, promptK).mul(scale);                     // [h, B*S, KT]
        promptLogits = sd.permute(sd.reshape(promptLogits, heads, -1, s, kt), 1, 0, 2, 3);  // [B, h, S, KT]
        if (tokenBias) {
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
    private SDVariable heads(SameDiff sd, SDVariable rows, long s, long dh) {
        return sd.permute(sd.reshape(rows, -1, s, heads, dh), 0, 2, 1, 3);
    }
}
