package org.promptseg.volume.preprocess;

import java.io.Serializable;
import org.promptseg.volume.Volume;

/**
 * A case ready for patch sampling: RAS-oriented, cropped to the body, resampled; image as int16 HU, label (if any) as
 * unsigned bytes on the same grid, and the {@link CaseTransform} that maps predictions back to the source file.
 *
 * @param label null for an unlabelled case
 */
public record PreparedCase(String caseId, Volume image, Volume label, CaseTransform transform) implements Serializable {}
