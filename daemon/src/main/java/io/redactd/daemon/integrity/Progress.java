package io.redactd.daemon.integrity;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar on stderr, drawn only when a person is watching (a console is attached) and at most four times a
 * second; otherwise every call is a no-op so piped output and logs stay clean.
 */
final class Progress {
    private static final long REDRAW_NANOS = 250_000_000L;
    private final PrintStream err;
    private final boolean enabled;
    private final long startNanos = System.nanoTime();
    private long total = -1;
    private long lastDraw;
    private boolean drawn;

    private Progress(PrintStream err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    static Progress forTerminal(PrintStream err) {
        return new Progress(err, System.console() != null);
    }

    static Progress none() {
        return new Progress(System.err, false);
    }

    /** Sets the amount of work, in the unit {@link #update}'s {@code done} counts (bytes of a file, events). */
    void total(long total) {
        this.total = total;
    }

    /** @param done work done in {@link #total}'s unit; @param events events read so far */
    void update(long done, long events) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (drawn && now - lastDraw < REDRAW_NANOS) {
            return;
        }
        lastDraw = now;
        drawn = true;
        double secs = Math.max(1e-3, (now - startNanos) / 1e9);
        String rate = String.format(Locale.ROOT, "%,.0f events/s", events / secs);
        if (total > 0) {
            int pct = (int) Math.min(100, done * 100 / total);
            int filled = pct * 30 / 100;
            err.printf(Locale.ROOT, "\r%3d%% [%s%s] %,d events  %s ", pct, "#".repeat(filled), " ".repeat(30 - filled),
                    events, rate);
        } else {
            err.printf(Locale.ROOT, "\r%,d events  %s ", events, rate);
        }
        err.flush();
    }

    void finish() {
        if (enabled && drawn) {
            err.print("\r" + " ".repeat(79) + "\r");
            err.flush();
        }
    }
}
