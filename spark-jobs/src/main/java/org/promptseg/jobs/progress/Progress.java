package org.promptseg.jobs.progress;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress lines for long work ("[tune] rounds 3/20 ... ETA 0:41"), on stderr so that results on
 * stdout stay clean. ETA is the mean time per finished unit times the units left.
 */
public final class Progress {
    private final String job;
    private final PrintStream out;
    private final boolean enabled;
    private final LongSupplier clock;

    public Progress(String job, PrintStream out, boolean enabled) {
        this(job, out, enabled, System::nanoTime);
    }

    Progress(String job, PrintStream out, boolean enabled, LongSupplier clock) {
        this.job = job;
        this.out = out;
        this.enabled = enabled;
        this.clock = clock;
    }

    public static Progress silent() {
        return new Progress("", System.err, false);
    }

    public static Progress stderr(String job) {
        return new Progress(job, System.err, true);
    }

    /** A message without a counter. */
    public void say(String message) {
        if (enabled) {
            out.println("[" + job + "] " + message);
            out.flush();
        }
    }

    public Task start(String what, long total) {
        return new Task(what, total);
    }

    /** One counted piece of work. */
    public final class Task {
        private final String what;
        private final long total;
        private final long startNanos = clock.getAsLong();
        private long done;

        private Task(String what, long total) {
            this.what = what;
            this.total = total;
        }

        public synchronized void step(String detail) {
            steps(1, detail);
        }

        public synchronized void steps(long n, String detail) {
            done += n;
            if (!enabled) {
                return;
            }
            double elapsed = (clock.getAsLong() - startNanos) / 1e9;
            String eta = done >= total ? "done" : "ETA " + duration(elapsed / done * (total - done));
            out.println(String.format(Locale.ROOT, "[%s] %s %d/%d  %s  (elapsed %s, %s)", job, what, done, total, detail, duration(elapsed), eta));
            out.flush();
        }

        public long completed() {
            return done;
        }

        public void done() {
            if (enabled) {
                double elapsed = (clock.getAsLong() - startNanos) / 1e9;
                out.println(String.format(Locale.ROOT, "[%s] %s finished: %d in %s", job, what, done, duration(elapsed)));
                out.flush();
            }
        }
    }

    public static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        Duration d = Duration.ofMillis((long) (seconds * 1000));
        long h = d.toHours();
        long m = d.toMinutesPart();
        long s = d.toSecondsPart();
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s) : String.format(Locale.ROOT, "%d:%02d", m, s);
    }

    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", n / 1048576.0);
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / 1073741824.0);
    }
}
