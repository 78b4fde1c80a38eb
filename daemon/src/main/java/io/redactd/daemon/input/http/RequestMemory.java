package io.redactd.daemon.input.http;

/**
 * What one request holds of the {@link ByteBudget}. {@code used} is what is live now (body blocks, event copies and
 * their per-event overhead); {@code held} is what was taken from the budget, at least {@code used}: an estimate taken
 * at admission is spent as the body is read and parsed, and only growth beyond it goes back to the shared budget.
 * Synchronized: the event loop receives the body and may close a request (timeout, client gone) while a worker parses.
 */
final class RequestMemory {
    /** Growth beyond the reservation is taken in steps of this much, not one CAS on the shared budget per line. */
    private static final long STEP = 256 * 1024;

    private final ByteBudget budget;
    private long held;
    private long used;
    private boolean closed;

    RequestMemory(ByteBudget budget) {
        this.budget = budget;
    }

    /** Reserves up to {@code total} bytes ahead, all or nothing; false when the budget cannot give them now. */
    synchronized boolean reserve(long total) {
        if (closed || total <= held) {
            return !closed;
        }
        if (!budget.tryAcquire(total - held)) {
            return false;
        }
        held = total;
        return true;
    }

    /** Accounts {@code n} more live bytes; refuses the request when the budget cannot hold them. */
    synchronized void charge(long n) throws RequestRejected {
        if (closed) {
            throw new RequestRejected(503, "server_busy", 9, "Server is busy: the request was abandoned; retry later");
        }
        used += n;
        if (used <= held) {
            return;
        }
        long deficit = used - held;
        if (used > budget.limit()) {
            throw new RequestRejected(413, "body_too_large", 6, "the request needs more memory than "
                    + "max_request_memory_bytes (" + budget.limit() + ") allows for all requests together");
        }
        long step = Math.max(deficit, Math.min(STEP, budget.limit() - used));
        if (budget.tryAcquire(step) || (step > deficit && budget.tryAcquire(step = deficit))) {
            held += step;
            return;
        }
        used -= n;
        throw busy(budget.limit());
    }

    static RequestRejected busy(long limit) {
        return new RequestRejected(503, "server_busy", 9, "Server is busy: the memory for request bodies "
                + "(max_request_memory_bytes " + limit + ") is in use; retry later");
    }

    /** {@code n} live bytes were let go; they stay reserved for this request until {@link #trim} or {@link #release}. */
    synchronized void free(long n) {
        used -= n;
    }

    /** Gives back what is reserved beyond what is live. */
    synchronized void trim() {
        if (!closed && held > used) {
            budget.release(held - used);
            held = used;
        }
    }

    /** {@code n} live bytes are gone for good (a batch acknowledged): back to the budget at once. */
    synchronized void release(long n) {
        if (closed) {
            return;
        }
        used -= n;
        long back = Math.min(n, held - Math.max(used, 0));
        if (back > 0) {
            held -= back;
            budget.release(back);
        }
    }

    /** Everything goes back; later charges fail (a worker still parsing an abandoned request stops there). */
    synchronized void close() {
        if (!closed) {
            closed = true;
            budget.release(held);
            held = 0;
            used = 0;
        }
    }

    synchronized long held() {
        return held;
    }
}
