package org.promptseg.store;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.promptseg.store.internal.StoreLayout;

/**
 * Finds what interrupted writes and removals leave behind anywhere in the store: staging directories
 * and files ({@code .tmp-*}) and entries half removed by gc ({@code .deleting-*}). Nothing reads them;
 * verify lists them, gc removes the ones older than the configured age (younger ones may belong to a
 * publish still in progress).
 */
final class Leftovers {
    record Found(Path path, FileStatus status, Duration age) {}

    private Leftovers() {}

    static List<Found> find(StoreContext ctx) throws IOException {
        List<Found> out = new ArrayList<>();
        if (ctx.fs().exists(ctx.root())) {
            walk(ctx, ctx.root(), out);
        }
        return out;
    }

    private static void walk(StoreContext ctx, Path dir, List<Found> out) throws IOException {
        for (FileStatus st : ctx.fs().list(dir)) {
            if (StoreLayout.isLeftover(st.getPath().getName())) {
                Duration age = Duration.between(Instant.ofEpochMilli(st.getModificationTime()), Instant.now(ctx.clock()));
                out.add(new Found(st.getPath(), st, age.isNegative() ? Duration.ZERO : age));
            } else if (st.isDirectory()) {
                walk(ctx, st.getPath(), out);
            }
        }
    }
}
