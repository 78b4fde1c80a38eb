package io.redactd.daemon.input.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all requests of one or more HTTP inputs may hold at once: bodies being received, inflated and parsed,
 * and events waiting for the pipeline's acknowledgement. Counting requests cannot bound memory (a few large bodies
 * fill any heap), so admission counts bytes: a request that would pass the limit is refused with 503 instead.
 */
final class ByteBudget {
    /** Share of the max heap the default budget takes: the rest is the pipeline's, the buffer's and other inputs'. */
    static final int HEAP_DIVISOR = 4;

    private static volatile ByteBudget heapDefault;

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    ByteBudget(long limit) {
        this.limit = limit;
    }

    /** The budget shared by every http input without {@code max_request_memory_bytes}: a quarter of the max heap. */
    static ByteBudget heapDefault() {
        ByteBudget b = heapDefault;
        if (b == null) {
            synchronized (ByteBudget.class) {
                b = heapDefault;
                if (b == null) {
                    b = new ByteBudget(defaultLimit());
                    heapDefault = b;
                }
            }
        }
        return b;
    }

    static long defaultLimit() {
        return Runtime.getRuntime().maxMemory() / HEAP_DIVISOR;
    }

    long limit() {
        return limit;
    }

    long used() {
        return used.get();
    }

    /** Takes {@code n} bytes if they fit under the limit; never blocks. */
    boolean tryAcquire(long n) {
        while (true) {
            long u = used.get();
            if (u + n > limit) {
                return false;
            }
            if (used.compareAndSet(u, u + n)) {
                return true;
            }
        }
    }

    void release(long n) {
        used.addAndGet(-n);
    }
}
