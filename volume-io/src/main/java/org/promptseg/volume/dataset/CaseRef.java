package org.promptseg.volume.dataset;

import java.io.Serializable;
import java.util.List;

/**
 * Where one case's files are: its image channels and, for a labelled case, its label map (URIs). A channel is a whole
 * 3D file ({@code index} = -1, nnU-Net v2 {@code <case>_0000.nii.gz} naming) or one channel of a 4D file (MSD).
 *
 * @param labelUri the label map, or null for an unlabelled case
 * @param referenceLabelUri for unlabelled cases of synthetic collections: the reference label in {@code labelsTs/},
 *     used only to evaluate case selection; null otherwise
 */
public record CaseRef(String caseId, List<Channel> channels, String labelUri, String referenceLabelUri) implements Serializable {
    /** One image channel: a file, and the channel index in it (-1 for a 3D file). */
    public record Channel(String uri, int index) implements Serializable {}

    public CaseRef {
        channels = List.copyOf(channels);
    }

    public boolean isLabelled() {
        return labelUri != null;
    }
}
