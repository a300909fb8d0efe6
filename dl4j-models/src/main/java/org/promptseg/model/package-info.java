/**
 * The promptable 3D UNet and everything needed to train it on a Spark executor, free of Spark.
 *
 * <ul>
 *   <li>{@link org.promptseg.model.ModelSpec} / {@link org.promptseg.model.PromptSpec}: architecture from
 *       {@code promptseg.model.*} and {@code promptseg.prompt.*} (presets {@code tiny}, {@code paper}).</li>
 *   <li>{@link org.promptseg.model.PromptableUNet}: the network (NDHWC); {@code predictProbabilities} for
 *       sliding-window inference; parameters by stable name and {@link org.promptseg.model.ParamRole};
 *       {@code extract}/{@code insert} of a mode's trainable set; {@code setActiveClasses} for a center's
 *       labelled classes; backbone-id inputs ({@code canonicalConfigurationJson}, {@code backboneParameters});
 *       model zip save/load; {@code copy} for per-task-slot pools.</li>
 *   <li>{@link org.promptseg.model.train.Trainer}: local AdamW steps in mode full, prompt or head, on
 *       {@link org.promptseg.model.train.DataBatch} (images, one-hot targets, per-sample class mask), with
 *       optimizer state only for trainable parameters.</li>
 *   <li>{@link org.promptseg.model.loss.SegmentationLoss}: Dice + cross-entropy with partial labels
 *       (marginal formulation).</li>
 *   <li>{@link org.promptseg.model.cpa.CpaLoss}: PUNet's contrastive prototype assignment on decoder features (prototypes
 *       from the teacher, exact gradient w.r.t. the student); the trainer's {@code FeatureLoss} steps inject it into
 *       DL4J's backprop next to the segmentation loss.</li>
 *   <li>{@link org.promptseg.model.ParamReport}: parameter accounting for {@code promptseg model summary}.</li>
 *   <li>{@link org.promptseg.model.bench.ModelBenchmark}: {@code promptseg bench model}.</li>
 *   <li>{@link org.promptseg.model.NativeThreads}: bind ND4J/OpenMP threads to the task's cores.</li>
 * </ul>
 */
package org.promptseg.model;
