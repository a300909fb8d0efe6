package org.promptseg.model.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One evaluation of the segmentation loss.
 *
 * @param total        weighted sum of the two terms
 * @param crossEntropy mean cross-entropy per voxel (marginal over unlabelled classes)
 * @param diceLoss     1 - mean soft Dice over the classes that count in this batch
 * @param gradient     d total / d logits, [N, D, H, W, C]; null when only the value was asked for
 */
public record LossResult(double total, double crossEntropy, double diceLoss, INDArray gradient) {
}
