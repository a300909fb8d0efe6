package org.promptseg.model;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.util.List;
import java.util.Set;

/**
 * Everything that determines the network's architecture: preset sizes, class count and prompt modules.
 * Build one with {@link #fromConfig(Config)} (preset from {@code promptseg.model.preset}) or
 * {@link #fromConfig(Config, String)}; tests may call the constructor directly.
 *
 * @param preset         preset name, recorded for reports
 * @param patch          [depth, height, width] of the windows the network is built for
 * @param channels       feature channels per level, finest first; the last level is the bottleneck
 * @param convsPerLevel  conv + norm + LeakyReLU blocks per encoder and decoder level
 * @param numClasses     global classes including background (index 0)
 * @param leakySlope     LeakyReLU negative slope
 * @param normEpsilon    instance-norm epsilon
 * @param prompts        prompt modules
 */
public record ModelSpec(String preset, List<Integer> patch, List<Integer> channels, int convsPerLevel,
                        int numClasses, double leakySlope, double normEpsilon, PromptSpec prompts)
        implements java.io.Serializable {

    public ModelSpec {
        patch = List.copyOf(patch);
        channels = List.copyOf(channels);
        if (patch.size() != 3) {
            throw new ModelConfigException("promptseg.model.presets." + preset + ".patch", "3 sizes [d, h, w]", patch);
        }
        if (channels.size() < 2) {
            throw new ModelConfigException("promptseg.model.presets." + preset + ".channels", "at least 2 levels", channels);
        }
        for (int c : channels) {
            if (c < 1) {
                throw new ModelConfigException("promptseg.model.presets." + preset + ".channels", "positive channel counts", channels);
            }
        }
        int factor = 1 << (channels.size() - 1);
        for (int s : patch) {
            if (s < factor || s % factor != 0) {
                throw new ModelConfigException("promptseg.model.presets." + preset + ".patch",
                        "sizes divisible by 2^(levels-1) = " + factor, patch);
            }
        }
        if (convsPerLevel < 1) {
            throw new ModelConfigException("promptseg.model.presets." + preset + ".convs-per-level", "an integer >= 1", convsPerLevel);
        }
        if (numClasses < 2) {
            throw new ModelConfigException("promptseg.model.num-classes", "at least 2 (background + one class)", numClasses);
        }
        if (leakySlope < 0) {
            throw new ModelConfigException("promptseg.model.leaky-relu-slope", "a value >= 0", leakySlope);
        }
        if (!(normEpsilon > 0)) {
            throw new ModelConfigException("promptseg.model.norm-epsilon", "a value > 0", normEpsilon);
        }
        if (prompts.has(PromptKind.DEEP)) {
            for (int level : attentionLevels(channels.size(), prompts.attentionStages())) {
                if (channels.get(level) % prompts.heads() != 0) {
                    throw new ModelConfigException("promptseg.prompt.deep.heads",
                            "a divisor of the channels of every attention level (level " + level + " has "
                                    + channels.get(level) + ")", prompts.heads());
                }
                for (int s : patch) {
                    int size = s >> level;
                    int w = Math.min(prompts.window(), size);
                    if (size % w != 0) {
                        throw new ModelConfigException("promptseg.prompt.deep.window",
                                "a divisor of every attention level's size (level " + level + " is " + size + ")", prompts.window());
                    }
                }
            }
        }
    }

    public int levels() {
        return channels.size();
    }

    public int bottleneckLevel() {
        return channels.size() - 1;
    }

    /** Levels whose encoder and decoder get an attention block (the bottleneck gets one too). */
    public List<Integer> attentionLevels() {
        return attentionLevels(levels(), prompts.attentionStages());
    }

    private static List<Integer> attentionLevels(int levels, int stages) {
        int first = Math.max(0, levels - 1 - stages);
        return java.util.stream.IntStream.range(first, levels - 1).boxed().toList();
    }

    /** Spatial size [d, h, w] at a level. */
    public int[] sizeAt(int level) {
        return new int[] {patch.get(0) >> level, patch.get(1) >> level, patch.get(2) >> level};
    }

    public ModelSpec withPrompts(PromptSpec newPrompts) {
        return new ModelSpec(preset, patch, channels, convsPerLevel, numClasses, leakySlope, normEpsilon, newPrompts);
    }

    public ModelSpec withPromptKinds(Set<PromptKind> kinds) {
        return withPrompts(prompts.withKinds(kinds));
    }

    public ModelSpec withNumClasses(int n) {
        return new ModelSpec(preset, patch, channels, convsPerLevel, n, leakySlope, normEpsilon, prompts);
    }

    public ModelSpec withPatch(List<Integer> newPatch) {
        return new ModelSpec(preset, newPatch, channels, convsPerLevel, numClasses, leakySlope, normEpsilon, prompts);
    }

    /** The preset named in {@code promptseg.model.preset}. */
    public static ModelSpec fromConfig(Config root) {
        return fromConfig(root, root.getString("promptseg.model.preset"));
    }

    public static ModelSpec fromConfig(Config root, String preset) {
        Config m = root.getConfig("promptseg.model");
        String key = "presets." + preset;
        if (!m.hasPath(key)) {
            throw new ModelConfigException("promptseg.model.preset", "one of " + m.getConfig("presets").root().keySet(), preset);
        }
        try {
            Config p = m.getConfig(key);
            return new ModelSpec(preset, p.getIntList("patch"), p.getIntList("channels"), p.getInt("convs-per-level"),
                    m.getInt("num-classes"), m.getDouble("leaky-relu-slope"), m.getDouble("norm-epsilon"),
                    PromptSpec.fromConfig(root));
        } catch (ConfigException e) {
            throw new ModelConfigException("promptseg.model", "a valid model configuration", e.getMessage());
        }
    }
}
