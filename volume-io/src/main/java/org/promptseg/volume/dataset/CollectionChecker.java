package org.promptseg.volume.dataset;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.Json;
import org.promptseg.common.PromptsegException;
import org.promptseg.common.Uris;
import org.promptseg.volume.LocalFiles;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VolumeFormatException;
import org.promptseg.volume.VolumeOptions;
import org.promptseg.volume.VoxelArray;

/**
 * {@code promptseg dataset check}: validates a whole collection and lists every problem at once (it never stops at
 * the first) — unreadable manifests, missing or stray files, unreadable volumes, label values not in the label map,
 * labels whose grid does not match the image, labels that are not global classes, CT intensities out of range.
 */
public final class CollectionChecker {
    private final Configuration conf;
    private final VolumeOptions volumeOptions;
    private final CheckOptions checkOptions;

    /** One problem: the file concerned and what is wrong with it. */
    public record Problem(String file, String message) {}

    /** Everything found. {@link #ok()} is what decides the CLI's exit code (1 when problems were found). */
    public record Report(String collection, int centers, int casesChecked, List<Problem> problems) {
        public Report {
            problems = List.copyOf(problems);
        }

        public boolean ok() {
            return problems.isEmpty();
        }

        public String toText() {
            StringBuilder b = new StringBuilder();
            for (Problem p : problems) {
                b.append(p.file()).append(": ").append(p.message()).append(System.lineSeparator());
            }
            b.append(String.format(Locale.ROOT, "%s: %d center(s), %d case(s) checked, %d problem(s)", collection, centers, casesChecked, problems.size()));
            return b.toString();
        }

