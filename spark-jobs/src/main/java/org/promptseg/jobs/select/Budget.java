package org.promptseg.jobs.select;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * How many cases one selection round may send for labelling: a count ({@code --budget 4}) or a percentage of the
 * center's unlabelled pool ({@code --budget 10%}, the pool being every case of the center's {@code imagesTs/},
 * labelled since or not, so that "10%" means the same number in every round).
 *
 * <p>A percentage is rounded half up and is at least one case: 5% of 40 = 2, 5% of 30 = 1.5 → 2, 1% of 40 → 1.
 *
 * @param count   the fixed number of cases, or 0 for a percentage
 * @param percent the percentage in (0, 100], or 0 for a count
 */
public record Budget(int count, double percent) {
    public Budget {
        if (count < 0 || percent < 0 || (count == 0) == (percent == 0)) {
            throw new IllegalArgumentException("a budget is either a count >= 1 or a percentage in (0, 100]");
        }
    }

    /** Parses {@code N} (an integer >= 1) or {@code P%} (a number in (0, 100] followed by '%'). */
    public static Budget parse(String text) {
        String t = text == null ? "" : text.strip();
        if (t.endsWith("%")) {
            String number = t.substring(0, t.length() - 1).strip();
            double p;
            try {
                p = new BigDecimal(number).doubleValue();
            } catch (NumberFormatException e) {
                throw invalid(text);
            }
            if (!(p > 0 && p <= 100)) {
                throw new IllegalArgumentException("--budget '" + text + "': a percentage must be in (0, 100]");
            }
            return new Budget(0, p);
        }
        int n;
        try {
            n = Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
        if (n < 1) {
            throw new IllegalArgumentException("--budget '" + text + "': a count must be at least 1");
        }
        return new Budget(n, 0);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("--budget '" + text + "': expected a number of cases (e.g. 4) or a percentage of the center's"
                + " unlabelled pool (e.g. 10%)");
    }

    public boolean isPercentage() {
        return percent > 0;
    }

    /** The number of cases for a pool of {@code poolSize} cases (before capping at what is still unlabelled). */
    public int resolve(int poolSize) {
        if (!isPercentage()) {
            return count;
        }
        int n = new BigDecimal(Double.toString(percent)).multiply(BigDecimal.valueOf(poolSize)).divide(BigDecimal.valueOf(100))
                .setScale(0, RoundingMode.HALF_UP).intValueExact();
        return Math.max(1, n);
    }

    @Override
    public String toString() {
        return isPercentage() ? BigDecimal.valueOf(percent).stripTrailingZeros().toPlainString() + "%" : Integer.toString(count);
    }

    /** For messages: "10% of 40 = 4". */
    public String describe(int poolSize) {
        return isPercentage() ? String.format(Locale.ROOT, "%s of %d = %d", this, poolSize, resolve(poolSize)) : toString();
    }
}
