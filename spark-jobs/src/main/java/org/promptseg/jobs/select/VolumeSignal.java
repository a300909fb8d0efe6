package org.promptseg.jobs.select;

import java.io.Serializable;

/**
 * What one executor task found about one volume of the center: its embedding (per channel mean and standard deviation of
 * the frozen backbone's bottleneck features over all sliding windows) and, in later rounds, the prompt ensemble's
 * disagreement. Stays in the driver's memory; only scores and salted ids are published.
 *
 * @param caseId       the clear case id (in memory only)
 * @param candidate    an unlabelled case that may be selected (false: a labelled case, an anchor of the diversity)
 * @param embedding    2 x bottleneck channels
 * @param disagreement null in round 0 and for labelled cases
 * @param windows      sliding windows the volume took
 * @param millis       time of the task
 */
public record VolumeSignal(String caseId, boolean candidate, double[] embedding, Disagreement disagreement, int windows, long millis)
        implements Serializable {}
