package org.promptseg.volume.dataset;

import org.promptseg.volume.Volume;

/**
 * A case in memory: its image (channel 0: CT) and, for a labelled case, the label map on exactly the image's grid
 * (center label values as unsigned bytes; map them to global classes with {@link ClassMapping#remap}).
 *
 * @param label null for an unlabelled case
 */
public record LabelledCase(String caseId, Volume image, Volume label) implements java.io.Serializable {}
