/**
 * {@code promptseg select}: which unlabelled cases of a center to label next (docs/selection.md).
 *
 * <ul>
 *   <li>{@link org.promptseg.jobs.select.SelectJob}: the job; round 0 by diversity, later rounds by prompt-ensemble
 *       uncertainty then diversity (tandem).</li>
 *   <li>{@link org.promptseg.jobs.select.SignalTask} (executor side): one volume through the sliding windows; pooled
 *       bottleneck features ({@link org.promptseg.model.FeatureExtractor}) and the members' blended predictions
 *       streamed into a {@link org.promptseg.jobs.select.Disagreement.Accumulator}.</li>
 *   <li>{@link org.promptseg.jobs.select.PromptEnsemble}: M diversified prompt sets tuned in one parameter-server job
 *       (one group per member), patches sampled in memory from the labelled volumes.</li>
 *   <li>{@link org.promptseg.jobs.select.KCenterGreedy}: farthest-point selection with anchors, seeded tie-breaking.</li>
 *   <li>{@link org.promptseg.jobs.select.LabellingLedger}: the campaign folder next to the center's data (labelling
 *       lists with clear ids, delivered labels); the store gets salted ids only.</li>
 *   <li>{@link org.promptseg.jobs.select.Budget}, {@link org.promptseg.jobs.select.SelectOptions}: {@code --budget} and
 *       {@code promptseg.select.*}.</li>
 *   <li>{@link org.promptseg.jobs.select.SelectionBenchmark}: the benchmark main (random vs selected budgets).</li>
 * </ul>
 */
package org.promptseg.jobs.select;
