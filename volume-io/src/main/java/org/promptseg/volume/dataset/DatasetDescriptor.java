package org.promptseg.volume.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.promptseg.common.Json;

/**
 * A center's {@code dataset.json} in either dialect: Medical Segmentation Decathlon ({@code modality},
 * {@code labels} as value -> name, an explicit {@code training} list and {@code test} list) or nnU-Net v2
 * ({@code channel_names}, {@code labels} as name -> value, {@code file_ending}, cases implied by file names
 * {@code imagesTr/<case>_0000.nii.gz}). Both are normalised to the same fields.
 *
 * @param labels label name -> label value, background included (value 0)
 * @param channelNames channel index -> name ("CT")
 * @param fileEnding file name ending of every image and label, {@code .nii.gz} by default
 * @param training explicit (image, label) paths relative to the dataset root; empty when implied by file names
 * @param test explicit unlabelled image paths relative to the root; empty when implied by file names
 */
public record DatasetDescriptor(String name, Map<String, Integer> labels, List<String> channelNames, String fileEnding,
                                List<TrainingEntry> training, List<String> test, Integer numTraining) implements Serializable {

    /** One MSD training entry, paths relative to the dataset root (a leading {@code ./} removed). */
    public record TrainingEntry(String image, String label) implements Serializable {}

    public DatasetDescriptor {
        labels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        channelNames = List.copyOf(channelNames);
        training = List.copyOf(training);
        test = List.copyOf(test);
    }

    /** Parses {@code json}; {@code location} names the file in errors. */
    public static DatasetDescriptor parse(String json, String location) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new DatasetFormatException(location, "json", "not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new DatasetFormatException(location, "json", "expected a JSON object");
        }
        String name = root.path("name").asText("");
        Map<String, Integer> labels = parseLabels(root.get("labels"), location);
        List<String> channels = parseChannels(root.has("channel_names") ? root.get("channel_names") : root.get("modality"), location);
        String ending = root.path("file_ending").asText(".nii.gz");
        if (!ending.startsWith(".") || ending.contains("/")) {
            throw new DatasetFormatException(location, "file_ending", "is '" + ending + "': expected a file name ending such as .nii.gz");
        }
        List<TrainingEntry> training = new ArrayList<>();
        JsonNode tr = root.get("training");
        if (tr != null && !tr.isNull()) {
            if (!tr.isArray()) {
                throw new DatasetFormatException(location, "training", "expected a list of {\"image\": ..., \"label\": ...}");
            }
            for (int i = 0; i < tr.size(); i++) {
                JsonNode e = tr.get(i);
                if (!e.path("image").isTextual() || !e.path("label").isTextual()) {
                    throw new DatasetFormatException(location, "training[" + i + "]", "expected {\"image\": path, \"label\": path}");
                }
                training.add(new TrainingEntry(relative(e.get("image").asText(), location, "training[" + i + "].image"),
                        relative(e.get("label").asText(), location, "training[" + i + "].label")));
            }
        }
        List<String> test = new ArrayList<>();
        JsonNode ts = root.get("test");
        if (ts != null && !ts.isNull()) {
            if (!ts.isArray()) {
                throw new DatasetFormatException(location, "test", "expected a list of image paths");
            }
            for (int i = 0; i < ts.size(); i++) {
                JsonNode e = ts.get(i);
                String p = e.isTextual() ? e.asText() : e.path("image").asText(null);
                if (p == null) {
                    throw new DatasetFormatException(location, "test[" + i + "]", "expected an image path");
                }
                test.add(relative(p, location, "test[" + i + "]"));
            }
        }
        Integer numTraining = root.has("numTraining") && root.get("numTraining").canConvertToInt() ? root.get("numTraining").asInt() : null;
        return new DatasetDescriptor(name, labels, channels, ending, training, test, numTraining);
    }

    private static Map<String, Integer> parseLabels(JsonNode node, String location) {
        if (node == null || !node.isObject() || node.isEmpty()) {
            throw new DatasetFormatException(location, "labels", "missing: expected {\"background\": 0, \"liver\": 1, ...} (nnU-Net v2) or {\"0\": \"background\", ...} (MSD)");
        }
        Map<String, Integer> labels = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        TreeMap<Integer, String> byValue = new TreeMap<>();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            String key = e.getKey();
            if (v.isTextual() && key.matches("\\d{1,3}")) { // MSD: value -> name
                byValue.put(Integer.parseInt(key), v.asText());
            } else if (v.isIntegralNumber()) { // nnU-Net v2: name -> value
                byValue.put(v.asInt(), key);
            } else if (v.isArray()) {
                throw new DatasetFormatException(location, "labels." + key, "region-based labels (lists of values) are not supported: expected one value per label");
            } else {
                throw new DatasetFormatException(location, "labels." + key, "expected an integer label value (or, MSD style, a name under a numeric key)");
            }
        }
        for (Map.Entry<Integer, String> e : byValue.entrySet()) {
            if (e.getKey() < 0 || e.getKey() > 255) {
                throw new DatasetFormatException(location, "labels." + e.getValue(), "value " + e.getKey() + ": expected 0..255");
            }
            if (labels.put(e.getValue(), e.getKey()) != null) {
                throw new DatasetFormatException(location, "labels." + e.getValue(), "the same name is used for two values");
            }
        }
        String background = findBackground(labels);
        if (background == null || labels.get(background) != 0) {
            throw new DatasetFormatException(location, "labels", "expected a background label with value 0");
        }
        return labels;
    }

    private static String findBackground(Map<String, Integer> labels) {
        for (String k : labels.keySet()) {
            if (ClassMapping.normalise(k).equals("background")) {
                return k;
            }
        }
        return null;
    }

    private static List<String> parseChannels(JsonNode node, String location) {
        if (node == null || node.isNull()) {
            return List.of("CT");
        }
        if (!node.isObject() || node.isEmpty()) {
            throw new DatasetFormatException(location, "channel_names", "expected {\"0\": \"CT\", ...}");
        }
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().matches("\\d{1,2}")) {
                throw new DatasetFormatException(location, "channel_names." + e.getKey(), "expected a channel index 0, 1, ...");
            }
            byIndex.put(Integer.parseInt(e.getKey()), e.getValue().asText());
        }
        if (byIndex.firstKey() != 0 || byIndex.lastKey() != byIndex.size() - 1) {
            throw new DatasetFormatException(location, "channel_names", "expected consecutive channel indices from 0");
        }
        return new ArrayList<>(byIndex.values());
    }

    /** A path relative to the dataset root; absolute paths, URIs and {@code ..} are refused (they could leave the dataset). */
    static String relative(String path, String location, String field) {
        String p = path.startsWith("./") ? path.substring(2) : path;
        if (p.isEmpty() || p.startsWith("/") || p.contains(":") || p.contains("\\")) {
            throw new DatasetFormatException(location, field, "'" + org.promptseg.common.Ids.printable(path) + "': expected a path relative to the dataset root");
        }
        for (String seg : p.split("/")) {
            if (seg.equals("..") || seg.isEmpty()) {
                throw new DatasetFormatException(location, field, "'" + org.promptseg.common.Ids.printable(path) + "': expected a path inside the dataset root (no '..' or empty segments)");
            }
        }
        return p;
    }

    /** Number of input channels. */
    public int channelCount() {
        return channelNames.size();
    }

    /** Writes the nnU-Net v2 dialect (plus the explicit training list when there is one), keys sorted. */
    public String toJson() {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("name", name);
        ObjectNode ch = root.putObject("channel_names");
        for (int i = 0; i < channelNames.size(); i++) {
            ch.put(Integer.toString(i), channelNames.get(i));
        }
        ObjectNode lab = root.putObject("labels");
        labels.forEach(lab::put);
        root.put("file_ending", fileEnding);
        if (numTraining != null) {
            root.put("numTraining", numTraining);
        }
        if (!training.isEmpty()) {
            ArrayNode tr = root.putArray("training");
            for (TrainingEntry e : training) {
                tr.addObject().put("image", "./" + e.image()).put("label", "./" + e.label());
            }
        }
        if (!test.isEmpty()) {
            ArrayNode ts = root.putArray("test");
            test.forEach(t -> ts.add("./" + t));
        }
        return Json.pretty(root);
    }
}
