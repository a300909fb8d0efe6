package org.promptseg.volume.preprocess;

import java.io.Serializable;
import org.promptseg.volume.Geometry;
import org.promptseg.volume.Reorientation;
import org.promptseg.volume.Shape;
import org.promptseg.volume.Volume;

/**
 * The chain a case went through in {@link CasePreprocessor} — reorientation to RAS, crop to the body box, resampling
 * — recorded so that a prediction on the preprocessed grid goes back into the source file's exact grid and geometry
 * (nearest-neighbour resampling back to the cropped shape, zero outside the crop, inverse reorientation).
 */
public record CaseTransform(Reorientation reorientation, BoundingBox crop, Geometry croppedGeometry, Shape preparedShape,
                            Geometry preparedGeometry) implements Serializable {

    /** A label map on the prepared grid back on the source grid (source shape and exactly the source geometry). */
    public Volume labelsToSource(Volume prepared) {
        if (!prepared.shape().equals(preparedShape)) {
            throw new IllegalArgumentException("prediction of shape " + prepared.shape() + " is not on the prepared grid " + preparedShape);
        }
        Shape cropShape = crop.shape();
        Volume cropped = Resampler.toShape(prepared.withGeometry(preparedGeometry), cropShape, Resampler.Interpolation.NEAREST)
                .withGeometry(croppedGeometry);
        Volume canonical = crop.uncrop(cropped, reorientation.targetShape(), reorientation.targetGeometry(), 0);
        return reorientation.invert(canonical);
    }
}
