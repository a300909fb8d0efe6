package org.promptseg.volume.preprocess;

import org.promptseg.volume.Reorientation;
import org.promptseg.volume.Volume;
import org.promptseg.volume.dataset.LabelledCase;

/**
 * The per-case preprocessing chain of the shard job (and of inference, without a label): reorient to RAS (lossless),
 * crop to the body's bounding box, resample the image trilinearly and the label by nearest neighbour to the target
 * spacing, and round the image to int16 HU. Normalisation is not applied here: patches keep HU and tasks normalise on
 * the fly ({@link Normalization}).
 */
public final class CasePreprocessor {
    private final PreprocessOptions options;
    private final double[] targetSpacingZyx;

    /** @param targetSpacingZyx the resampling target, e.g. {@code options.targetSpacing(fingerprint)} */
    public CasePreprocessor(PreprocessOptions options, double[] targetSpacingZyx) {
        this.options = options;
        this.targetSpacingZyx = targetSpacingZyx.clone();
    }

    public PreparedCase prepare(LabelledCase c) {
        Reorientation r = Reorientation.toCanonical(c.image());
        Volume image = r.apply(c.image());
        Volume label = c.label() == null ? null : r.apply(c.label().withGeometry(c.image().geometry()));
        BoundingBox box = options.cropToBody()
                ? BoundingBox.ofBody(image, options.bodyThresholdHu(), options.cropMarginVoxels())
                : BoundingBox.whole(image.shape());
        image = box.crop(image);
        label = label == null ? null : box.crop(label);
        Volume resampled = Resampler.roundToShorts(Resampler.resample(image, targetSpacingZyx, Resampler.Interpolation.LINEAR));
        Volume resampledLabel = label == null ? null : Resampler.toShape(label, resampled.shape(), Resampler.Interpolation.NEAREST);
        CaseTransform t = new CaseTransform(r, box, image.geometry(), resampled.shape(), resampled.geometry());
        return new PreparedCase(c.caseId(), resampled, resampledLabel == null ? null : resampledLabel.withGeometry(resampled.geometry()), t);
    }
}
