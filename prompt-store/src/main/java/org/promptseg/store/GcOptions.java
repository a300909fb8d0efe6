package org.promptseg.store;

import java.time.Duration;

/**
 * @param keep newest versions kept per center (prompt and model versions), at least 1
 * @param dryRun only report what would be removed (the default of the CLI)
 * @param leftoverMaxAge leftovers older than this are removed
 */
public record GcOptions(int keep, boolean dryRun, Duration leftoverMaxAge) {
    public GcOptions {
        // The newest version always stays, so a version number is never freed and reused.
        if (keep < 1) {
            throw new InvalidStoreArgumentException("gc --keep " + keep + ": expected at least 1 (the newest version always stays)");
        }
        if (leftoverMaxAge == null || leftoverMaxAge.isNegative()) {
            throw new InvalidStoreArgumentException("gc leftover age " + leftoverMaxAge + ": expected a duration >= 0");
        }
    }

    /** The configured defaults, as a dry run. */
    public static GcOptions dryRun(StoreOptions options) {
        return new GcOptions(options.gcKeep(), true, options.leftoverMaxAge());
    }
}
