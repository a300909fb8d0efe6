package org.promptseg.store.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Who is acting on the store, recorded in alias entries and locks: user, host and process id. */
public final class Actor {
    private static final String HOST = lookupHost();

    private Actor() {}

    public static String user() {
        return System.getProperty("user.name", "unknown");
    }

    public static String host() {
        return HOST;
    }

    public static long pid() {
        return ProcessHandle.current().pid();
    }

    /** user@host, e.g. for alias history. */
    public static String describe() {
        return user() + "@" + host();
    }

    private static String lookupHost() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}
