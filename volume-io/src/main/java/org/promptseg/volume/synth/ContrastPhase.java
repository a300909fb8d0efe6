package org.promptseg.volume.synth;

/**
 * Contrast phase of a CT acquisition: the mean HU of each organ (blood and parenchyma enhance differently over time).
 * Values follow typical published ranges for abdominal CT; what matters here is that the relative HU between organs
 * changes with the phase, a center shift that intensity normalisation cannot remove.
 */
public enum ContrastPhase {
    NATIVE("non-contrast", 58, 48, 32, 42),
    ARTERIAL("arterial", 72, 125, 175, 290),
    PORTAL_VENOUS("portal-venous", 112, 118, 165, 165),
    DELAYED("delayed", 88, 82, 125, 112);

    private final String label;
    private final double liver;
    private final double spleen;
    private final double kidney;
    private final double aorta;

    ContrastPhase(String label, double liver, double spleen, double kidney, double aorta) {
        this.label = label;
        this.liver = liver;
        this.spleen = spleen;
        this.kidney = kidney;
        this.aorta = aorta;
    }

    public String label() {
        return label;
    }

    /** Mean HU of an organ in this phase. */
    public double hu(Organ o) {
        return switch (o) {
            case LIVER -> liver;
            case SPLEEN -> spleen;
            case KIDNEY_LEFT, KIDNEY_RIGHT -> kidney;
            case AORTA -> aorta;
        };
    }
}
