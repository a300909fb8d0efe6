package org.promptseg.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.promptseg.store.VersionDiff.MetricDiff;
import org.promptseg.store.VersionDiff.Status;
import org.promptseg.store.VersionDiff.TensorDiff;
import org.promptseg.store.tensor.Tensor;
import org.promptseg.store.tensor.TensorSet;
import org.promptseg.store.tensor.TensorSpec;

/** Computes a {@link VersionDiff}; sums run in double whatever the stored type. */
final class VersionDiffer {
    private VersionDiffer() {}

    static VersionDiff diff(LoadedPrompts a, LoadedPrompts b) {
        return new VersionDiff(a.manifest().center(), a.manifest().version(), b.manifest().center(), b.manifest().version(),
                a.manifest().backboneSha256(), b.manifest().backboneSha256(), tensors(a.tensors(), b.tensors()),
                metrics(a.manifest().metrics(), b.manifest().metrics()));
    }

    static List<TensorDiff> tensors(TensorSet a, TensorSet b) {
        TreeSet<String> names = new TreeSet<>(a.asMap().keySet());
        names.addAll(b.asMap().keySet());
        List<TensorDiff> out = new ArrayList<>();
        for (String name : names) {
            Tensor ta = a.find(name).orElse(null);
            Tensor tb = b.find(name).orElse(null);
            TensorSpec sa = ta == null ? null : TensorSpec.of(ta);
            TensorSpec sb = tb == null ? null : TensorSpec.of(tb);
            Double normA = ta == null ? null : norm(ta.toDoubles());
            Double normB = tb == null ? null : norm(tb.toDoubles());
            if (ta == null || tb == null) {
                out.add(new TensorDiff(name, ta == null ? Status.ONLY_IN_B : Status.ONLY_IN_A, sa, sb, null, null, normA, normB));
            } else if (!sa.shape().equals(sb.shape())) {
                out.add(new TensorDiff(name, Status.SHAPE_MISMATCH, sa, sb, null, null, normA, normB));
            } else {
                double[] va = ta.toDoubles();
                double[] vb = tb.toDoubles();
                double sum = 0;
                double max = 0;
                for (int i = 0; i < va.length; i++) {
                    double d = vb[i] - va[i];
                    sum += d * d;
                    max = Math.max(max, Math.abs(d));
                }
                Status status = ta.equals(tb) ? Status.IDENTICAL : Status.CHANGED;
                out.add(new TensorDiff(name, status, sa, sb, Math.sqrt(sum), max, normA, normB));
            }
        }
        return out;
    }

    static List<MetricDiff> metrics(Map<String, Double> a, Map<String, Double> b) {
        TreeSet<String> names = new TreeSet<>(a.keySet());
        names.addAll(b.keySet());
        List<MetricDiff> out = new ArrayList<>();
        for (String name : names) {
            Double va = a.get(name);
            Double vb = b.get(name);
            out.add(new MetricDiff(name, va, vb, va == null || vb == null ? null : vb - va));
        }
        return out;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
