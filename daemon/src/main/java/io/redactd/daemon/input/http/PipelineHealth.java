package io.redactd.daemon.input.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How the pipeline has been answering this input, for HEC's {@code /services/collector/health}: a sender or load
 * balancer probing it must hear "queues are full" (code 18) while a POST would only wait for its 503. Unhealthy while
 * a request has waited for the pipeline's acknowledgement longer than {@code stallNanos} (the buffer is full, or
 * detection is that far behind), and for {@code refusalHoldNanos} after the pipeline refused a request (forwarding
 * stopped), unless a later one was acknowledged. Requests answered 503 at {@code ack_timeout_secs} still wait here
 * until the pipeline settles them, so the state clears by itself when the pipeline catches up, with or without new
 * requests. No Vert.x; times are passed in.
 */
final class PipelineHealth {
    private final long stallNanos;
    private final long refusalHoldNanos;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, Long> waitingSince = new ConcurrentHashMap<>();
    private volatile long refusedAt;
    private volatile boolean refused;

    PipelineHealth(long stallNanos, long refusalHoldNanos) {
        this.stallNanos = stallNanos;
        this.refusalHoldNanos = refusalHoldNanos;
    }

    /** A request's events were handed to the pipeline; returns the handle for {@link #settled}. */
    long submitted(long now) {
        long id = ids.incrementAndGet();
        waitingSince.put(id, now);
        return id;
    }

    /** The pipeline acknowledged ({@code acknowledged}) or refused that request's events. */
    void settled(long id, boolean acknowledged, long now) {
        waitingSince.remove(id);
        if (acknowledged) {
            refused = false;
        } else {
            refusedAt = now;
            refused = true;
        }
    }

    /** Requests whose events the pipeline has not settled yet (answered or not). */
    int waiting() {
        return waitingSince.size();
    }

    /** Why HEC is unhealthy now (for the log and tests; the answer itself is Splunk's fixed text), or null. */
    String problem(long now) {
        for (long since : waitingSince.values()) {
            if (now - since >= stallNanos) {
                return "a request has waited " + (now - since) / 1_000_000 + " ms for the pipeline";
            }
        }
        if (refused && now - refusedAt < refusalHoldNanos) {
            return "the pipeline refused a request";
        }
        return null;
    }
}
