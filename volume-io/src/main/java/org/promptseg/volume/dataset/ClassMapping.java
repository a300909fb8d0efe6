package org.promptseg.volume.dataset;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.promptseg.volume.Volume;
import org.promptseg.volume.VoxelArray;

/**
 * How one center's label values map onto the collection's global class list. Classes are matched by name
 * (case-insensitive; spaces and hyphens count as underscores), so center A's "Liver" = 1 and center B's "liver" = 6
 * are the same global class. Global index 0 is always background. A center that does not label a global class
 * has it in {@link #unlabelledClasses()}: its loss must mask that class out (partial labels), never treat it as
 * background (DESIGN §10).
 */
public final class ClassMapping implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> globalClasses;
    private final int[] lut = new int[256];
    private final boolean[] labelled;

    private ClassMapping(List<String> globalClasses, Map<String, Integer> centerLabels, String location) {
        this.globalClasses = List.copyOf(globalClasses);
        if (globalClasses.isEmpty() || !normalise(globalClasses.get(0)).equals("background")) {
            throw new DatasetFormatException(location, "classes", "the global class list must start with \"background\"");
        }
        Arrays.fill(lut, -1);
        labelled = new boolean[globalClasses.size()];
        List<String> normalisedGlobal = new ArrayList<>();
        for (String g : globalClasses) {
            String n = normalise(g);
            if (normalisedGlobal.contains(n)) {
                throw new DatasetFormatException(location, "classes", "class '" + g + "' is listed twice");
            }
            normalisedGlobal.add(n);
        }
        for (Map.Entry<String, Integer> e : centerLabels.entrySet()) {
            int global = normalisedGlobal.indexOf(normalise(e.getKey()));
            if (global < 0) {
                throw new DatasetFormatException(location, "labels." + e.getKey(), "is not one of the collection's classes " + globalClasses
                        + " (add it to \"classes\" in centers.json, or rename the label)");
            }
            lut[e.getValue()] = global;
            labelled[global] = true;
        }
    }

    /** The mapping of {@code centerLabels} (name -> value, from dataset.json at {@code location}) onto {@code globalClasses}. */
    public static ClassMapping of(List<String> globalClasses, Map<String, Integer> centerLabels, String location) {
        return new ClassMapping(globalClasses, centerLabels, location);
    }

    /** Lower case, trimmed, spaces and hyphens as underscores. */
    public static String normalise(String name) {
        return name.trim().toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
    }

    public List<String> globalClasses() {
        return globalClasses;
    }

    /** Global class index of a center label value, or -1 if the value is not in the center's label map. */
    public int globalIndex(int centerValue) {
        return centerValue < 0 || centerValue > 255 ? -1 : lut[centerValue];
    }

    /** Whether this center labels global class {@code globalIndex} (background always counts as labelled). */
    public boolean labels(int globalIndex) {
        return labelled[globalIndex];
    }

    /** Per global class: labelled by this center. */
    public boolean[] labelledClasses() {
        return labelled.clone();
    }

    /** Global classes this center does not label (to be masked out of its loss). */
    public List<String> unlabelledClasses() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < labelled.length; i++) {
            if (!labelled[i]) {
                out.add(globalClasses.get(i));
            }
        }
        return out;
    }

    /**
     * The label map with center values replaced by global class indices. A value not in the center's label map is a
     * {@link DatasetFormatException} naming the file and the first voxel holding it.
     */
    public Volume remap(Volume label, String location) {
        VoxelArray v = label.voxels();
        byte[] out = new byte[v.length()];
        for (int i = 0; i < out.length; i++) {
            float f = v.get(i);
            int value = (int) f;
            int g = f == value ? globalIndex(value) : -1;
            if (g < 0) {
                throw new DatasetFormatException(location, "data", "label value " + f + " at voxel " + i + " is not in the label map of dataset.json");
            }
            out[i] = (byte) g;
        }
        return Volume.ofLabels(label.shape(), label.geometry(), out);
    }
}
