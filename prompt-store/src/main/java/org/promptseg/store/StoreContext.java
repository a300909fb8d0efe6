package org.promptseg.store;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.Path;
import org.promptseg.store.internal.ManifestIo;
import org.promptseg.store.internal.StoreFs;
import org.promptseg.store.internal.StoreLayout;

/** What every part of the store shares: filesystem, layout, clock and settings. */
record StoreContext(StoreFs fs, StoreLayout layout, Clock clock, StoreOptions options) {

    /** {@code store.json}: marks a directory as a promptseg store and versions its layout. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record StoreMarker(int formatVersion, String kind, String createdAt, String toolVersion) {
        static final int FORMAT_VERSION = 1;
        static final String KIND = "promptseg-store";
    }

    String now() {
        return Instant.now(clock).toString();
    }

    Path root() {
        return layout.root();
    }

    /** Refuses a store written in a newer layout; an absent marker is an empty or new store. */
    void checkMarker() throws IOException {
        if (fs.exists(layout.marker())) {
            StoreMarker m = ManifestIo.read(fs, layout.marker(), StoreMarker.class, StoreMarker.FORMAT_VERSION);
            if (!StoreMarker.KIND.equals(m.kind())) {
                throw new CorruptStoreEntryException(layout.marker() + ": field kind is '" + m.kind() + "', expected '" + StoreMarker.KIND + "'");
            }
        }
    }

    /** Creates the root and its marker before the first write; harmless if another process does it at the same time. */
    void ensureInitialized() throws IOException {
        if (fs.exists(layout.marker())) {
            return;
        }
        fs.mkdirs(layout.root());
        Path staging = StoreLayout.staging(layout.root(), ".json");
        try {
            fs.write(staging, ManifestIo.toBytes(new StoreMarker(StoreMarker.FORMAT_VERSION, StoreMarker.KIND, now(), ToolVersion.current())));
            fs.claimFile(staging, layout.marker());
        } catch (FileAlreadyExistsException another) {
            // someone else initialised it first: same content but for the time
        } finally {
            if (fs.exists(staging)) {
                fs.delete(staging);
            }
        }
    }
}
