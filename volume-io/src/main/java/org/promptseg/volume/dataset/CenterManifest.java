package org.promptseg.volume.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.HadoopFiles;
import org.promptseg.common.Ids;
import org.promptseg.common.Json;
import org.promptseg.common.Uris;
import org.promptseg.volume.LocalFiles;

/**
 * The collection manifest {@code centers.json}: which centers exist, where each center's dataset root is (a URI, or a
 * path relative to the manifest's folder), the seed of each center's train/val/test split, optional scanner notes,
 * and optionally the global class list (background first) that every center's labels map onto by name.
 *
 * <pre>{
 *   "format_version": 1,
 *   "classes": ["background", "liver", "spleen"],
 *   "centers": [ {"id": "c0", "root": "c0", "split_seed": 11, "scanner": "vendor A, 120 kV"} ]
 * }</pre>
 */
public record CenterManifest(int formatVersion, List<String> classes, List<Center> centers) implements Serializable {
    public static final String FILE_NAME = "centers.json";
    public static final int FORMAT_VERSION = 1;

    /** One center: id (validated), dataset root as written in the manifest, split seed, free-form scanner notes. */
    public record Center(String id, String root, long splitSeed, String scanner) implements Serializable {}

    public CenterManifest {
        classes = List.copyOf(classes);
        centers = List.copyOf(centers);
    }

    public static CenterManifest read(Path manifest, Configuration conf) throws IOException {
        String location = Uris.qualified(manifest, conf);
        try {
            return parse(HadoopFiles.readString(manifest, LocalFiles.withoutChecksums(conf), 16L << 20), location);
        } catch (FileNotFoundException e) {
            throw new DatasetFormatException(location, "file", "missing: expected a collection manifest (centers.json)", e);
        }
    }

    public static CenterManifest parse(String json, String location) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new DatasetFormatException(location, "json", "not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new DatasetFormatException(location, "json", "expected a JSON object with \"centers\"");
        }
        int version = root.path("format_version").asInt(FORMAT_VERSION);
        if (version != FORMAT_VERSION) {
            throw new DatasetFormatException(location, "format_version", "is " + version + ": this promptseg reads version " + FORMAT_VERSION);
        }
        List<String> classes = new ArrayList<>();
        JsonNode cl = root.get("classes");
        if (cl != null && !cl.isNull()) {
            if (!cl.isArray()) {
                throw new DatasetFormatException(location, "classes", "expected a list of class names, background first");
            }
            cl.forEach(n -> classes.add(n.asText()));
        }
        JsonNode cs = root.get("centers");
        if (cs == null || !cs.isArray() || cs.isEmpty()) {
            throw new DatasetFormatException(location, "centers", "expected a non-empty list of {\"id\", \"root\", \"split_seed\"}");
        }
        List<Center> centers = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < cs.size(); i++) {
            JsonNode c = cs.get(i);
            String field = "centers[" + i + "]";
            String id = c.path("id").asText(null);
            try {
                Ids.require("center id", id);
            } catch (IllegalArgumentException e) {
                throw new DatasetFormatException(location, field + ".id", e.getMessage());
            }
            if (!ids.add(id)) {
                throw new DatasetFormatException(location, field + ".id", "center '" + id + "' is listed twice");
            }
            if (!c.path("root").isTextual() || c.get("root").asText().isBlank()) {
                throw new DatasetFormatException(location, field + ".root", "expected the dataset root (URI or path relative to centers.json)");
            }
            if (!c.path("split_seed").canConvertToLong()) {
                throw new DatasetFormatException(location, field + ".split_seed", "expected an integer seed");
            }
            centers.add(new Center(id, c.get("root").asText(), c.get("split_seed").asLong(), c.path("scanner").asText("")));
        }
        return new CenterManifest(version, classes, centers);
    }

    public Center center(String id) {
        for (Center c : centers) {
            if (c.id().equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no center '" + Ids.printable(id) + "' in the collection (centers: " + centerIds() + ")");
    }

    public List<String> centerIds() {
        return centers.stream().map(Center::id).toList();
    }

    /** The dataset root of {@code center}: its URI, or its path resolved against the manifest's folder. */
    public static Path resolveRoot(Path manifest, Center center) {
        String r = center.root();
        if (r.contains(":") || r.startsWith("/")) {
            return Uris.toPath(r);
        }
        return new Path(manifest.getParent(), r);
    }

    public String toJson() {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("format_version", formatVersion);
        if (!classes.isEmpty()) {
            ArrayNode cl = root.putArray("classes");
            classes.forEach(cl::add);
        }
        ArrayNode cs = root.putArray("centers");
        for (Center c : centers) {
            ObjectNode n = cs.addObject();
            n.put("id", c.id()).put("root", c.root()).put("split_seed", c.splitSeed());
            if (!c.scanner().isEmpty()) {
                n.put("scanner", c.scanner());
            }
        }
        return Json.pretty(root);
    }

    public void write(Path manifest, Configuration conf, boolean overwrite) throws IOException {
        HadoopFiles.writeStringAtomically(manifest, LocalFiles.withoutChecksums(conf), overwrite, toJson());
    }
}
