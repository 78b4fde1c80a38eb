package io.redactd.outputs.delivery;

import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with "equal jitter": half the delay is fixed, half random, so retries of many outputs spread. */
public final class Backoff {
    private final long initialMs;
    private final long maxMs;

    public Backoff(long initialMs, long maxMs) {
        this.initialMs = initialMs;
        this.maxMs = maxMs;
    }

    /** Delay before retry number {@code retry} (0 = first retry). */
    public long delayMs(int retry) {
        long ceiling = initialMs << Math.min(retry, 30);
        if (ceiling <= 0 || ceiling > maxMs) {
            ceiling = maxMs;
        }
        long half = ceiling / 2;
        return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
    }
}
