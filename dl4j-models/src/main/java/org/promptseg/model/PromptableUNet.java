package org.promptseg.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.promptseg.common.Json;
import org.promptseg.model.layers.BottleneckPrompt;
import org.promptseg.model.layers.InputPrompt;
import org.promptseg.model.layers.VolumeLayer;
import org.promptseg.model.layers.WindowPromptAttention;

/**
 * The promptable 3D UNet: a DL4J {@link ComputationGraph} plus the knowledge of which of its parameters
 * are backbone, head, prompt or per-center state.
 *
 * <p>Parameters are named {@code <vertex>_<key>} (for example {@code enc1_attn_tokens}); names are stable
 * across builds of the same spec, and every list or map this class returns is sorted by name, which is
 * the fixed order the backbone id is computed in.
 *
 * <p>Not thread-safe (a ComputationGraph is not): give every concurrent task its own {@link #copy()}.
 */
public final class PromptableUNet {
    private static final String SPEC_ENTRY = "promptseg-model-spec.json";

    private final ModelSpec spec;
    private final ComputationGraph graph;
    private final Map<String, ParamRole> roles;
    private final Map<String, PromptKind> kinds;

    private PromptableUNet(ModelSpec spec, ComputationGraph graph) {
        this.spec = spec;
        this.graph = graph;
        Map<String, ParamRole> r = new TreeMap<>();
        Map<String, PromptKind> k = new TreeMap<>();
        for (Layer layer : graph.getLayers()) {
            String vertex = layer.conf().getLayer().getLayerName();
            org.deeplearning4j.nn.conf.layers.Layer conf = layer.conf().getLayer();
            for (String key : layer.paramTable().keySet()) {
                String name = vertex + "_" + key;
                ParamRole role = conf instanceof VolumeLayer v ? v.roleOf(key)
                        : UNetGraphBuilder.HEAD.equals(vertex) ? ParamRole.HEAD : ParamRole.BACKBONE;
                r.put(name, role);
                if (role == ParamRole.PROMPT) {
                    k.put(name, conf instanceof InputPrompt ? PromptKind.INPUT
                            : conf instanceof BottleneckPrompt ? PromptKind.BOTTLENECK : PromptKind.DEEP);
                }
            }
        }
        this.roles = Collections.unmodifiableMap(r);
        this.kinds = Collections.unmodifiableMap(k);
    }

    /** A freshly initialised network; the same spec, seed and data type give bit-identical parameters. */
    public static PromptableUNet create(ModelSpec spec, long seed) {
        return create(spec, seed, DataType.FLOAT);
    }

    /** Double precision is for gradient checks; production runs in float. */
    public static PromptableUNet create(ModelSpec spec, long seed, DataType dataType) {
        ComputationGraph graph = new ComputationGraph(UNetGraphBuilder.build(spec, seed, dataType));
        graph.init();
        return new PromptableUNet(spec, graph);
    }

    public ModelSpec spec() {
        return spec;
    }

    /** The underlying graph, for engines that drive DL4J directly (benchmarks, the trainer). */
    public ComputationGraph graph() {
        return graph;
    }

    public DataType dataType() {
        return graph.params().dataType();
    }

    // ------------------------------------------------------------------ inference

    /**
     * Class probabilities for a batch of normalised windows: [N, D, H, W, 1] in, softmax over the global
     * classes [N, D, H, W, C] out (NDHWC, the network's layout). This is what sliding-window inference calls.
     */
    public INDArray predictProbabilities(INDArray windowsNdhwc) {
        return softmax(logits(windowsNdhwc));
    }

    /** Raw head output [N, D, H, W, C] (inference mode). */
    public INDArray logits(INDArray windowsNdhwc) {
        checkWindows(windowsNdhwc, "windows");
        return graph.outputSingle(false, windowsNdhwc.castTo(dataType()));
    }

    /** Softmax over the last (class) axis. */
    public static INDArray softmax(INDArray logits) {
        INDArray max = logits.max(true, 4);
        INDArray e = Transforms.exp(logits.sub(max), false);
        return e.divi(e.sum(true, 4));
    }

    /** Checks that an image batch has the window shape the network is built for. */
    public void checkWindows(INDArray x, String field) {
        long[] s = x.shape();
        List<Integer> p = spec.patch();
        if (s.length != 5 || s[1] != p.get(0) || s[2] != p.get(1) || s[3] != p.get(2) || s[4] != 1) {
            throw new ModelConfigException(field, "[N, " + p.get(0) + ", " + p.get(1) + ", " + p.get(2) + ", 1] (NDHWC, normalised)",
                    Arrays.toString(s));
        }
    }

    // ------------------------------------------------------------------ parameters

    /** Every parameter name, sorted (the fixed order). */
    public List<String> parameterNames() {
        return List.copyOf(roles.keySet());
    }

    public ParamRole roleOf(String name) {
        ParamRole role = roles.get(name);
        if (role == null) {
            throw new ModelConfigException("parameter name", "one of the network's parameters", name);
        }
        return role;
    }

    /** The prompt kind a prompt parameter belongs to, or null for non-prompt parameters. */
    public PromptKind kindOf(String name) {
        roleOf(name);
        return kinds.get(name);
    }

