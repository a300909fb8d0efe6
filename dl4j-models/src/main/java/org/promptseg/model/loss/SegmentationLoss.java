package org.promptseg.model.loss;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.promptseg.model.ModelConfigException;

/**
 * Soft Dice (per class, batch-wise) + cross-entropy on softmax logits, with partial labels.
 *
 * <p><b>Partial labels (marginal formulation).</b> A center labels a subset of the global classes
 * (per-sample class mask [N, C], background always labelled). Where such a center says "background",
 * the voxel may really be one of the classes it does not label, so the probabilities of its unlabelled
 * classes are merged into background before the loss: {@code q_bg = p_bg + Σ_unlabelled p_c},
 * {@code q_c = p_c} for labelled c. Cross-entropy is {@code -log q_target}; Dice is computed on q for the
 * labelled classes only, summed over all voxels of all samples that label the class. Unlabelled classes
 * therefore are never pushed towards zero where the center is silent about them.
 *
 * <p>Classes that no sample in the batch labels are left out of the Dice mean; a labelled class absent
 * from the batch still counts (its Dice rewards predicting nothing, as in nnU-Net's batch Dice).
 * The gradient is analytic (d loss / d logits) and checked against finite differences in the tests.
 */
public final class SegmentationLoss {
    private final LossSettings settings;

    public SegmentationLoss(LossSettings settings) {
        this.settings = settings;
    }

    public LossSettings settings() {
        return settings;
    }

    /**
     * @param logits    [N, D, H, W, C] network output before softmax
     * @param target    one-hot [N, D, H, W, C] (all-zero rows are not allowed); must be 0 for unlabelled classes
     * @param classMask [N, C] 1 = the sample's center labels the class; column 0 (background) must be 1
     */
    public LossResult compute(INDArray logits, INDArray target, INDArray classMask, boolean withGradient) {
        validate(logits, target, classMask);
        long[] shape = logits.shape();
        long n = shape[0];
        long c = shape[4];
        long perSample = shape[1] * shape[2] * shape[3];
        long voxels = n * perSample;

        // [N, V, C] views: NDHWC is contiguous per sample, so these reshapes do not copy
        INDArray z = logits.reshape(n, perSample, c);
        INDArray t = target.castTo(logits.dataType()).reshape(n, perSample, c);
        INDArray m = classMask.castTo(logits.dataType()).reshape(n, 1, c);
        INDArray u = m.rsub(1.0);                                     // unlabelled flags, background column 0
        INDArray perVoxel = t.sum(2);
        if (perVoxel.minNumber().doubleValue() != 1 || perVoxel.maxNumber().doubleValue() != 1) {
            throw new ModelConfigException("target", "one-hot (exactly one class per voxel)",
                    "voxels whose class weights sum to " + perVoxel.minNumber() + ".." + perVoxel.maxNumber());
        }
        if (t.mul(u).sumNumber().doubleValue() != 0) {
            throw new ModelConfigException("target", "no voxel of a class the sample's class mask marks unlabelled",
                    "labels of unlabelled classes");
        }

        INDArray p = Transforms.exp(z.sub(z.max(true, 2)), false);
        p.divi(p.sum(true, 2));                                       // softmax over classes
        INDArray unlabelledMass = p.mul(u).sum(true, 2);              // [N, V, 1]
        INDArray q = p.mul(m);
        q.get(all(), all(), NDArrayIndex.point(0)).addi(unlabelledMass.reshape(n, perSample));

        // ---- cross-entropy: -log q_target, with the target set of a background voxel = {bg} ∪ unlabelled
        INDArray qTarget = q.mul(t).sum(true, 2);                     // [N, V, 1]
        double ce = -Transforms.log(qTarget, true).sumNumber().doubleValue() / voxels;

        // ---- batch-wise soft Dice per class on q
        double smooth = settings.diceSmooth();
        INDArray intersection = q.mul(t).sum(0, 1);                   // [C]
        INDArray predicted = q.sum(0, 1);
        INDArray truth = t.sum(0, 1);
        INDArray counts = classMask.castTo(logits.dataType()).sum(0); // samples labelling each class
        int first = settings.diceIncludeBackground() ? 0 : 1;
        double diceSum = 0;
        int diceClasses = 0;
        double[] dDiceDq = new double[(int) c];                       // per-class factors for the gradient
        double[] dDiceDqTruth = new double[(int) c];
        for (int k = first; k < c; k++) {
            if (counts.getDouble(k) == 0) {
                continue;
            }
            double i = intersection.getDouble(k);
            double denom = predicted.getDouble(k) + truth.getDouble(k) + smooth;
            double dice = (2 * i + smooth) / denom;
            diceSum += dice;
            diceClasses++;
            // dDice/dq_v = (2 t_v denom - (2 i + smooth)) / denom²  =  2 t_v / denom - dice / denom
            dDiceDqTruth[k] = 2 / denom;
            dDiceDq[k] = -dice / denom;
        }
        double diceLoss = diceClasses == 0 ? 0 : 1 - diceSum / diceClasses;
        double total = settings.ceWeight() * ce + settings.diceWeight() * diceLoss;
        if (!withGradient) {
            return new LossResult(total, ce, diceLoss, null);
        }

        // ---- dL/dq
        INDArray g = q.mul(0);
        if (settings.ceWeight() > 0) {
            // d(-log q·t)/dq = -t / (q·t)
            g.subi(t.div(qTarget).muli(settings.ceWeight() / voxels));
        }
        if (diceClasses > 0 && settings.diceWeight() > 0) {
            double w = -settings.diceWeight() / diceClasses;
            INDArray a = Nd4j.create(logits.dataType(), 1, 1, c);
            INDArray b = Nd4j.create(logits.dataType(), 1, 1, c);
            for (int k = 0; k < c; k++) {
                a.putScalar(new long[] {0, 0, k}, w * dDiceDqTruth[k]);
                b.putScalar(new long[] {0, 0, k}, w * dDiceDq[k]);
            }
            g.addi(t.mul(a)).addi(b);
        }
        // ---- dL/dp: labelled classes take their own g, unlabelled ones the background's (they were merged into it)
        INDArray gBackground = g.get(all(), all(), NDArrayIndex.interval(0, 1));   // [N, V, 1]
        INDArray gp = g.mul(m).addi(u.mul(gBackground));
        // ---- dL/dz through softmax: p ⊙ (gp - Σ p gp)
        INDArray dz = p.mul(gp.sub(p.mul(gp).sum(true, 2)));
        return new LossResult(total, ce, diceLoss, dz.reshape(shape));
    }

    private static INDArrayIndex all() {
        return NDArrayIndex.all();
    }

    private static void validate(INDArray logits, INDArray target, INDArray classMask) {
        if (logits.rank() != 5) {
            throw new ModelConfigException("logits", "rank 5 [N, D, H, W, C]", Arrays.toString(logits.shape()));
        }
        if (!Arrays.equals(logits.shape(), target.shape())) {
            throw new ModelConfigException("target", "one-hot with the logits' shape " + Arrays.toString(logits.shape()),
                    Arrays.toString(target.shape()));
        }
        long n = logits.size(0);
        long c = logits.size(4);
        if (classMask.rank() != 2 || classMask.size(0) != n || classMask.size(1) != c) {
            throw new ModelConfigException("class mask", "[" + n + ", " + c + "]", Arrays.toString(classMask.shape()));
        }
        for (int i = 0; i < n; i++) {
            if (classMask.getDouble(i, 0) != 1) {
                throw new ModelConfigException("class mask[" + i + "][0]", "1 (background is always labelled)", classMask.getDouble(i, 0));
            }
        }
    }
}
