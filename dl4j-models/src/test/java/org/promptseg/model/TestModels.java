package org.promptseg.model;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.promptseg.model.train.DataBatch;

/** Small specs and batches shared by the tests. */
public final class TestModels {
    private TestModels() {
    }

    public static PromptSpec prompts(Set<PromptKind> kinds) {
        return new PromptSpec(kinds.isEmpty() ? Set.of() : EnumSet.copyOf(kinds), 2, 2, 4, 1, true, 4, 4, 3, 2);
    }

    /** 8³ patch, two levels (8³ and 4³), 4 and 8 channels, 3 classes: fast enough for finite differences. */
    public static ModelSpec micro(Set<PromptKind> kinds) {
        return new ModelSpec("micro", List.of(8, 8, 8), List.of(4, 8), 1, 3, 0.01, 1e-5, prompts(kinds));
    }

    /** 16³ patch, three levels. */
    public static ModelSpec small(Set<PromptKind> kinds) {
        return new ModelSpec("small", List.of(16, 16, 16), List.of(8, 16, 16), 2, 3, 0.01, 1e-5, prompts(kinds));
    }

    public static Set<PromptKind> all() {
        return EnumSet.allOf(PromptKind.class);
    }

    /** A random image and a blob label (class 1 in one corner, class 2 in another). */
    public static DataBatch batch(ModelSpec spec, int n, long seed, DataType type) {
        List<Integer> p = spec.patch();
        Nd4j.getRandom().setSeed(seed);
        INDArray img = Nd4j.randn(type, n, p.get(0), p.get(1), p.get(2), 1);
        INDArray idx = Nd4j.zeros(DataType.FLOAT, n, p.get(0), p.get(1), p.get(2));
        for (int i = 0; i < n; i++) {
            for (int z = 0; z < p.get(0) / 2; z++) {
                for (int y = 0; y < p.get(1) / 2; y++) {
                    for (int x = 0; x < p.get(2) / 2; x++) {
                        idx.putScalar(new long[] {i, z, y, x}, 1);
                        img.putScalar(new long[] {i, z, y, x, 0}, img.getDouble(i, z, y, x, 0) + 2);
                        if (spec.numClasses() > 2) {
                            idx.putScalar(new long[] {i, z + p.get(0) / 2, y + p.get(1) / 2, x + p.get(2) / 2}, 2);
                            img.putScalar(new long[] {i, z + p.get(0) / 2, y + p.get(1) / 2, x + p.get(2) / 2, 0},
                                    img.getDouble(i, z + p.get(0) / 2, y + p.get(1) / 2, x + p.get(2) / 2, 0) - 2);
                        }
                    }
                }
            }
        }
        return DataBatch.ofClassIndices(img, idx, spec.numClasses(), null);
    }
}