        public String toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("collection", collection);
            m.put("centers", centers);
            m.put("cases_checked", casesChecked);
            m.put("ok", ok());
            m.put("problems", problems.stream().map(p -> Map.of("file", p.file(), "message", p.message())).toList());
            return Json.pretty(m);
        }
    }

    public CollectionChecker(Configuration conf, VolumeOptions volumeOptions, CheckOptions checkOptions) {
        this.conf = conf;
        this.volumeOptions = volumeOptions;
        this.checkOptions = checkOptions;
    }

    /** Checks the collection at {@code uri} (centers.json, or its folder). */
    public Report check(String uri) {
        List<Problem> problems = new ArrayList<>();
        Path manifestPath = Uris.toPath(uri);
        CenterManifest manifest;
        try {
            FileSystem fs = LocalFiles.fileSystem(manifestPath, conf);
            if (fs.exists(manifestPath) && fs.getFileStatus(manifestPath).isDirectory()) {
                manifestPath = new Path(manifestPath, CenterManifest.FILE_NAME);
            }
            manifestPath = fs.makeQualified(manifestPath);
            manifest = CenterManifest.read(manifestPath, conf);
        } catch (IOException | RuntimeException e) {
            problems.add(problem(manifestPath.toString(), e));
            return new Report(manifestPath.toString(), 0, 0, problems);
        }
        Map<String, Dataset> datasets = new LinkedHashMap<>();
        for (CenterManifest.Center c : manifest.centers()) {
            Path root = CenterManifest.resolveRoot(manifestPath, c);
            try {
                datasets.put(c.id(), Dataset.open(root, conf));
            } catch (IOException | RuntimeException e) {
                problems.add(problem(new Path(root, Dataset.DESCRIPTOR).toString(), e));
            }
        }
        List<String> classes = manifest.classes().isEmpty() ? CenterCollection.deriveClasses(datasets) : manifest.classes();
        int cases = 0;
        for (Map.Entry<String, Dataset> e : datasets.entrySet()) {
            Dataset d = e.getValue();
            String json = d.rootUri() + "/" + Dataset.DESCRIPTOR;
            try {
                ClassMapping.of(classes, d.descriptor().labels(), json);
            } catch (DatasetFormatException ex) {
                problems.add(problem(json, ex));
            }
            cases += checkDataset(d, json, problems);
        }
        return new Report(manifestPath.toString(), manifest.centers().size(), cases, problems);
    }

    private int checkDataset(Dataset d, String json, List<Problem> problems) {
        DatasetDescriptor desc = d.descriptor();
        if (d.labelled().isEmpty()) {
            problems.add(new Problem(json, "no labelled cases found (imagesTr/ with labelsTr/, or a \"training\" list)"));
        }
        if (desc.numTraining() != null && desc.numTraining() != d.labelled().size()) {
            problems.add(new Problem(json, "numTraining is " + desc.numTraining() + " but " + d.labelled().size() + " labelled cases were found"));
        }
        for (String stray : d.strayFiles()) {
            problems.add(new Problem(stray, "not named <case>_<4-digit channel>" + desc.fileEnding() + ": not part of any case"));
        }
        checkOrphanLabels(d, Dataset.LABELS_TR, d.labelled(), problems);
        Set<Integer> allowed = new HashSet<>(desc.labels().values());
        boolean ct = desc.channelNames().stream().allMatch(n -> n.equalsIgnoreCase("CT"));
        int n = 0;
        for (CaseRef c : concat(d.labelled(), d.unlabelled())) {
            n++;
            Volume image = checkImage(c, ct, problems);
            if (c.isLabelled()) {
                checkLabel(c.labelUri(), image, allowed, problems);
            }
            if (c.referenceLabelUri() != null) {
                checkLabel(c.referenceLabelUri(), image, allowed, problems);
            }
        }
        return n;
    }

    private Volume checkImage(CaseRef c, boolean ct, List<Problem> problems) {
        CaseLoader loader = new CaseLoader(conf, volumeOptions);
        Volume first = null;
        for (int ch = 0; ch < c.channels().size(); ch++) {
            String uri = c.channels().get(ch).uri();
            try {
                Volume v = loader.readImage(c, ch);
                if (first == null) {
                    first = v;
                } else {
                    CaseLoader.requireSameGrid(first, v, uri, volumeOptions.geometryToleranceMm());
                }
                if (ct) {
                    checkCtRange(uri, v, problems);
                }
            } catch (IOException | RuntimeException e) {
                problems.add(problem(uri, e));
            }
        }
        return first;
    }

    private void checkCtRange(String uri, Volume v, List<Problem> problems) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long nonFinite = 0;
        VoxelArray a = v.voxels();
        for (int i = 0; i < a.length(); i++) {
            float x = a.get(i);
            if (!Float.isFinite(x)) {
                nonFinite++;
                continue;
            }
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        if (nonFinite > 0) {
            problems.add(new Problem(uri, nonFinite + " voxels are NaN or infinite"));
        }
        if (min < checkOptions.ctMinHu()) {
            problems.add(new Problem(uri, "minimum " + min + " HU is below " + checkOptions.ctMinHu() + " (promptseg.volume.check.ct-min-hu): not CT Hounsfield units?"));
        }
        if (max > checkOptions.ctMaxHu()) {
            problems.add(new Problem(uri, "maximum " + max + " HU is above " + checkOptions.ctMaxHu() + " (promptseg.volume.check.ct-max-hu): not CT Hounsfield units?"));
        }
        if (min > checkOptions.ctMinAboveHu()) {
            problems.add(new Problem(uri, "minimum " + min + " HU is above " + checkOptions.ctMinAboveHu()
                    + " (promptseg.volume.check.ct-min-above-hu): no air in the image; stored values without their scl_inter (-1024)?"));
        }
    }

    private void checkLabel(String uri, Volume image, Set<Integer> allowed, List<Problem> problems) {
        Volume label;
        try {
            label = new org.promptseg.volume.nifti.NiftiReader(conf, volumeOptions).read(Uris.toPath(uri)).volume();
        } catch (IOException | RuntimeException e) {
            problems.add(problem(uri, e));
            return;
        }
        if (image != null) {
            try {
                CaseLoader.requireSameGrid(image, label, uri, volumeOptions.geometryToleranceMm());
            } catch (VolumeFormatException e) {
                problems.add(problem(uri, e));
            }
        }
        TreeSet<String> unexpected = new TreeSet<>();
        VoxelArray a = label.voxels();
        for (int i = 0; i < a.length() && unexpected.size() < 10; i++) {
            float f = a.get(i);
            if (f != Math.rint(f) || !allowed.contains((int) f)) {
                unexpected.add(f == Math.rint(f) && Float.isFinite(f) ? Integer.toString((int) f) : Float.toString(f));
            }
        }
        if (!unexpected.isEmpty()) {
            problems.add(new Problem(uri, "label values " + unexpected + " are not in the label map of dataset.json " + new TreeSet<>(allowed)));
        }
    }

    private void checkOrphanLabels(Dataset d, String dir, List<CaseRef> cases, List<Problem> problems) {
        Set<String> expected = new HashSet<>();
        cases.forEach(c -> expected.add(c.labelUri()));
        Path labels = new Path(d.rootUri(), dir);
        try {
            FileSystem fs = LocalFiles.fileSystem(labels, conf);
            if (!fs.exists(labels)) {
                return;
            }
            for (FileStatus st : fs.listStatus(labels)) {
                String name = st.getPath().getName();
                if (!Dataset.hidden(name) && !expected.contains(st.getPath().toString())) {
                    problems.add(new Problem(st.getPath().toString(), "label without an image: no case of this name in imagesTr/"));
                }
            }
        } catch (IOException e) {
            problems.add(problem(labels.toString(), e));
        }
    }

    private static List<CaseRef> concat(List<CaseRef> a, List<CaseRef> b) {
        List<CaseRef> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    /** A problem from an exception: our typed exceptions carry their file; others are described by type and message. */
    private static Problem problem(String file, Throwable e) {
        if (e instanceof VolumeFormatException v) {
            return new Problem(v.location(), stripLocation(v.getMessage(), v.location()));
        }
        if (e instanceof DatasetFormatException d) {
            return new Problem(d.location(), stripLocation(d.getMessage(), d.location()));
        }
        if (e instanceof FileNotFoundException) {
            return new Problem(file, "missing file");
        }
        if (e instanceof PromptsegException || e instanceof IllegalArgumentException) {
            return new Problem(file, e.getMessage());
        }
        return new Problem(file, e.getClass().getSimpleName() + ": " + e.getMessage());
    }

    private static String stripLocation(String message, String location) {
        return message.startsWith(location + ": ") ? message.substring(location.length() + 2) : message;
    }
}
