package io.redactd.daemon.input.file;

import io.redactd.daemon.pipeline.RawBatch;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One open file of a file input. Two threads touch it, each its own part: the reading thread owns the tailer, the
 * assembler and the rotation state; the input's event-loop context owns the queue of unacknowledged batches. The
 * acknowledged offset is written under this object's lock together with an epoch, so an acknowledgement for content
 * from before a truncation can never move the offset of the new content.
 */
final class FileSource {

    /** A batch handed to the sink and not yet acknowledged (event-loop side). */
    static final class Pending {
        final RawBatch batch;
        final long position;
        final long epoch;
        boolean done;
        int attempts;

        Pending(RawBatch batch, long position, long epoch) {
            this.batch = batch;
            this.position = position;
            this.epoch = epoch;
        }
    }

    final String key;
    final String sourceId;
    final Tailer tailer;
    final EventAssembler assembler;
    /** Batches handed on and not yet acknowledged in order; the reading thread stops at the configured maximum. */
    final AtomicInteger inFlight = new AtomicInteger();
    /** Sized for the usual few batches in flight (the default capacity, 16, is mostly unused per idle file). */
    final ArrayDeque<Pending> pending = new ArrayDeque<>(4);

    // Reading thread.
    boolean orphan;
    long lastGrowthNanos;
    long splitCounted;
    long unparsedCounted;
    /** Polls in a row that found nothing new; past a few, the file is polled less often (see FileInput#round). */
    int idlePolls;
    long lastPollNanos;
    /** Hash of the file's directory, matched against change notifications (a collision only costs a poll). */
    int dirHash;
    volatile boolean drained;
    volatile long size;
    /** Bytes of the file not yet acknowledged (size minus committed offset), for the input's lag gauge. */
    volatile long lag;

    // Shared, under the lock.
    private long epoch;
    private long committed;
    private Fingerprint fingerprint;
    private Path path;

    FileSource(String inputId, Tailer tailer, EventAssembler assembler, long startOffset) {
        this.tailer = tailer;
        this.assembler = assembler;
        this.fingerprint = tailer.fingerprint();
        this.key = fingerprint.key();
        this.sourceId = inputId + ":" + key;
        this.path = tailer.path();
        this.committed = startOffset;
        this.lastGrowthNanos = System.nanoTime();
        this.dirHash = dirHash(path);
    }

    static int dirHash(Path file) {
        Path dir = file.getParent();
        return dir == null ? 0 : dir.hashCode();
    }

    /** A consistent view of the file for the checkpoint. */
    record Snapshot(Fingerprint fingerprint, Path path, long committed) {
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(fingerprint, path, committed);
    }

    synchronized long epoch() {
        return epoch;
    }

    synchronized long committed() {
        return committed;
    }

    /** Records an acknowledged offset unless it belongs to content from before a truncation. */
    synchronized boolean commit(long ackEpoch, long position) {
        if (ackEpoch != epoch) {
            return false;
        }
        committed = position;
        return true;
    }

    /** The file was truncated: what was acknowledged no longer describes it. */
    synchronized void truncated() {
        epoch++;
        committed = 0;
        fingerprint = tailer.fingerprint();
    }

    /**
     * Refreshes identity details that change while reading (the fingerprint grows, the path follows renames). Only
     * the reading thread writes them, so it may compare without the lock; the lock is taken only for a change.
     */
    void refresh() {
        if (fingerprint != tailer.fingerprint() || path != tailer.path()) {
            synchronized (this) {
                fingerprint = tailer.fingerprint();
                path = tailer.path();
            }
        }
    }

    synchronized Path path() {
        return path;
    }
}
