package org.promptseg.volume.synth;

/** The labelled structures of the phantoms, in the collection's global class order (background is 0). */
public enum Organ {
    LIVER("liver"), SPLEEN("spleen"), KIDNEY_LEFT("kidney_left"), KIDNEY_RIGHT("kidney_right"), AORTA("aorta");

    private final String className;

    Organ(String className) {
        this.className = className;
    }

    /** Name in dataset.json and centers.json. */
    public String className() {
        return className;
    }

    /** Global class index (1-based; 0 is background). */
    public int globalIndex() {
        return ordinal() + 1;
    }
}
