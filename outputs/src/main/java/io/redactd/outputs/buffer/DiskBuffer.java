package io.redactd.outputs.buffer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * Durable, size-capped log of redacted event documents between the pipeline and the outputs.
 *
 * <p>Records are appended to segment files named by their first global position; every record carries its length and
 * a CRC32C. Each output reads through its own {@link BufferCursor}, whose committed position is persisted atomically,
 * so a slow output never holds back a fast one (except that it keeps segments on disk). A segment is deleted once
 * every cursor has committed past it and no {@link #retain} range holds one of its records. When the cap is reached,
 * appends wait until space is freed: back-pressure, nothing is dropped. On open, every segment is scanned and a torn tail (a record whose CRC does not match) is cut off
 * and counted.
 *
 * <p>One writer thread does all appends, so appends are serialized without the callers holding a lock, and an
 * {@code fsync: always} policy becomes a group commit. Futures returned by {@link #append} complete on that thread:
 * callers must hop to their own executor before doing work.
 *
 * <p>With {@code fsync: interval}, appends do not wait for the disk: a second thread fsyncs in the background, every
 * interval, the segments closed since its last round (oldest first) and then the active one. Before, the writer
 * fsynced up to a second's worth of appends itself, and at every roll, and every acknowledgement waited behind it
 * (syslog over TLS into a file: 35-45 fsyncs per 500 MB, 1.2-2.6 s in all, up to 0.6 s each). A closed segment that
 * every cursor passed and that was deleted before that round is never fsynced: at full speed most of the buffer never
 * reaches the disk (every document would otherwise be written twice, here and by a file output).
 */
public final class DiskBuffer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DiskBuffer.class);
    private static final Fsync DISK = channel -> channel.force(false);
    private static final Opener FILES = path -> FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    /** Backoff between attempts while the disk refuses writes, and how often the log reminds that it still does. */
    private static final long RETRY_MIN_MS = 100;
    private static final long RETRY_MAX_MS = 5_000;
    private static final long REMINDER_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** A stall is logged once it lasted this long (problem() and the gauge say so at once). */
    private static final long STALL_LOG_GRACE_MS = 1_000;
    private static final int WRITE_BUFFER_BYTES = 1 << 20;

    private final DiskBufferConfig config;
    private final Path directory;
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private final Map<String, BufferCursor> cursors = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workAvailable = lock.newCondition();
    private final Condition spaceFreed = lock.newCondition();
    private final ArrayDeque<PendingAppend> pending = new ArrayDeque<>();
    private final List<Runnable> appendListeners = new CopyOnWriteArrayList<>();
    private final AtomicLong totalBytes = new AtomicLong();
    private final int maxRecordBytes;
    private final long tornTails;
    private final long truncatedBytes;
    private final Thread writer;
    /** {@code fsync: interval}: fsyncs closed and active segments in the background; null with {@code fsync: always}. */
    private final Thread syncer;
    private final Fsync fsync;
    private final Opener opener;
    /**
     * Segments closed by a roll and not fsynced yet, oldest first: the next fsync round takes them before the active
     * one, unless reclaim deleted them first (then their pages never needed to reach the disk).
     */
    private final java.util.concurrent.ConcurrentLinkedQueue<Segment> unsyncedClosed =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** Set when a background fsync failed: the buffer then takes no more appends (see {@link #stopAppends}). */
    private volatile Throwable syncFailure;
    /** Bytes written to segment files so far (writer only), and how many of them a background fsync covered. */
    private volatile long writtenBytes;
    private volatile long syncedBytes;
    private volatile boolean stopSyncer;
    /** Set while the disk refuses the writer's writes (a full disk): appends wait, see {@link #awaitDisk}. */
    private volatile WriteStall stall;

    private volatile long endPosition;
    private boolean closing;
    /** Records in [retainFrom, retainTo) survive even once every cursor passed them ({@link #retain}); guarded by lock. */
    private long retainFrom;
    private long retainTo;

    // Writer-thread state.
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
    private final CRC32C crc = new CRC32C();
    /** Written by the writer thread only; read by reclaim on committing threads. Always the last segment. */
    private volatile Segment active;
    /** Written since the writer's last own fsync ({@link #force}). */
    private boolean dirty;
    private long lastStallLogNanos;
    private long stallWaitMs = RETRY_MIN_MS;
    /** The current stall was logged (it outlasted {@link #STALL_LOG_GRACE_MS}): its end is logged too. */
    private boolean stallLogged;
    /** A delivered active segment was rolled away to free disk space (logged as a warning the first time only). */
    private boolean rolledOnFullDisk;

    /** {@code future} completes with {@code end}, the position just after the append's last record. */
    private static final class PendingAppend {
        final List<byte[]> documents;
        final CompletableFuture<Long> future;
        long end;

        PendingAppend(List<byte[]> documents, CompletableFuture<Long> future) {
            this.documents = documents;
            this.future = future;
        }
    }

    /** Why and since when the writer cannot write (epoch millis), for readiness. */
    private record WriteStall(String error, long sinceMillis) {
    }

    /** Opens a segment file for reading and writing; {@code FileChannel.open} except in tests whose disk fills up. */
    @FunctionalInterface
    interface Opener {
        FileChannel open(Path path) throws IOException;
    }

    /** How a segment file is made durable; {@code FileChannel.force(false)} except in tests that need a slow disk. */
    @FunctionalInterface
    interface Fsync {
        void force(FileChannel channel) throws IOException;
    }

    private DiskBuffer(DiskBufferConfig config, Collection<String> cursorNames, boolean reclaimAtOpen, Fsync fsync,
                       Opener opener) throws IOException {
        this.config = config;
        this.fsync = fsync;
        this.opener = opener;
        this.directory = Path.of(config.path());
        this.maxRecordBytes = (int) Math.min(Integer.MAX_VALUE - RecordReader.HEADER_BYTES,
                config.segmentBytes() - RecordReader.HEADER_BYTES);
        Files.createDirectories(directory);
        Path cursorDirectory = directory.resolve("cursors");
        Files.createDirectories(cursorDirectory);

        long[] recovery = replaySegments();
        this.tornTails = recovery[0];
        this.truncatedBytes = recovery[1];

        Map<String, Long> stored = BufferCursor.loadAll(cursorDirectory);
        if (segments.isEmpty()) {
            long base = stored.values().stream().mapToLong(Long::longValue).max().orElse(0L);
            active = createSegment(base);
        } else {
            active = segments.lastEntry().getValue();
        }
        active.channel.position(active.size);
        endPosition = active.end();
        long firstBase = segments.firstKey();

        for (String name : cursorNames) {
            long position = stored.getOrDefault(name, firstBase);
            if (position > endPosition) {
                // The cursor was fsynced past data that a power cut took back; reading resumes at the real end.
                LOG.warn("buffer cursor {} was at {} beyond the recovered end {}; moved to the end", name, position, endPosition);
                position = endPosition;
            } else if (position < firstBase) {
                position = firstBase;
            }
            cursors.put(name, new BufferCursor(name, cursorDirectory, this, position));
        }
        for (String name : stored.keySet()) {
            if (!cursors.containsKey(name)) {
                LOG.info("buffer cursor {} belongs to no configured output; removed so it does not pin old segments", name);
                BufferCursor.delete(cursorDirectory, name);
            }
        }
        totalBytes.set(segments.values().stream().mapToLong(s -> s.size).sum());
        if (reclaimAtOpen) {
            reclaim();
        }
        writer = new Thread(this::runWriter, "redactd-buffer-writer");
        writer.setDaemon(true);
        if (config.fsyncAlways()) {
            syncer = null;
        } else {
            syncer = new Thread(this::runSyncer, "redactd-buffer-sync");
            syncer.setDaemon(true);
            syncer.start();
        }
        writer.start();
    }

    /**
     * Opens (or creates) the buffer and replays what is on disk. {@code cursorNames} are the outputs that read it: a
     * new name starts at the oldest retained record, a stored cursor not named here is deleted.
     */
    public static DiskBuffer open(DiskBufferConfig config, Collection<String> cursorNames) throws IOException {
        return new DiskBuffer(config, cursorNames, true, DISK, FILES);
    }

    /** As {@link #open}, with segment files opened through {@code opener} (tests: a disk that fills up). */
    static DiskBuffer openOn(DiskBufferConfig config, Collection<String> cursorNames, Opener opener) throws IOException {
        return new DiskBuffer(config, cursorNames, true, DISK, opener);
    }

    /** As {@link #open}, with the fsync of segment files replaced (tests: a disk whose fsync takes its time). */
    static DiskBuffer open(DiskBufferConfig config, Collection<String> cursorNames, Fsync fsync) throws IOException {
        return new DiskBuffer(config, cursorNames, true, fsync, FILES);
    }

    /**
     * As {@link #open}, but deletes nothing yet, not even segments every cursor has already passed: for a caller that
     * must first read every record still on disk ({@link #forEachRetained}: the integrity chain recovers its head from
     * them), then calls {@link #deleteConsumedSegments()}.
     */
    public static DiskBuffer openKeepingConsumed(DiskBufferConfig config, Collection<String> cursorNames)
            throws IOException {
        return new DiskBuffer(config, cursorNames, false, DISK, FILES);
    }

    /**
     * Appends the documents in order. The future completes once they are written (and fsynced, with
     * {@code fsync: always}); while the buffer is full it stays incomplete.
     */
    public CompletableFuture<Void> append(List<byte[]> documents) {
        return appendAt(documents).thenApply(end -> null);
    }

    /**
     * As {@link #append}; the future's value is the global position just after the last of these documents (where
     * the next append begins), e.g. for {@link #retain}.
     */
    public CompletableFuture<Long> appendAt(List<byte[]> documents) {
        CompletableFuture<Long> future = new CompletableFuture<>();
        for (byte[] document : documents) {
            if (document.length > maxRecordBytes) {
                future.completeExceptionally(new IllegalArgumentException("document of " + document.length
                        + " bytes is larger than the buffer segment size allows (" + maxRecordBytes + ")"));
                return future;
            }
        }
        if (documents.isEmpty()) {
            future.complete(endPosition);
            return future;
        }
        lock.lock();
        try {
            if (closing) {
                future.completeExceptionally(closedError());
                return future;
            }
            pending.add(new PendingAppend(documents, future));
            workAvailable.signal();
        } finally {
            lock.unlock();
        }
        return future;
    }

    public BufferCursor cursor(String name) {
        BufferCursor cursor = cursors.get(name);
        if (cursor == null) {
            throw new IllegalArgumentException("no buffer cursor named " + name);
        }
        return cursor;
    }

    /**
     * Keeps the records in {@code [from, to)} on disk even once every cursor has passed them (the segments holding
     * them are not deleted); {@code from >= to} keeps nothing extra. Each call replaces the previous range. The
     * integrity chain uses it for the events it acknowledged before its head was committed: until the head covers
     * them, they are what a restart recovers the head from, so they must outlive their delivery.
     */
    public void retain(long from, long to) {
        lock.lock();
        try {
            boolean shrinks = from > retainFrom || to < retainTo;
            retainFrom = from;
            retainTo = to;
            if (shrinks) {
                // An append waiting for space re-checks (and deletes what is free now) on the writer thread.
                spaceFreed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Deletes the segments every cursor has passed (and no {@link #retain} range holds); file I/O: not on a loop. */
    public void deleteConsumedSegments() {
        reclaim();
    }

    /** Called after every batch of appends becomes readable (on the writer thread: keep it short). */
    public void addAppendListener(Runnable listener) {
        appendListeners.add(listener);
    }

    /** Global position just after the last readable record. */
    public long endPosition() {
        return endPosition;
    }

    /** Bytes held in segment files. */
    public long sizeBytes() {
        return totalBytes.get();
    }

    /**
     * Null while appends are taken normally; else why not, for readiness: the disk refuses writes (appends wait and
     * resume by themselves once it takes them again), or a failed fsync stopped appends for good (restart required).
     */
    public String problem() {
        Throwable failure = syncFailure;
        if (failure != null) {
            return "buffer stopped after a failed fsync, restart required: " + failure.getMessage();
        }
        WriteStall s = stall;
        return s == null ? null : "buffer cannot write since " + java.time.Instant.ofEpochMilli(s.sinceMillis())
                + " (" + s.error() + "); appends wait and resume when the disk takes writes again";
    }

    public int segmentCount() {
        return segments.size();
    }

    /** Segments whose tail was cut at open because a record failed its length or CRC check. */
    public long tornTailsTruncated() {
        return tornTails;
    }

    public long truncatedBytes() {
        return truncatedBytes;
    }

    @Override
    public void close() throws IOException {
        markClosing();
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
            if (syncer != null) {
                // the writer's last act was a flush and fsync of its own: nothing is left for the syncer
                stopSyncer = true;
                LockSupport.unpark(syncer);
                syncer.join(TimeUnit.SECONDS.toMillis(30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Segment segment : segments.values()) {
            segment.close();
        }
    }

    /**
     * Visits every retained record from the oldest, in append order, whatever the cursors say. For start-up recovery
     * of state that must agree with what is durable here (the integrity chain head); call before the outputs start.
     */
    public void forEachRetained(java.util.function.Consumer<byte[]> visitor) throws IOException {
        RecordReader reader = new RecordReader(256 * 1024, Integer.MAX_VALUE - RecordReader.HEADER_BYTES);
        long position = segments.firstKey();
        while (position < endPosition) {
            BufferChunk chunk = read(position, 4096, 8L << 20, reader);
            if (chunk.isEmpty()) {
                break;
            }
            chunk.documents().forEach(visitor);
            position = chunk.endPosition();
        }
    }

    // ---- reading (any thread, one caller per cursor) ----

    BufferChunk read(long from, int maxDocuments, long maxBytes, RecordReader reader) throws IOException {
        long end = endPosition;
        // Sized for a large read when there is something to read (outputs ask for up to a batch, 5,000 documents by
        // default): growing it from 10 was 11 % of a pass-through profile. An empty poll allocates nothing.
        List<byte[]> documents = new ArrayList<>(from < end ? Math.max(1, Math.min(maxDocuments, 1024)) : 0);
        long[] bytes = {0};
        long[] firstMillis = {0};
        long position = from;
        while (position < end && documents.size() < maxDocuments && bytes[0] < maxBytes) {
            Map.Entry<Long, Segment> entry = segments.floorEntry(position);
            if (entry == null) {
                position = segments.firstKey();
                continue;
            }
            Segment segment = entry.getValue();
            long readable = segment.size;
            long offset = position - segment.base;
            if (offset >= readable) {
                Long next = segments.higherKey(segment.base);
                if (next == null) {
                    break;
                }
                position = next;
                continue;
            }
            RecordReader.Result result = reader.read(segment.channel, offset, readable, (array, at, length, appendMillis) -> {
                if (documents.size() >= maxDocuments || (!documents.isEmpty() && bytes[0] + length > maxBytes)) {
                    return false;
                }
                byte[] document = java.util.Arrays.copyOfRange(array, at, at + length);
                if (documents.isEmpty()) {
                    firstMillis[0] = appendMillis;
                }
                documents.add(document);
                bytes[0] += length;
                return true;
            });
            position = segment.base + result.endOffset();
            if (result.stoppedByVisitor()) {
                break;
            }
            if (result.invalid()) {
                // Only disk damage after replay gets here (replay already cut torn tails). The rest of this segment
                // cannot be parsed; skip to the next one rather than stall every output forever.
                LOG.error("buffer segment {} is corrupt at offset {}; skipping its remaining {} bytes",
                        segment.path.getFileName(), result.endOffset(), readable - result.endOffset());
                position = segment.end();
            }
        }
        return new BufferChunk(documents, position, firstMillis[0], bytes[0]);
    }

    /** Deletes segments every cursor has passed; called after a cursor commit. */
    void reclaim() {
        List<Segment> removed;
        lock.lock();
        try {
            removed = reclaimLocked();
            Segment current = active;
            if (stall != null && current != null && minCommitted() >= current.end()) {
                spaceFreed.signalAll(); // a writer stalled on a full disk may now roll the active segment away
            }
        } finally {
            lock.unlock();
        }
        deleteSegments(removed);
    }

    private long minCommitted() {
        long min = endPosition;
        for (BufferCursor cursor : cursors.values()) {
            min = Math.min(min, cursor.committedPosition());
        }
        return min;
    }

    /**
     * Takes the segments every cursor has passed out of the map and the size count; the caller closes and deletes them
     * ({@link #deleteSegments}) once it released the lock: closing a channel waits for an fsync in progress on it
     * (the syncer's), and appends must not wait behind that lock meanwhile.
     */
    private List<Segment> reclaimLocked() {
        long min = minCommitted();
        List<Segment> removed = new ArrayList<>(0);
        long last = segments.lastKey();
        for (Segment segment : segments.values()) {
            // The last segment is the one being written (a roll inserts the new one before switching to it).
            if (segment.base == last || segment == active || segment.end() > min
                    || retainFrom < retainTo && segment.end() > retainFrom && segment.base < retainTo) {
                break;
            }
            segments.remove(segment.base);
            totalBytes.addAndGet(-segment.size);
            removed.add(segment);
        }
        if (!removed.isEmpty()) {
            spaceFreed.signalAll();
        }
        return removed;
    }

    /** Closes and deletes segments {@link #reclaimLocked} took out; without holding the lock. */
    private static void deleteSegments(List<Segment> removed) {
        for (Segment segment : removed) {
            segment.close();
            try {
                Files.deleteIfExists(segment.path);
            } catch (IOException e) {
                LOG.warn("could not delete buffer segment {}: {}", segment.path.getFileName(), e.getClass().getSimpleName());
            }
        }
    }

    // ---- writer thread ----

    private void runWriter() {
        List<PendingAppend> batch = new ArrayList<>();
        try {
            while (true) {
                batch = new ArrayList<>();
                lock.lock();
                try {
                    // fsync: always leaves nothing unsynced between appends; interval has the syncer for that
                    while (pending.isEmpty() && !closing) {
                        workAvailable.await();
                    }
                    if (pending.isEmpty() && closing) {
                        break;
                    }
                    batch.addAll(pending);
                    pending.clear();
                } finally {
                    lock.unlock();
                }
                if (syncFailure != null) {
                    for (PendingAppend append : batch) {
                        append.future.completeExceptionally(closedError());
                    }
                    break;
                }
                List<PendingAppend> written = new ArrayList<>();
                for (PendingAppend append : batch) {
                    try {
                        long now = System.currentTimeMillis();
                        for (byte[] document : append.documents) {
                            writeRecord(document, now, written);
                        }
                        append.end = active.end() + writeBuffer.position();
                        written.add(append);
                    } catch (Abandoned e) {
                        throw e;
                    } catch (IOException e) {
                        LOG.error("buffer append failed: {}", e.toString());
                        append.future.completeExceptionally(e);
                    }
                }
                publish(written);
            }
            flushWriteBuffer();
            force();
        } catch (Abandoned e) {
            // Records not written yet belong to appends that are failed below (their inputs read them again at the next
            // start): writing them now, if the disk took them, would make them durable after all, and duplicates.
            writeBuffer.clear();
            LOG.warn("{}: the appends waiting for it are not written; their inputs read them again at the next start",
                    e.getMessage());
        } catch (IOException e) {
            LOG.error("buffer writer stopped: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // Appends of a batch abandoned at close (the disk still refusing writes) fail rather than hang.
            for (PendingAppend append : batch) {
                if (!append.future.isDone()) {
                    append.future.completeExceptionally(closedError());
                }
            }
            failPending();
        }
    }

    private void failPending() {
        lock.lock();
        try {
            closing = true;
            for (PendingAppend append : pending) {
                append.future.completeExceptionally(closedError());
            }
            pending.clear();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes written records readable, fsyncs them with {@code fsync: always} (the syncer's interval does it otherwise),
     * completes their futures and wakes the readers.
     */
    private void publish(List<PendingAppend> written) throws IOException {
        flushWriteBuffer();
        if (config.fsyncAlways()) {
            force();
        }
        for (PendingAppend append : written) {
            append.future.complete(append.end);
        }
        written.clear();
        for (Runnable listener : appendListeners) {
            listener.run();
        }
    }

    private void writeRecord(byte[] document, long appendMillis, List<PendingAppend> written) throws IOException, InterruptedException {
        int recordBytes = RecordReader.HEADER_BYTES + document.length;
        long activeBytes = active.size + writeBuffer.position();
        if (activeBytes > 0 && activeBytes + recordBytes > config.segmentBytes()) {
            roll();
        }
        awaitSpace(recordBytes, written);
        if (writeBuffer.remaining() < recordBytes) {
            flushWriteBuffer();
        }
        if (recordBytes > writeBuffer.capacity()) {
            ByteBuffer header = ByteBuffer.allocate(RecordReader.HEADER_BYTES);
            crc.reset();
            crc.update(ByteBuffer.allocate(8).putLong(0, appendMillis));
            crc.update(document);
            header.putInt(document.length).putInt((int) crc.getValue()).putLong(appendMillis).flip();
            writeFully(new ByteBuffer[]{header, ByteBuffer.wrap(document)});
        } else {
            int start = writeBuffer.position();
            writeBuffer.putInt(document.length).putInt(0).putLong(appendMillis).put(document);
            crc.reset();
            crc.update(writeBuffer.duplicate().position(start + 8).limit(start + recordBytes));
            writeBuffer.putInt(start + 4, (int) crc.getValue());
        }
        totalBytes.addAndGet(recordBytes);
    }

    /** Blocks the writer (and so every append behind it) until the record fits under the cap. */
    private void awaitSpace(int recordBytes, List<PendingAppend> written) throws IOException, InterruptedException {
        if (totalBytes.get() + recordBytes <= config.maxBytes()) {
            return;
        }
        // Let readers see (and commit past) everything written so far, or the space might never free up.
        publish(written);
        List<Segment> removed = new ArrayList<>(0);
        lock.lock();
        try {
            while (totalBytes.get() + recordBytes > config.maxBytes()) {
                if (closing) {
                    throw new IOException("buffer closed while waiting for space");
                }
                if (minCommitted() >= endPosition && active.size > 0) {
                    lock.unlock();
                    try {
                        roll();
                    } finally {
                        lock.lock();
                    }
                }
                removed.addAll(reclaimLocked());
                if (totalBytes.get() + recordBytes <= config.maxBytes()) {
                    break;
                }
                spaceFreed.await(1, TimeUnit.SECONDS);
            }
        } finally {
            lock.unlock();
            deleteSegments(removed);
        }
    }

    private void roll() throws IOException {
        flushWriteBuffer();
        // Not fsynced here: the next fsync round takes it (first), unless every cursor passed it and it is gone by then.
        // After a power cut an older segment may thus miss its unsynced tail while a newer one kept pages the kernel
        // wrote on its own; replay keeps both and readers step over the hole (see replaySegments).
        unsyncedClosed.add(active);
        dirty = false;
        Segment next = createSegment(active.end());
        active = next;
        endPosition = next.end();
    }

    private Segment createSegment(long base) throws IOException {
        Path path = directory.resolve(Segment.fileName(base));
        FileChannel channel;
        while (true) {
            try {
                channel = opener.open(path);
                break;
            } catch (IOException e) {
                if (writer == null || Thread.currentThread() != writer) {
                    throw e; // at open: the daemon does not start, and says why
                }
                awaitDisk(e, null);
            }
        }
        diskWorks();
        Segment segment = new Segment(base, path, channel, 0);
        segments.put(base, segment);
        forceDirectory(directory);
        return segment;
    }

    private void flushWriteBuffer() throws IOException {
        if (writeBuffer.position() == 0) {
            return;
        }
        writeBuffer.flip();
        writeFully(new ByteBuffer[]{writeBuffer});
        writeBuffer.clear();
    }

    private void writeFully(ByteBuffer[] buffers) throws IOException {
        long total = 0;
        for (ByteBuffer buffer : buffers) {
            total += buffer.remaining();
        }
        int[] starts = new int[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            starts[i] = buffers[i].position();
        }
        long done = 0;
        while (done < total) {
            try {
                done += active.channel.write(buffers);
            } catch (IOException e) {
                // A full disk (or an I/O error) took part of the records: cut those bytes back off and write the same
                // bytes again once the disk takes them. The records stay unreadable (size is unchanged) and their
                // appends unacknowledged meanwhile, so the inputs wait: back-pressure, nothing lost, nothing twice.
                // Not so for a failed fsync (fail-stop, see stopAppends): a write error is reported before anything
                // is marked clean, the bytes are still here.
                for (int i = 0; i < buffers.length; i++) {
                    buffers[i].position(starts[i]);
                }
                done = 0;
                Segment segment = active;
                Repair cut = () -> {
                    segment.channel.truncate(segment.size);
                    segment.channel.position(segment.size);
                };
                if (cutAndRollIfConsumed(cut)) {
                    continue; // the space the buffer held itself is back: no stall to report
                }
                awaitDisk(e, cut);
                rollIfConsumed();
            }
        }
        diskWorks();
        active.size += total;
        endPosition = active.end();
        writtenBytes += total;
        dirty = true;
    }

    /** Cuts the failed write off and rolls if {@link #rollIfConsumed} can; false (not stalled yet) if either fails. */
    private boolean cutAndRollIfConsumed(Repair cut) {
        try {
            cut.run();
            return rollIfConsumed();
        } catch (IOException e) {
            return false; // awaitDisk retries the cut and reports the stall
        }
    }

    /**
     * On the writer, while the disk refuses writes: if every cursor has passed the whole active segment (and no
     * {@link #retain} range holds it), rolls to a new, empty segment at the same position and deletes the old one, so
     * the space the buffer itself holds comes back. Otherwise a state directory smaller than one segment (a small
     * {@code /var/lib}, a nearly full node) would wait forever: only closed segments are ever reclaimed, and the active
     * one was what filled the disk. The records being written keep their positions (the new segment's base is the old
     * one's end), and the new file exists before the old is deleted, so a crash in between leaves either both (the old
     * one is reclaimed at the next open) or the new one alone with every cursor at its base. Returns whether it rolled.
     */
    private boolean rollIfConsumed() throws IOException {
        Segment full = active;
        lock.lock();
        try {
            if (closing || full.size == 0 || minCommitted() < full.end()
                    || retainFrom < retainTo && full.end() > retainFrom && full.base < retainTo) {
                return false;
            }
        } finally {
            lock.unlock();
        }
        Path path = directory.resolve(Segment.fileName(full.end()));
        FileChannel channel;
        try {
            channel = opener.open(path);
        } catch (IOException e) {
            return false; // not even an empty file fits: still stalled, the next round tries again
        }
        Segment next = new Segment(full.end(), path, channel, 0);
        segments.put(next.base, next);
        forceDirectory(directory);
        active = next;
        dirty = false; // what is unsynced is in the segment about to go, which no one needs any more
        endPosition = next.end();
        if (!rolledOnFullDisk) {
            rolledOnFullDisk = true;
            LOG.warn("buffer segment {} filled the disk at {} bytes (segment_bytes {}) and every output has all of it: "
                    + "deleted, writing goes on in a new one; the state volume has less free space than a segment, "
                    + "so this repeats (lower buffer.segment_bytes to keep it from filling the disk)",
                    full.path.getFileName(), full.size, config.segmentBytes());
        } else {
            LOG.debug("buffer segment {} filled the disk and every output has all of it: deleted", full.path.getFileName());
        }
        reclaim();
        return true;
    }

    /** The buffer closed while the disk refused writes: what the writer holds unwritten is given up (not acknowledged). */
    private static final class Abandoned extends IOException {
        Abandoned(String message) {
            super(message);
        }
    }

    @FunctionalInterface
    private interface Repair {
        void run() throws IOException;
    }

    /**
     * On the writer, after a write (or a segment creation) failed: runs {@code repair} (cut the partial write off; null:
     * nothing to cut) until it works, then waits with backoff before the caller tries again. The first failure is
     * logged, and then a reminder a minute; {@link #problem()} says so meanwhile. Throws once the buffer is closing.
     */
    private void awaitDisk(IOException failure, Repair repair) throws IOException {
        String error = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        if (stall == null) {
            stall = new WriteStall(error, System.currentTimeMillis());
            stallLogged = false;
        }
        boolean repaired = repair == null;
        while (true) {
            logStall(error);
            if (!repaired) {
                try {
                    repair.run();
                    repaired = true;
                } catch (IOException e) {
                    if (System.nanoTime() - lastStallLogNanos >= REMINDER_NANOS) {
                        lastStallLogNanos = System.nanoTime();
                        LOG.error("buffer cannot cut a partial write back off its segment ({}); retrying", e.getMessage());
                    }
                }
            }
            lock.lock();
            try {
                if (closing) {
                    throw new Abandoned("buffer closed while the disk refused writes: " + error);
                }
                spaceFreed.await(stallWaitMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("buffer writer interrupted while the disk refused writes", e);
            } finally {
                lock.unlock();
            }
            stallWaitMs = Math.min(RETRY_MAX_MS, stallWaitMs * 2);
            if (repaired) {
                return;
            }
        }
    }

    /**
     * Logs the stall once it has lasted {@link #STALL_LOG_GRACE_MS}, then a reminder a minute. Not at once: on a disk
     * smaller than a segment every roll starts with a failed write and a short wait for the outputs' cursor commits
     * ({@link #rollIfConsumed}); an ERROR and an INFO for each would be noise.
     */
    private void logStall(String error) {
        WriteStall s = stall;
        if (!stallLogged) {
            if (System.currentTimeMillis() - s.sinceMillis() >= STALL_LOG_GRACE_MS) {
                stallLogged = true;
                lastStallLogNanos = System.nanoTime();
                LOG.error("buffer cannot write since {} ({}); appends wait (inputs are paused) and are written once "
                        + "the disk takes them again", java.time.Instant.ofEpochMilli(s.sinceMillis()), error);
            }
        } else if (System.nanoTime() - lastStallLogNanos >= REMINDER_NANOS) {
            lastStallLogNanos = System.nanoTime();
            LOG.warn("buffer still cannot write since {} ({}); appends are waiting",
                    java.time.Instant.ofEpochMilli(s.sinceMillis()), error);
        }
    }

    /** On the writer, after a write worked: ends a stall, once. */
    private void diskWorks() {
        WriteStall s = stall;
        if (s != null) {
            stall = null;
            stallWaitMs = RETRY_MIN_MS;
            if (stallLogged) {
                LOG.info("buffer writes work again after {} s; waiting appends go on",
                        (System.currentTimeMillis() - s.sinceMillis()) / 1000);
            }
        }
    }

    /** On the writer: fsyncs what is unsynced (every append with {@code fsync: always}; at close). */
    private void force() throws IOException {
        syncClosedSegments();
        if (dirty) {
            fsync.force(active.channel);
            dirty = false;
        }
    }

    /** Fsyncs the segments closed since the last call, oldest first, except those already deleted (any thread). */
    private void syncClosedSegments() throws IOException {
        for (Segment closed; (closed = unsyncedClosed.poll()) != null; ) {
            if (segments.get(closed.base) != closed) {
                continue; // every cursor passed it: deleted
            }
            try {
                fsync.force(closed.channel);
            } catch (java.nio.channels.ClosedChannelException e) {
                // deleted by reclaim after the look above: nothing in it is needed any more
            }
        }
    }

    /**
     * {@code fsync: interval}: every interval, if anything was written since its last round, fsyncs the segments closed
     * meanwhile (oldest first; deleted ones are skipped) and then the active one. Runs beside the writer (an fsync does
     * not stop writes to the file); a round covers the bytes written before it started.
     */
    private void runSyncer() {
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(config.fsyncIntervalMs());
        long roundStart = System.nanoTime();
        while (!stopSyncer) {
            // rounds start an interval apart, however long the last one took (a negative wait returns at once)
            LockSupport.parkNanos(this, intervalNanos - (System.nanoTime() - roundStart));
            if (System.nanoTime() - roundStart < intervalNanos && !stopSyncer) {
                continue; // woken early (close unparks it)
            }
            roundStart = System.nanoTime();
            long target = writtenBytes;
            if (stopSyncer || target == syncedBytes) {
                continue;
            }
            Segment segment = active;
            try {
                syncClosedSegments();
                fsync.force(segment.channel);
                syncedBytes = target;
            } catch (java.nio.channels.ClosedChannelException e) {
                // The segment read as active was rolled and deleted since: it was a closed one, which needs no
                // fsync once deleted; the next round takes the new active one. Never the active one while running.
                if (segment == active && !stopSyncer) {
                    stopAppends(e);
                    return;
                }
            } catch (IOException | RuntimeException e) {
                stopAppends(e);
                return;
            }
        }
    }

    /**
     * A background fsync failed: fail-stop, as when the writer fsynced itself. Retrying would be false comfort (Linux
     * marks the pages clean after a failed writeback, so the next fsync "succeeds" without them), and going on would
     * acknowledge appends that a power cut can lose beyond the interval. What the buffer holds is still delivered;
     * appends fail from now on, so inputs stop acknowledging and the daemon's errors say why.
     */
    private void stopAppends(Throwable e) {
        syncFailure = e;
        LOG.error("buffer fsync failed, the buffer takes no more appends (restart once the disk is fixed): {}",
                e.toString());
        markClosing();
    }

    /** No append is taken from now on; the writer (and an append waiting for space) wake up to see it. */
    private void markClosing() {
        lock.lock();
        try {
            closing = true;
            workAvailable.signalAll();
            spaceFreed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private BufferClosedException closedError() {
        Throwable failure = syncFailure;
        if (failure != null) {
            return new BufferClosedException("buffer stopped after a failed fsync: " + failure, failure);
        }
        WriteStall s = stall;
        return new BufferClosedException(s == null ? "buffer is closed: the batch was not written"
                : "buffer closed while the disk refused writes (" + s.error() + "): the batch was not written", null);
    }

    static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems refuse to fsync a directory; the rename/creation is then as durable as they allow.
            LOG.debug("directory fsync not supported: {}", e.toString());
        }
    }

    // ---- replay ----

    /**
     * Scans every segment, cutting each at its first invalid record. Returns {torn segments, bytes cut}.
     *
     * <p>Closed segments are fsynced with the next interval fsync, not at their roll ({@link #unsyncedClosed}), so
     * after a power cut an older segment may have lost its unsynced tail while a newer one kept pages the kernel had
     * written on its own. Both are kept: readers step over the hole to the next segment, and the records after it are
     * not lost too (the integrity chain recovers its head from the newest record, so no seq is reused).
     */
    private long[] replaySegments() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "*.seg")) {
            stream.forEach(files::add);
        }
        files.sort(java.util.Comparator.comparingLong(Segment::parseBase));
        long torn = 0;
        long cut = 0;
        RecordReader reader = new RecordReader(WRITE_BUFFER_BYTES, maxRecordBytes);
        Segment previous = null;
        for (Path file : files) {
            long base = Segment.parseBase(file);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            long fileSize = channel.size();
            RecordReader.Result result = reader.read(channel, 0, fileSize, (array, at, length, appendMillis) -> true);
            if (result.invalid()) {
                long valid = result.endOffset();
                LOG.warn("buffer segment {}: torn or corrupt record at offset {}, cutting {} bytes", file.getFileName(),
                        valid, fileSize - valid);
                channel.truncate(valid);
                channel.force(true);
                torn++;
                cut += fileSize - valid;
            }
            if (previous != null && previous.end() < base) {
                LOG.warn("buffer segment {} ends at {}, the next begins at {}: the {} bytes between were not on disk "
                        + "(a crash before their fsync); reading continues with the next segment",
                        previous.path.getFileName(), previous.end(), base, base - previous.end());
            }
            previous = new Segment(base, file, channel, channel.size());
            segments.put(base, previous);
        }
        return new long[]{torn, cut};
    }
}
