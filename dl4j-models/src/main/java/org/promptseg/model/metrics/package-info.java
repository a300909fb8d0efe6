/**
 * Per-class segmentation metrics: Dice and HD95 in millimetres, with an explicit policy for empty
 * masks.
 *
 * <p>Entry point: {@link org.promptseg.model.metrics.SegmentationScorer}; results are
 * {@link org.promptseg.model.metrics.CaseMetrics} / {@link org.promptseg.model.metrics.ClassMetrics}
 * records that serialise to JSON, and {@link org.promptseg.model.metrics.MetricsSummary} averages
 * them over cases.
 *
 * <p>Definitions, fixed here once:
 * <ul>
 *   <li><b>Surface</b> of a mask: its voxels with at least one of their 6 face neighbours outside the
 *       mask; voxels outside the volume count as outside the mask (so a mask touching the border has
 *       surface there). This is erosion by the 6-connected cross, as in medpy and MONAI's defaults.</li>
 *   <li><b>Surface distance</b> from a voxel of one surface: the Euclidean distance in millimetres
 *       (voxel spacing per axis) to the nearest voxel of the other surface, from an exact distance
 *       transform (no brute force).</li>
 *   <li><b>HD95</b>: the larger of the two directed 95th percentiles, reference-to-prediction and
 *       prediction-to-reference (MONAI's {@code compute_hausdorff_distance(percentile=95)}; medpy's
 *       {@code hd95} instead takes the percentile of both sets pooled, which is never larger). The
 *       percentile interpolates linearly between order statistics (numpy's default).</li>
 *   <li><b>Empty masks</b>: both empty: Dice 1, HD95 0. Exactly one empty: Dice 0, HD95 undefined
 *       ({@code NaN} in Java, {@code null} in JSON), because a distance to nothing does not exist;
 *       {@link org.promptseg.model.metrics.ClassMetrics#presence()} says which case it was, and
 *       averages skip undefined values explicitly and count them.</li>
 * </ul>
 */
package org.promptseg.model.metrics;
