package io.redactd.outputs.delivery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Whether an output can deliver now, and if not, why and since when (for /readyz). The first failure after a good
 * spell starts the clock; a change of reason restarts it; the way back is logged once, with how long it took.
 */
public final class Readiness {
    private static final Logger LOG = LoggerFactory.getLogger(Readiness.class);

    private final String outputId;
    private volatile boolean ready;
    private volatile String reason = "starting";
    private volatile long sinceMillis = System.currentTimeMillis();
    private volatile boolean failedSinceReady;

    public Readiness(String outputId) {
        this.outputId = outputId;
    }

    public void ready() {
        if (!ready && failedSinceReady) {
            LOG.info("output {}: recovered after {} s (was: {})", outputId,
                    (System.currentTimeMillis() - sinceMillis) / 1000, reason);
        }
        failedSinceReady = false;
        ready = true;
    }

    /** Not ready because of {@code why} (statuses, codes, hosts: never event data). */
    public void notReady(String why) {
        if (ready || !why.equals(reason)) {
            sinceMillis = System.currentTimeMillis();
        }
        reason = why;
        failedSinceReady = true;
        ready = false;
    }

    /** Not ready without a failure (stopping, starting). */
    public void down(String why) {
        ready = false;
        reason = why;
        sinceMillis = System.currentTimeMillis();
    }

    public boolean isReady() {
        return ready;
    }

    /** Null while ready; else the reason and since when (UTC, seconds). */
    public String reason() {
        return ready ? null : reason + " (since " + Instant.ofEpochMilli(sinceMillis).truncatedTo(ChronoUnit.SECONDS) + ")";
    }
}
