package org.promptseg.jobs.select;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.promptseg.common.HadoopFiles;
import org.promptseg.common.PromptsegException;
import org.promptseg.volume.LocalFiles;
import org.promptseg.volume.dataset.Dataset;

/**
 * A center's labelling campaign, kept with the center's own data in {@code <dataset root>/<labelling-dir>/}:
 * <ul>
 *   <li>{@code round-<k>.csv}: the labelling list of round k, what the clinician receives (clear case ids, the image
 *       file, where to put the label, rank, score and reason). Written by {@code promptseg select}.</li>
 *   <li>{@code labels/<case id><file ending>}: the label map of a pool case, delivered by the clinician in the center's
 *       label values (as in labelsTr). A pool case counts as labelled as soon as its file is here.</li>
 * </ul>
 * A case listed in an earlier round without a delivered label is <em>pending</em>: it is neither trained on nor
 * offered again. Nothing here ever leaves the center's storage; the store gets salted ids only.
 */
public final class LabellingLedger {
    public static final String LABELS = "labels";
    static final Pattern LIST_FILE = Pattern.compile("round-(\\d{1,6})\\.csv");
    static final List<String> HEADER = List.of("rank", "case_id", "image", "deliver_label_to", "score", "reason", "round", "run_id");

    /** One line of a labelling list. */
    public record Entry(int rank, String caseId, String image, String deliverLabelTo, Double score, String reason, int round, String runId) {}

    private final Path root;
    private final Path dir;
    private final String fileEnding;
    private final Configuration conf;
    private final TreeMap<Integer, List<String>> rounds;
    private final TreeMap<String, String> delivered;

    private LabellingLedger(Path root, Path dir, String fileEnding, Configuration conf, TreeMap<Integer, List<String>> rounds,
                            TreeMap<String, String> delivered) {
        this.root = root;
        this.dir = dir;
        this.fileEnding = fileEnding;
        this.conf = conf;
        this.rounds = rounds;
        this.delivered = delivered;
    }

    /** Reads the campaign folder of a center's dataset (a missing folder is an empty campaign). */
    public static LabellingLedger read(Dataset dataset, String labellingDir, Configuration hadoop) throws IOException {
        Configuration conf = LocalFiles.withoutChecksums(hadoop);
        Path root = new Path(dataset.rootUri());
        Path dir = new Path(root, labellingDir);
        FileSystem fs = LocalFiles.fileSystem(dir, conf);
        TreeMap<Integer, List<String>> rounds = new TreeMap<>();
        TreeMap<String, String> delivered = new TreeMap<>();
        String ending = dataset.descriptor().fileEnding();
        if (fs.exists(dir)) {
            for (FileStatus st : fs.listStatus(dir)) {
                Matcher m = LIST_FILE.matcher(st.getPath().getName());
                if (st.isFile() && m.matches()) {
                    rounds.put(Integer.parseInt(m.group(1)), caseIds(st.getPath(), conf));
                }
            }
            Path labels = new Path(dir, LABELS);
            if (fs.exists(labels)) {
                for (FileStatus st : fs.listStatus(labels)) {
                    String name = st.getPath().getName();
                    if (st.isFile() && name.endsWith(ending) && !name.startsWith(".")) {
                        String id = name.substring(0, name.length() - ending.length());
                        if (Dataset.CASE_ID.matcher(id).matches()) {
                            delivered.put(id, st.getPath().toString());
                        }
                    }
                }
            }
        }
        return new LabellingLedger(root, dir, ending, conf, rounds, delivered);
    }

    private static List<String> caseIds(Path file, Configuration conf) throws IOException {
        List<List<String>> rows = Csv.parse(HadoopFiles.readString(file, conf, 16L << 20), file.toString());
        if (rows.isEmpty() || !rows.get(0).equals(HEADER)) {
            throw new PromptsegException(file + ": not a promptseg labelling list (expected the header " + String.join(",", HEADER) + ")");
        }
        List<String> ids = new ArrayList<>();
        for (int i = 1; i < rows.size(); i++) {
            List<String> r = rows.get(i);
            if (r.size() != HEADER.size() || !Dataset.CASE_ID.matcher(r.get(1)).matches()) {
                throw new PromptsegException(file + ": line " + (i + 1) + " has no valid case_id in column 2 (expected " + HEADER.size() + " fields)");
            }
            ids.add(r.get(1));
        }
        return ids;
    }

    /** The campaign folder. */
    public Path dir() {
        return dir;
    }

    /** Round number → case ids of its list, in rank order. */
    public Map<Integer, List<String>> rounds() {
        return Collections.unmodifiableMap(rounds);
    }

    /** The round after the latest listed one; 0 for a new campaign. */
    public int nextRound() {
        return rounds.isEmpty() ? 0 : rounds.lastKey() + 1;
    }

    /** Every case listed in a round before {@code round}. */
    public Set<String> listedBefore(int round) {
        Set<String> out = new LinkedHashSet<>();
        rounds.headMap(round, false).values().forEach(out::addAll);
        return out;
    }

    /** Case id → URI of its delivered label. */
    public Map<String, String> deliveredLabels() {
        return Collections.unmodifiableMap(delivered);
    }

    /** Where the label of a case is to be delivered. */
    public Path labelFile(String caseId) {
        return new Path(new Path(dir, LABELS), caseId + fileEnding);
    }

    public Path listFile(int round) {
        return new Path(dir, "round-" + round + ".csv");
    }

    /** A path of this center's data relative to its dataset root (for the clinician's list). */
    public String relative(String uri) {
        String r = root.toUri().getPath();
        String p = new Path(uri).toUri().getPath();
        return p.startsWith(r + "/") ? p.substring(r.length() + 1) : p;
    }

    /** Writes a round's labelling list atomically; refuses to replace an existing one unless {@code overwrite}. */
    public Path writeList(int round, List<Entry> entries, boolean overwrite) throws IOException {
        StringBuilder b = new StringBuilder(Csv.row(HEADER));
        for (Entry e : entries) {
            b.append(Csv.row(List.of(Integer.toString(e.rank()), e.caseId(), e.image(), e.deliverLabelTo(),
                    e.score() == null ? "" : String.format(java.util.Locale.ROOT, "%.6g", e.score()), e.reason(), Integer.toString(e.round()),
                    e.runId())));
        }
        Path file = listFile(round);
        try {
            HadoopFiles.writeStringAtomically(file, conf, overwrite, b.toString());
        } catch (FileAlreadyExistsException e) {
            throw new PromptsegException(file + ": round " + round + " already has a labelling list (the clinician may be working on it);"
                    + " select the next round (--round " + nextRound() + ") or replace it with --overwrite");
        } catch (FileNotFoundException e) {
            throw new PromptsegException("cannot write the labelling list " + file + ": " + e.getMessage(), e);
        }
        return file;
    }
}
