package org.promptseg.model.layers;

import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
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
 * pre-norm with a residual: {@code x + Wo · attention(LN(x))}. Per head h (channels split into heads of
 * dh = C/heads), with {@code y = LN(x)} over channels (ε = 1e-5, learned gain and bias) and the tokens T:
 * <pre>
 *   logits = [ q kᵀ/√dh ;  q (T·WK_h)ᵀ/√dh + tokenBias_h + log(active) ]    q, k = y·WQ_h, y·WK_h
 *   out_h  = softmax(logits) · [ v ; T·WV_h ]                                v = y·WV_h
 * </pre>
 * the softmax running over the window's voxels and the prompt tokens together.
 *
 * <p>It runs as the hand-written {@link WindowPromptAttentionLayer} (explicit forward and backward passes);
 * parameters, their initialisation and the JSON configuration are those of the SameDiff layer it replaced,
 * so saved models and prompt versions load unchanged.
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

    int heads() {
        return heads;
    }

    /** Edge of the cubic window; clipped to the volume along each axis. */
    int window() {
        return window;
    }

    boolean hasTokenBias() {
        return tokenBias;
    }

    long tokenCount() {
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

    /**
     * Not used: the layer runs as the hand-written {@link WindowPromptAttentionLayer}. The SameDiff formulation it
     * replaced is kept in the tests as the reference the hand-written passes are checked against.
     */
    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable x, Map<String, SDVariable> p, SDVariable mask) {
        throw new UnsupportedOperationException("WindowPromptAttention runs as a hand-written layer, not as a SameDiff graph");
    }

    @Override
    protected Layer createRuntime(NeuralNetConfiguration conf, DataType networkDataType) {
        return new WindowPromptAttentionLayer(conf, networkDataType);
    }
}
