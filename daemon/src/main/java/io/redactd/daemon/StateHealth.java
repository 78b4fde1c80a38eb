package io.redactd.daemon;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Whether the daemon's state in {@code state_dir} is still being written, for /readyz. File checkpoints and chain-head
 * commits are read from their success and failure counters (each component logs its own errors and retries): a
 * kind is failing from the first check that saw failures and no success, and works again at the first check that saw
 * a success. Before, a read-only or deleted state dir left /readyz at {@code ready} while every commit
 * failed. Buffer cursor commits report themselves ({@code BufferedFanOut.commitProblems}).
 *
 * <p>{@link #check} is called every second off the event loop; {@link #problems} from the admin listener.
 */
final class StateHealth {
    private final List<Watch> watches;

    StateHealth(MeterRegistry registry) {
        this.watches = List.of(
                new Watch("file checkpoints cannot be written",
                        () -> sum(registry.find("redactd.file.checkpoint.writes").counters()),
                        () -> sum(registry.find("redactd.file.checkpoint.failures").counters())),
                new Watch("integrity chain head cannot be committed",
                        () -> registry.find("redactd.chain.commit").timers().stream().mapToLong(Timer::count).sum(),
                        () -> sum(registry.find("redactd.chain.commit.failures").counters())));
    }

    private static long sum(java.util.Collection<Counter> counters) {
        return (long) counters.stream().mapToDouble(Counter::count).sum();
    }

    synchronized void check() {
        long now = System.currentTimeMillis();
        watches.forEach(w -> w.check(now));
    }

    /** One line per kind of state write that fails now, with since when; empty while all work. */
    List<String> problems() {
        List<String> out = new ArrayList<>(0);
        for (Watch w : watches) {
            long since = w.failingSince;
            if (since != 0) {
                out.add("state_dir: " + w.what + " since " + Instant.ofEpochMilli(since) + " (see the log)");
            }
        }
        return out;
    }

    private static final class Watch {
        final String what;
        final LongSupplier successes;
        final LongSupplier failures;
        long lastSuccesses;
        long lastFailures;
        volatile long failingSince;

        Watch(String what, LongSupplier successes, LongSupplier failures) {
            this.what = what;
            this.successes = successes;
            this.failures = failures;
            this.lastSuccesses = successes.getAsLong();
            this.lastFailures = failures.getAsLong();
        }

        void check(long now) {
            long s = successes.getAsLong();
            long f = failures.getAsLong();
            boolean failed = f > lastFailures;
            boolean worked = s > lastSuccesses;
            lastSuccesses = s;
            lastFailures = f;
            // Counters do not say which came last: a success clears (a failure after it shows at the next check,
            // while no success follows), else a write that worked last and then had nothing to do would leave the
            // daemon not ready for good.
            if (worked) {
                failingSince = 0;
            } else if (failed && failingSince == 0) {
                failingSince = now;
            }
        }
    }
}
