package io.redactd.daemon.pipeline;

import java.util.ArrayList;
import java.util.List;

/**
 * The pipeline's one memory bound across every input: the bytes of batches submitted and not yet acknowledged
 * (waiting for room, being detected, being written). Each input bounds its own batches in flight, but nothing else
 * bounded their sum: 300 syslog connections x 4 batches x 512 events filled a 512 MiB heap.
 *
 * <p>Above the high-water mark the budget is saturated and inputs stop reading (a TCP socket is paused, a file is not
 * read) until it drops to the low-water mark, when every registered resume callback runs once: nothing polls, and the
 * gap between the marks keeps a pipeline at its bound from pausing and resuming every source at each batch.
 *
 * <p>It never refuses a charge: a batch already read must go on (refusing would make inputs hold it and retry), so
 * the bound is the high-water mark plus what inputs had read when it was crossed (a socket read, a file round).
 * Thread-safe: batches are charged on the submitting input's thread and released on the pipeline's.
 */
public final class AdmissionBudget {
    /** Default high-water mark: this share of the heap ({@code -Xmx512m}: 64 MiB). */
    static final int HEAP_DIVISOR = 8;
    /** Smallest high-water mark: one file batch (1 MiB) must fit with room to spare. */
    public static final long MIN_HIGH_WATER = 4L << 20;
    /**
     * Charged per event besides its message: the event record, its array and field map, and the document written from
     * it while it waits for its turn in the chain. Without it a stream of small events held several times its charge.
     */
    static final int EVENT_OVERHEAD_BYTES = 256;

    private final long highWater;
    private final long lowWater;
    private long used;
    private volatile long usedSnapshot;
    private volatile boolean saturated;
    private List<Runnable> resumers = new ArrayList<>();

    /**
     * @param highWater saturated once this many bytes are charged
     * @param lowWater  no longer saturated once the charge falls to this; below {@code highWater}
     */
    public AdmissionBudget(long highWater, long lowWater) {
        if (highWater <= 0 || lowWater < 0 || lowWater >= highWater) {
            throw new IllegalArgumentException("admission budget: need 0 <= low (" + lowWater + ") < high ("
                    + highWater + ")");
        }
        this.highWater = highWater;
        this.lowWater = lowWater;
    }

    /** The default for a heap of {@code maxMemory} bytes: an eighth of it (at least 4 MiB), resuming at half. */
    public static long defaultHighWater(long maxMemory) {
        return Math.max(MIN_HIGH_WATER, maxMemory / HEAP_DIVISOR);
    }

    /** From config: either mark may be null (derived from this JVM's heap, the low mark as half the high one). */
    public static AdmissionBudget of(Long highWater, Long lowWater) {
        long high = highWater != null ? highWater : defaultHighWater(Runtime.getRuntime().maxMemory());
        return new AdmissionBudget(high, lowWater != null ? lowWater : high / 2);
    }

    /** What a batch costs: its messages plus a fixed overhead per event. */
    public static long cost(RawBatch batch) {
        long bytes = 0;
        for (RawEvent e : batch.events()) {
            bytes += e.message().length + EVENT_OVERHEAD_BYTES;
        }
        return bytes;
    }

    /** Charges a batch handed to the pipeline; never refuses (see the class comment). */
    public synchronized void acquire(long bytes) {
        used += bytes;
        usedSnapshot = used;
        if (used >= highWater) {
            saturated = true;
        }
    }

    /** Releases a batch's charge once it is acknowledged (or refused, or failed); runs the resume callbacks if due. */
    public void release(long bytes) {
        List<Runnable> due = null;
        synchronized (this) {
            // Never below zero, even through a bug: a negative charge would lift the bound for good.
            used = Math.max(0, used - bytes);
            usedSnapshot = used;
            if (saturated && used <= lowWater) {
                saturated = false;
                due = resumers;
                resumers = new ArrayList<>();
            }
        }
        if (due != null) {
            // Outside the lock: a callback may charge or register again.
            due.forEach(Runnable::run);
        }
    }

    /**
     * If saturated, keeps {@code resume} to run once when the charge falls to the low-water mark (on the releasing
     * thread: it must not block; inputs hop to their own context) and returns true. Otherwise returns false and
     * forgets it: the caller may read on.
     */
    public boolean awaitRoom(Runnable resume) {
        synchronized (this) {
            if (!saturated) {
                return false;
            }
            resumers.add(resume);
            return true;
        }
    }

    public boolean saturated() {
        return saturated;
    }

    /** Bytes that may still be charged before saturation: what a reader may take in one go. */
    public long room() {
        return saturated ? 0 : Math.max(0, highWater - usedSnapshot);
    }

    public long used() {
        return usedSnapshot;
    }

    public long highWater() {
        return highWater;
    }

    public long lowWater() {
        return lowWater;
    }

    /** Resume callbacks waiting (tests). */
    synchronized int waiting() {
        return resumers.size();
    }
}