    /** Live views of the parameters with the given roles, sorted by name. Writing into them changes the network. */
    public Map<String, INDArray> parameterViews(ParamRole... wanted) {
        List<ParamRole> w = Arrays.asList(wanted);
        Map<String, INDArray> table = graph.paramTable();
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, ParamRole> e : roles.entrySet()) {
            if (w.contains(e.getValue())) {
                out.put(e.getKey(), table.get(e.getKey()));
            }
        }
        return out;
    }

    /**
     * The backbone parameters (backbone and head roles) in the fixed order, as copies: together with
     * {@link #canonicalConfigurationJson()} this is what the backbone id (sha256) is computed over.
     * Prompt parameters and per-center state are excluded, so swapping centers keeps the id.
     */
    public Map<String, INDArray> backboneParameters() {
        return copies(parameterViews(ParamRole.BACKBONE, ParamRole.HEAD));
    }

    /** Names of the parameters a mode trains, sorted. */
    public List<String> trainableNames(TuningMode mode) {
        List<String> out = new ArrayList<>();
        roles.forEach((name, role) -> {
            if (mode.trains(role)) {
                out.add(name);
            }
        });
        return out;
    }

    /** Copies of the parameters a mode trains, by stable name (what the parameter server averages and the store saves). */
    public Map<String, INDArray> extract(TuningMode mode) {
        Map<String, INDArray> table = graph.paramTable();
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String name : trainableNames(mode)) {
            out.put(name, table.get(name).dup());
        }
        return out;
    }

    /**
     * Writes the given tensors into the network (values copied; the map is not kept). Every name must be a
     * parameter that the mode trains, and every shape must match; nothing is written unless all entries fit.
     * A partial map is allowed (only the named parameters change).
     */
    public void insert(TuningMode mode, Map<String, INDArray> values) {
        Map<String, INDArray> table = graph.paramTable();
        List<String> allowed = trainableNames(mode);
        for (Map.Entry<String, INDArray> e : values.entrySet()) {
            String name = e.getKey();
            if (!allowed.contains(name)) {
                throw new ModelConfigException("parameter '" + name + "'",
                        "a parameter trained in mode " + mode.configName() + " (e.g. " + (allowed.isEmpty() ? "none" : allowed.get(0)) + ")",
                        roles.containsKey(name) ? "a " + roles.get(name).name().toLowerCase() + " parameter" : "an unknown name");
            }
            INDArray target = table.get(name);
            if (e.getValue() == null || !Arrays.equals(target.shape(), e.getValue().shape())) {
                throw new ModelConfigException("parameter '" + name + "'", "shape " + Arrays.toString(target.shape()),
                        e.getValue() == null ? "null" : Arrays.toString(e.getValue().shape()));
            }
        }
        values.forEach((name, v) -> table.get(name).assign(v.castTo(table.get(name).dataType())));
    }

    /**
     * Sets which classes' deep-prompt tokens the attention blocks use: the classes this center labels.
     * Index 0 (background) has no tokens and is ignored. Default after creation: all classes active.
     */
    public void setActiveClasses(boolean[] labelled) {
        if (labelled.length != spec.numClasses()) {
            throw new ModelConfigException("active classes", spec.numClasses() + " flags (one per global class)", labelled.length);
        }
        for (Layer layer : graph.getLayers()) {
            if (layer.conf().getLayer() instanceof WindowPromptAttention a) {
                INDArray active = layer.getParam(WindowPromptAttention.ACTIVE);
                for (int c = 1; c < labelled.length; c++) {
                    long from = (long) (c - 1) * a.tokensPerClass();
                    for (long t = from; t < from + a.tokensPerClass(); t++) {
                        active.putScalar(0, t, labelled[c] ? 1 : 0);
                    }
                }
            }
        }
    }

    private static Map<String, INDArray> copies(Map<String, INDArray> views) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        views.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    // ------------------------------------------------------------------ identity, persistence, copies

    /**
     * The graph configuration as compact JSON with sorted keys and without training counters: equal for
     * equal architectures, so it can be hashed (with {@link #backboneParameters()}) into the backbone id.
     */
    public String canonicalConfigurationJson() {
        try {
            JsonNode tree = Json.mapper().readTree(graph.getConfiguration().toJson());
            if (tree instanceof ObjectNode o) {
                o.remove(List.of("iterationCount", "epochCount"));
            }
            return Json.canonical(tree);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot canonicalise the DL4J configuration JSON", e);
        }
    }

    /** Saves as a DL4J model zip (configuration, all parameters, no updater state) with the spec inside. */
    public void save(Path zip) {
        try {
            ModelSerializer.writeModel(graph, zip.toFile(), false);
            ModelSerializer.addObjectToFile(zip.toFile(), SPEC_ENTRY, Json.canonical(spec));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write model zip " + zip, e);
        }
    }

    public static PromptableUNet load(Path zip) {
        File f = zip.toFile();
        try {
            ComputationGraph graph = ModelSerializer.restoreComputationGraph(f, false);
            String specJson = ModelSerializer.getObjectFromFile(f, SPEC_ENTRY);
            return new PromptableUNet(Json.mapper().readValue(specJson, ModelSpec.class), graph);
        } catch (IOException | RuntimeException e) {
            throw new ModelConfigException("model zip " + zip, "a promptseg DL4J model zip", e.getMessage());
        }
    }

    /** The model zip as bytes (for shipping to executors or the prompt store). */
    public byte[] toZipBytes() {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("promptseg-model", ".zip");
            save(tmp);
            return Files.readAllBytes(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    public static PromptableUNet fromZipBytes(byte[] zip) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("promptseg-model", ".zip");
            Files.write(tmp, zip);
            return load(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }

    /** An independent network with the same configuration and a copy of every parameter (one per task slot). */
    public PromptableUNet copy() {
        ComputationGraph clone = new ComputationGraph(graph.getConfiguration().clone());
        clone.init(graph.params().dup(), false);
        return new PromptableUNet(spec, clone);
    }

    /** Total number of parameters of every role. */
    public long parameterCount() {
        return graph.numParams();
    }
}
