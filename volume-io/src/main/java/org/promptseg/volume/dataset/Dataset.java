package org.promptseg.volume.dataset;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.HadoopFiles;
import org.promptseg.common.Uris;
import org.promptseg.volume.LocalFiles;

/**
 * One center's dataset folder in MSD / nnU-Net layout: {@code dataset.json}, {@code imagesTr/}, {@code labelsTr/},
 * {@code imagesTs/} (the unlabelled pool) and, in synthetic collections only, {@code labelsTs/} (reference labels of
 * the pool, for evaluating case selection — never used for training).
 *
 * <p>Opening lists the cases without reading any volume and without failing on missing files: {@link CollectionChecker}
 * reports those, and {@link CaseLoader} fails on them with the file's name.
 */
public record Dataset(String rootUri, DatasetDescriptor descriptor, List<CaseRef> labelled, List<CaseRef> unlabelled,
                      List<String> strayFiles) {
    public static final String DESCRIPTOR = "dataset.json";
    public static final String IMAGES_TR = "imagesTr";
    public static final String LABELS_TR = "labelsTr";
    public static final String IMAGES_TS = "imagesTs";
    public static final String LABELS_TS = "labelsTs";
    /** Case ids become file names: letters, digits, '.', '_', '-', starting with a letter or digit. */
    public static final Pattern CASE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private static final long MAX_JSON_BYTES = 64L << 20;

    public Dataset {
        labelled = List.copyOf(labelled);
        unlabelled = List.copyOf(unlabelled);
        strayFiles = List.copyOf(strayFiles);
    }

    /** Opens the dataset at {@code root} (a folder URI or local path). */
    public static Dataset open(Path root, Configuration conf) throws IOException {
        FileSystem fs = LocalFiles.fileSystem(root, conf);
        Path qualifiedRoot = fs.makeQualified(root);
        Path json = new Path(qualifiedRoot, DESCRIPTOR);
        String location = json.toString();
        String text;
        try {
            text = HadoopFiles.readString(json, LocalFiles.withoutChecksums(conf), MAX_JSON_BYTES);
        } catch (FileNotFoundException e) {
            throw new DatasetFormatException(location, "file", "missing: every dataset root needs a dataset.json", e);
        }
        DatasetDescriptor d = DatasetDescriptor.parse(text, location);
        List<String> stray = new ArrayList<>();
        List<CaseRef> labelled = d.training().isEmpty()
                ? implicitCases(fs, qualifiedRoot, IMAGES_TR, LABELS_TR, d, stray, location, true)
                : explicitTraining(fs, qualifiedRoot, d, location);
        List<CaseRef> unlabelled = d.test().isEmpty()
                ? implicitCases(fs, qualifiedRoot, IMAGES_TS, LABELS_TS, d, stray, location, false)
                : explicitTest(fs, qualifiedRoot, d, location);
        requireUnique(labelled, unlabelled, location);
        return new Dataset(qualifiedRoot.toString(), d, labelled, unlabelled, stray);
    }

    public static Dataset open(String root, Configuration conf) throws IOException {
        return open(Uris.toPath(root), conf);
    }

    /** Finds a case by id among labelled and unlabelled cases. */
    public CaseRef caseById(String caseId) {
        for (CaseRef c : labelled) {
            if (c.caseId().equals(caseId)) {
                return c;
            }
        }
        for (CaseRef c : unlabelled) {
            if (c.caseId().equals(caseId)) {
                return c;
            }
        }
        throw new IllegalArgumentException(rootUri + ": no case '" + org.promptseg.common.Ids.printable(caseId) + "'");
    }

    public List<String> labelledCaseIds() {
        return labelled.stream().map(CaseRef::caseId).toList();
    }

    private static List<CaseRef> implicitCases(FileSystem fs, Path root, String imagesDir, String labelsDir, DatasetDescriptor d,
                                               List<String> stray, String location, boolean labelsRequired) throws IOException {
        Path dir = new Path(root, imagesDir);
        if (!fs.exists(dir)) {
            return List.of();
        }
        Pattern pattern = Pattern.compile("(.+)_(\\d{4})" + Pattern.quote(d.fileEnding()));
        TreeMap<String, TreeMap<Integer, String>> cases = new TreeMap<>();
        for (FileStatus st : sorted(fs.listStatus(dir))) {
            String name = st.getPath().getName();
            if (hidden(name) || st.isDirectory()) {
                continue;
            }
            Matcher m = pattern.matcher(name);
            if (!m.matches() || !CASE_ID.matcher(m.group(1)).matches()) {
                stray.add(st.getPath().toString());
                continue;
            }
            cases.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(Integer.parseInt(m.group(2)), st.getPath().toString());
        }
        List<CaseRef> out = new ArrayList<>();
        for (var e : cases.entrySet()) {
            String id = requireCaseId(e.getKey(), location);
            List<CaseRef.Channel> channels = new ArrayList<>();
            for (int c = 0; c < d.channelCount(); c++) {
                // a missing channel file keeps its expected name, so the checker and loader can name it
                String uri = e.getValue().getOrDefault(c, new Path(dir, id + String.format("_%04d", c) + d.fileEnding()).toString());
                channels.add(new CaseRef.Channel(uri, -1));
            }
            Path label = new Path(new Path(root, labelsDir), id + d.fileEnding());
            if (labelsRequired) {
                out.add(new CaseRef(id, channels, label.toString(), null));
            } else {
                out.add(new CaseRef(id, channels, null, fs.exists(label) ? label.toString() : null));
            }
        }
        return out;
    }

    private static List<CaseRef> explicitTraining(FileSystem fs, Path root, DatasetDescriptor d, String location) throws IOException {
        List<CaseRef> out = new ArrayList<>();
        for (int i = 0; i < d.training().size(); i++) {
            DatasetDescriptor.TrainingEntry e = d.training().get(i);
            String id = caseIdOf(e.image(), d.fileEnding(), location, "training[" + i + "].image");
            out.add(new CaseRef(id, channelsOf(fs, root, e.image(), id, d), new Path(root, e.label()).toString(), null));
        }
        return out;
    }

    private static List<CaseRef> explicitTest(FileSystem fs, Path root, DatasetDescriptor d, String location) throws IOException {
        List<CaseRef> out = new ArrayList<>();
        for (int i = 0; i < d.test().size(); i++) {
            String image = d.test().get(i);
            String id = caseIdOf(image, d.fileEnding(), location, "test[" + i + "]");
            Path ref = new Path(new Path(root, LABELS_TS), id + d.fileEnding());
            out.add(new CaseRef(id, channelsOf(fs, root, image, id, d), null, fs.exists(ref) ? ref.toString() : null));
        }
        return out;
    }

    /**
     * MSD lists {@code imagesTr/x.nii.gz}, a 4D file for multi-channel data; datasets converted to nnU-Net keep the list
     * but store {@code imagesTr/x_0000.nii.gz}: use whichever exists.
     */
    private static List<CaseRef.Channel> channelsOf(FileSystem fs, Path root, String image, String id, DatasetDescriptor d) throws IOException {
        Path listed = new Path(root, image);
        Path parent = listed.getParent();
        Path perChannel = new Path(parent, id + "_0000" + d.fileEnding());
        List<CaseRef.Channel> channels = new ArrayList<>();
        if (!fs.exists(listed) && fs.exists(perChannel)) {
            for (int c = 0; c < d.channelCount(); c++) {
                channels.add(new CaseRef.Channel(new Path(parent, id + String.format("_%04d", c) + d.fileEnding()).toString(), -1));
            }
        } else if (d.channelCount() == 1) {
            channels.add(new CaseRef.Channel(listed.toString(), -1));
        } else {
            for (int c = 0; c < d.channelCount(); c++) {
                channels.add(new CaseRef.Channel(listed.toString(), c));
            }
        }
        return channels;
    }

    private static String caseIdOf(String path, String ending, String location, String field) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (!name.endsWith(ending)) {
            throw new DatasetFormatException(location, field, "'" + org.promptseg.common.Ids.printable(path) + "' does not end with the file_ending " + ending);
        }
        return requireCaseId(name.substring(0, name.length() - ending.length()), location);
    }

    static String requireCaseId(String id, String location) {
        if (!CASE_ID.matcher(id).matches()) {
            throw new DatasetFormatException(location, "case id", "'" + org.promptseg.common.Ids.printable(id)
                    + "': expected letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return id;
    }

    private static void requireUnique(List<CaseRef> a, List<CaseRef> b, String location) {
        Set<String> seen = new HashSet<>();
        for (List<CaseRef> l : List.of(a, b)) {
            for (CaseRef c : l) {
                if (!seen.add(c.caseId())) {
                    throw new DatasetFormatException(location, "case id", "'" + c.caseId() + "' appears twice (case ids must be unique across imagesTr and imagesTs)");
                }
            }
        }
    }

    static boolean hidden(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    private static List<FileStatus> sorted(FileStatus[] st) {
        List<FileStatus> l = new ArrayList<>(Arrays.asList(st));
        l.sort(Comparator.comparing(s -> s.getPath().getName()));
        return l;
    }
}
