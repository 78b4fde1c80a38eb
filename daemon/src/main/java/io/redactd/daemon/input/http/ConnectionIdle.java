package io.redactd.daemon.input.http;

/**
 * When a connection has gone {@code request_timeout_secs} without a request in progress (a client trickling its
 * request headers, slowloris, or idling between requests): Netty hands a request over only once its headers are
 * complete, so a connection with no request in progress for that long is closed. Checked every
 * {@link #tickMillis}, so the bound holds to within a tenth of the timeout (before 2026-12-07 a tick of the whole
 * timeout could only close on its second tick: up to twice the timeout). One connection's callbacks and its timer run
 * on its event loop, so no locking; times are passed in.
 */
final class ConnectionIdle {
    private final long timeoutNanos;
    private int active;
    private long idleSince;

    ConnectionIdle(long timeoutNanos, long now) {
        this.timeoutNanos = timeoutNanos;
        this.idleSince = now;
    }

    /** How often to check a connection: a tenth of the timeout, at least 100 ms. */
    static long tickMillis(long timeoutMillis) {
        return Math.max(100, timeoutMillis / 10);
    }

    void requestStarted() {
        active++;
    }

    void requestFinished(long now) {
        if (--active == 0) {
            idleSince = now;
        }
    }

    boolean expired(long now) {
        return active == 0 && now - idleSince >= timeoutNanos;
    }
}
