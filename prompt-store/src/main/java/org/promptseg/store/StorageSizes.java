package org.promptseg.store;

import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.promptseg.store.internal.ManifestIo;
import org.promptseg.store.tensor.DType;
import org.promptseg.store.tensor.Safetensors;
import org.promptseg.store.tensor.TensorSpec;

/**
 * On-disk size of one center's prompt version next to its backbone's, from tensor shapes alone, so the
 * storage argument for prompts can be stated for any preset without training it.
 */
public final class StorageSizes {
    private static final String EXAMPLE_SHA = "0".repeat(64);

    private StorageSizes() {}

    /**
     * @param promptFileBytes exact size of {@code prompts.safetensors}
     * @param manifestBytes size of a {@code manifest.json} for these tensors without metrics or provenance
     *     (those add a few hundred bytes)
     * @param backboneParameterBytes the backbone's parameters as raw data (what dominates its model zip; a
     *     zip with updater state is up to three times larger)
     */
    public record Comparison(String label, long promptParameters, long promptFileBytes, long manifestBytes, long backboneParameters,
            long backboneParameterBytes) implements StoreResult {

        public long promptVersionBytes() {
            return promptFileBytes + manifestBytes;
        }

        /** Prompt version size as a fraction of the backbone's parameter bytes. */
        public double ratio() {
            return backboneParameterBytes == 0 ? Double.NaN : (double) promptVersionBytes() / backboneParameterBytes;
        }

        @Override
        public String toText() {
            return String.format(Locale.ROOT, "%s: prompt version %,d bytes (%,d parameters; tensors %,d + manifest %,d) vs backbone %,d bytes "
                    + "(%,d parameters): %.3f%% of the backbone%n", label, promptVersionBytes(), promptParameters, promptFileBytes,
                    manifestBytes, backboneParameterBytes, backboneParameters, 100 * ratio());
        }
    }

    /** Compares prompt tensors of these shapes with a backbone of {@code backboneParameters} parameters stored as {@code backboneDtype}. */
    public static Comparison compare(String label, Map<String, TensorSpec> promptTensors, long backboneParameters, DType backboneDtype) {
        SortedMap<String, TensorSpec> specs = new TreeMap<>(promptTensors);
        long fileBytes = Safetensors.encodedSize(specs, Map.of("promptseg.center", "center-id", "promptseg.backbone_sha256", EXAMPLE_SHA,
                "promptseg.prompt_kinds", "input"));
        PromptManifest example = new PromptManifest(PromptManifest.FORMAT_VERSION, "center-id", "0001", null, EXAMPLE_SHA, java.util.List.of("input"),
                specs, EXAMPLE_SHA, fileBytes, EXAMPLE_SHA, null, null, "2026-01-01T00:00:00Z", ToolVersion.current());
        long manifestBytes = ManifestIo.toBytes(example).length;
        long promptParameters = specs.values().stream().mapToLong(TensorSpec::elementCount).sum();
        return new Comparison(label, promptParameters, fileBytes, manifestBytes, backboneParameters,
                Math.multiplyExact(backboneParameters, (long) backboneDtype.size()));
    }
}
