package org.promptseg.model;

import com.typesafe.config.Config;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Which prompt modules the network carries and their sizes ({@code promptseg.prompt.*}).
 *
 * @param kinds            the prompt kinds built in (may be empty: a plain UNet)
 * @param tokensPerClass   deep: tokens per foreground class in every attention block
 * @param heads            deep: attention heads per block
 * @param window           deep: edge of the cubic attention window (voxels)
 * @param attentionStages  deep: lowest-resolution levels above the bottleneck that get attention (encoder and decoder)
 * @param tokenBias        deep: also learn a per-head logit bias per prompt token
 * @param inputGrid        input: edge of the low-resolution prompt volume
 * @param bottleneckRank   bottleneck: width of the down-projection
 * @param bottleneckQueries bottleneck: number of prompt queries
 * @param bottleneckStages bottleneck: lowest-resolution levels (bottleneck, then decoder levels) with a module
 */
public record PromptSpec(Set<PromptKind> kinds, int tokensPerClass, int heads, int window, int attentionStages,
                         boolean tokenBias, int inputGrid, int bottleneckRank, int bottleneckQueries,
                         int bottleneckStages) implements java.io.Serializable {

    public PromptSpec {
        kinds = kinds.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(kinds));
        positive("promptseg.prompt.deep.tokens-per-class", tokensPerClass);
        positive("promptseg.prompt.deep.heads", heads);
        positive("promptseg.prompt.deep.window", window);
        if (attentionStages < 0) {
            throw new ModelConfigException("promptseg.prompt.deep.stages", "an integer >= 0", attentionStages);
        }
        positive("promptseg.prompt.input.grid", inputGrid);
        positive("promptseg.prompt.bottleneck.rank", bottleneckRank);
        positive("promptseg.prompt.bottleneck.queries", bottleneckQueries);
        positive("promptseg.prompt.bottleneck.stages", bottleneckStages);
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new ModelConfigException(key, "an integer >= 1", value);
        }
    }

    public boolean has(PromptKind kind) {
        return kinds.contains(kind);
    }

    /** The same sizes with another set of kinds (the CLI's {@code --prompts a,b}). */
    public PromptSpec withKinds(Set<PromptKind> newKinds) {
        return new PromptSpec(newKinds, tokensPerClass, heads, window, attentionStages, tokenBias, inputGrid,
                bottleneckRank, bottleneckQueries, bottleneckStages);
    }

    /** Parses {@code "input,deep"} (empty or blank = no prompts). */
    public static Set<PromptKind> parseKinds(List<String> names, String field) {
        EnumSet<PromptKind> kinds = EnumSet.noneOf(PromptKind.class);
        for (String n : names) {
            if (!n.isBlank()) {
                kinds.add(PromptKind.parse(n, field));
            }
        }
        return kinds;
    }

    public static PromptSpec fromConfig(Config root) {
        Config p = root.getConfig("promptseg.prompt");
        return new PromptSpec(parseKinds(p.getStringList("kinds"), "promptseg.prompt.kinds"),
                p.getInt("deep.tokens-per-class"), p.getInt("deep.heads"), p.getInt("deep.window"),
                p.getInt("deep.stages"), p.getBoolean("deep.token-bias"), p.getInt("input.grid"),
                p.getInt("bottleneck.rank"), p.getInt("bottleneck.queries"), p.getInt("bottleneck.stages"));
    }
}
