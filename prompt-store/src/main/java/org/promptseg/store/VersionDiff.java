package org.promptseg.store;

import java.util.List;
import java.util.Locale;
import org.promptseg.store.tensor.TensorSpec;

/**
 * How two prompt versions differ: per tensor the L2 norm and the largest absolute value of the
 * difference (b - a), per metric the change.
 */
public record VersionDiff(
        String centerA,
        String versionA,
        String centerB,
        String versionB,
        String backboneA,
        String backboneB,
        List<TensorDiff> tensors,
        List<MetricDiff> metrics) implements StoreResult {

    public VersionDiff {
        tensors = List.copyOf(tensors);
        metrics = List.copyOf(metrics);
    }

    /** Outcome of comparing one tensor name. */
    public enum Status { IDENTICAL, CHANGED, SHAPE_MISMATCH, ONLY_IN_A, ONLY_IN_B }

    /**
     * @param l2 L2 norm of b - a; null unless both exist with the same shape
     * @param maxAbs largest |b - a|; null unless comparable
     * @param normA L2 norm of a (to judge l2 relative to it); null if absent
     */
    public record TensorDiff(String name, Status status, TensorSpec specA, TensorSpec specB, Double l2, Double maxAbs, Double normA, Double normB) {}

    /** @param delta b - a, null if one side lacks the metric */
    public record MetricDiff(String name, Double a, Double b, Double delta) {}

    public boolean sameBackbone() {
        return backboneA.equals(backboneB);
    }

    @Override
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("diff ").append(centerA).append('/').append(versionA).append(" -> ").append(centerB).append('/').append(versionB).append('\n');
        if (!sameBackbone()) {
            b.append("  backbones differ: ").append(backboneA).append(" vs ").append(backboneB).append('\n');
        }
        for (TensorDiff t : tensors) {
            b.append(String.format(Locale.ROOT, "  %-40s %-14s", t.name(), t.status()));
            if (t.l2() != null) {
                b.append(String.format(Locale.ROOT, " l2 %.6g  max|d| %.6g  |a| %.6g", t.l2(), t.maxAbs(), t.normA()));
            } else {
                b.append("  a ").append(t.specA()).append("  b ").append(t.specB());
            }
            b.append('\n');
        }
        for (MetricDiff m : metrics) {
            b.append(String.format(Locale.ROOT, "  metric %-32s %s -> %s", m.name(), num(m.a()), num(m.b())));
            if (m.delta() != null) {
                b.append(String.format(Locale.ROOT, "  (%+.6g)", m.delta()));
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String num(Double d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.6g", d);
    }
}
