package org.promptseg.volume.dataset;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Uris;
import org.promptseg.volume.LocalFiles;

/**
 * A multi-center collection: {@code centers.json} plus each center's opened {@link Dataset}, the global class list
 * and, per center, its {@link ClassMapping} and {@link CaseSplit}. What the shard, tune and evaluate jobs start from.
 */
public final class CenterCollection {
    private final Path manifestPath;
    private final CenterManifest manifest;
    private final Map<String, Dataset> datasets;
    private final List<String> classes;

    private CenterCollection(Path manifestPath, CenterManifest manifest, Map<String, Dataset> datasets, List<String> classes) {
        this.manifestPath = manifestPath;
        this.manifest = manifest;
        this.datasets = datasets;
        this.classes = classes;
    }

    /** Opens the collection at {@code uri}: the centers.json file, or the folder holding it. */
    public static CenterCollection open(String uri, Configuration conf) throws IOException {
        Path p = Uris.toPath(uri);
        FileSystem fs = LocalFiles.fileSystem(p, conf);
        if (fs.exists(p) && fs.getFileStatus(p).isDirectory()) {
            p = new Path(p, CenterManifest.FILE_NAME);
        }
        p = fs.makeQualified(p);
        CenterManifest m = CenterManifest.read(p, conf);
        Map<String, Dataset> ds = new LinkedHashMap<>();
        for (CenterManifest.Center c : m.centers()) {
            ds.put(c.id(), Dataset.open(CenterManifest.resolveRoot(p, c), conf));
        }
        List<String> classes = m.classes().isEmpty() ? deriveClasses(ds) : m.classes();
        CenterCollection cc = new CenterCollection(p, m, Collections.unmodifiableMap(ds), List.copyOf(classes));
        for (String id : ds.keySet()) {
            cc.classMapping(id); // fail early on a label that is not a global class
        }
        return cc;
    }

    /** Without a class list in centers.json: background, then every center's label names in manifest and value order. */
    static List<String> deriveClasses(Map<String, Dataset> datasets) {
        List<String> out = new ArrayList<>(List.of("background"));
        List<String> normalised = new ArrayList<>(List.of("background"));
        for (Dataset d : datasets.values()) {
            d.descriptor().labels().entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> {
                String n = ClassMapping.normalise(e.getKey());
                if (!normalised.contains(n)) {
                    normalised.add(n);
                    out.add(n);
                }
            });
        }
        return out;
    }

    public Path manifestPath() {
        return manifestPath;
    }

    public CenterManifest manifest() {
        return manifest;
    }

    public List<String> centerIds() {
        return manifest.centerIds();
    }

    public Dataset dataset(String centerId) {
        Dataset d = datasets.get(centerId);
        if (d == null) {
            throw new IllegalArgumentException("no center '" + org.promptseg.common.Ids.printable(centerId) + "' in " + manifestPath + " (centers: " + centerIds() + ")");
        }
        return d;
    }

    /** The global class list, background first. */
    public List<String> classes() {
        return classes;
    }

    public ClassMapping classMapping(String centerId) {
        Dataset d = dataset(centerId);
        return ClassMapping.of(classes, d.descriptor().labels(), d.rootUri() + "/" + Dataset.DESCRIPTOR);
    }

    /** The center's labelled cases split by its split seed. */
    public CaseSplit split(String centerId, SplitOptions fractions) {
        return CaseSplit.of(dataset(centerId).labelledCaseIds(), manifest.center(centerId).splitSeed(), fractions);
    }
}
