package org.promptseg.store;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;

/**
 * Settings of the store, read from {@code promptseg.store} (defaults in this module's
 * {@code reference.conf}, the only place they are declared).
 *
 * @param uri store root (Hadoop URI or local path)
 * @param gcKeep newest versions per center kept by gc by default (>= 1)
 * @param leftoverMaxAge age after which staging leftovers are abandoned and removed by gc
 * @param staleLockAge age after which a lock may be broken
 */
public record StoreOptions(String uri, int gcKeep, Duration leftoverMaxAge, Duration staleLockAge) {
    private static final String PREFIX = "promptseg.store.";

    public StoreOptions {
        if (uri == null || uri.isBlank()) {
            throw new InvalidStoreArgumentException(PREFIX + "uri: expected a store URI or path, got nothing");
        }
        if (gcKeep < 1) {
            throw new InvalidStoreArgumentException(PREFIX + "gc-keep: expected an integer >= 1, got " + gcKeep);
        }
        requireNonNegative("leftover-max-age", leftoverMaxAge);
        requireNonNegative("stale-lock-age", staleLockAge);
    }

    /** Reads the settings from the whole configuration ({@code root} contains {@code promptseg}). */
    public static StoreOptions fromConfig(Config root) {
        Config c = root.withFallback(ConfigFactory.defaultReference(StoreOptions.class.getClassLoader()));
        try {
            return new StoreOptions(
                    c.getString(PREFIX + "uri"),
                    c.getInt(PREFIX + "gc-keep"),
                    c.getDuration(PREFIX + "leftover-max-age"),
                    c.getDuration(PREFIX + "stale-lock-age"));
        } catch (ConfigException e) {
            throw new InvalidStoreArgumentException("configuration: " + e.getMessage(), e);
        }
    }

    /** The defaults from {@code reference.conf}. */
    public static StoreOptions defaults() {
        return fromConfig(ConfigFactory.empty());
    }

    /** The same settings with another store location (the CLI's --store). */
    public StoreOptions withUri(String newUri) {
        return new StoreOptions(newUri, gcKeep, leftoverMaxAge, staleLockAge);
    }

    private static void requireNonNegative(String key, Duration d) {
        if (d == null || d.isNegative()) {
            throw new InvalidStoreArgumentException(PREFIX + key + ": expected a duration >= 0 such as 1h, got " + d);
        }
    }
}
