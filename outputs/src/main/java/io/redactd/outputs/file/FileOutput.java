package io.redactd.outputs.file;

import io.redactd.outputs.EventBatch;
import io.redactd.outputs.Output;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Writes NDJSON to a file with size-based rotation. All file work runs on one dedicated worker thread, so batches are
 * written in the order {@link #write} was called and the event loop never blocks on disk.
 */
public final class FileOutput implements Output {
    private static final Logger LOG = LoggerFactory.getLogger(FileOutput.class);
    private static final int BUFFER_BYTES = 256 * 1024;

    private final String id;
    private final FileOutputConfig config;
    private final Path path;
    private final WorkerExecutor worker;
    /** Direct: a heap buffer is copied again into a temporary direct buffer by every channel write. */
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private static final long REMINDER_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final Opener opener;
    private FileChannel channel;
    /** Bytes in the live file plus those waiting in {@link #buffer}. */
    private long size;
    /** Bumped when the live file is renamed away (rotation): a batch's mark then no longer names this file. */
    private long generation;
    /**
     * The live file's length a failed batch must be cut back to, or -1. While set, nothing is written: appending after a
     * torn batch would glue a fragment to the next document and write documents that the retry writes again.
     */
    private long rollbackTo = -1;
    private long lastRollbackLogNanos;
    private volatile boolean ready;
    /** Why the last batch failed and since when, for /readyz; null once a batch is written. */
    private volatile String failure;

    /** Opens the live file for appending; {@code FileChannel.open} except in tests that need a disk that fills up. */
    @FunctionalInterface
    interface Opener {
        FileChannel open(Path path) throws IOException;
    }

    public FileOutput(String id, FileOutputConfig config, Vertx vertx) {
        this(id, config, vertx, p -> FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND));
    }

    FileOutput(String id, FileOutputConfig config, Vertx vertx, Opener opener) {
        this.id = id;
        this.config = config;
        this.path = Path.of(config.path()).toAbsolutePath();
        this.worker = vertx.createSharedWorkerExecutor("redactd-output-" + id, 1);
        this.opener = opener;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Future<Void> start() {
        return worker.<Void>executeBlocking(() -> {
            Path parent = path.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            open();
            ready = true;
            LOG.info("output={} type=file path={} size={}", id, path, size);
            return null;
        }, false);
    }

    @Override
    public Future<Void> write(EventBatch batch) {
        return worker.<Void>executeBlocking(() -> {
            if (rollbackTo >= 0 && !rollBack()) {
                throw new UncheckedIOException(new IOException("output " + id + ": " + path
                        + " still holds part of a failed batch and cannot be cut back; nothing is written until it can"));
            }
            long mark = size;
            long markGeneration = generation;
            try {
                for (byte[] doc : batch.documents()) {
                    append(doc);
                }
                drain();
                if (config.fsyncEachBatch()) {
                    channel.force(false);
                }
                ready = true;
                failure = null;
                return null;
            } catch (IOException e) {
                // A disk that filled up mid-batch leaves part of it in the file. The caller keeps the batch and writes
                // it again, so the file goes back to where the batch began: each document then lands exactly once, on
                // whole lines (after a rotation within the batch the new file is cut to empty; what went into the
                // rotated file before it stays there and is written again: duplicates, never a torn line).
                ready = false;
                if (failure == null) {
                    failure = "write failed since "
                            + java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                            + " (" + e.getMessage() + ")";
                }
                buffer.clear();
                rollbackTo = generation == markGeneration ? mark : 0;
                String undone = rollBack() ? "; the partial batch was cut off"
                        : "; cutting the partial batch off failed too, nothing is written until it succeeds";
                // The message names the file and the OS error only; documents are never put in exceptions.
                throw new UncheckedIOException("output " + id + ": writing " + path + " failed: " + e.getMessage()
                        + undone, e);
            }
        }, false);
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public String notReadyReason() {
        return ready ? null : failure;
    }

    @Override
    public Future<Void> stop() {
        return worker.<Void>executeBlocking(() -> {
            ready = false;
            if (rollbackTo >= 0) {
                rollBack();
                buffer.clear();
            }
            if (channel != null && channel.isOpen()) {
                drain();
                channel.force(false);
                channel.close();
                channel = null;
            }
            return null;
        }, false).eventually(worker::close);
    }

    private void open() throws IOException {
        if (Files.exists(path)) {
            try (FileChannel existing = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                cutTornTail(existing);
            }
        }
        channel = opener.open(path);
        size = channel.size();
    }

    /**
     * Cuts the live file back to {@link #rollbackTo} and syncs the cut (reopening the file if a failed rotation closed
     * it). True when done; false leaves the mark set, and is logged at most once a minute.
     */
    private boolean rollBack() {
        try {
            if (channel == null || !channel.isOpen()) {
                open();
            }
            if (channel.size() > rollbackTo) {
                channel.truncate(rollbackTo);
            }
            channel.force(true);
            size = channel.size();
            if (lastRollbackLogNanos != 0) {
                LOG.info("output={} cut the partial batch off {}; writing again", id, path);
            }
            rollbackTo = -1;
            lastRollbackLogNanos = 0;
            return true;
        } catch (IOException e) {
            long now = System.nanoTime();
            if (lastRollbackLogNanos == 0 || now - lastRollbackLogNanos >= REMINDER_NANOS) {
                lastRollbackLogNanos = now;
                LOG.error("output={} cannot cut a failed batch off {} ({}); nothing is written to it until that works",
                        id, path, e.getMessage());
            }
            return false;
        }
    }

    /**
     * A crash mid-write can leave a last line without its newline. That document was never acknowledged, so it is
     * written again (the disk buffer redelivers it); cutting the fragment keeps the file one whole document per line
     * instead of gluing the fragment to the next document. Returns the new size.
     */
    private long cutTornTail(FileChannel ch) throws IOException {
        long end = ch.size();
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        long pos = end;
        while (pos > 0) {
            int n = (int) Math.min(chunk.capacity(), pos);
            chunk.clear().limit(n);
            long from = pos - n;
            while (chunk.hasRemaining() && ch.read(chunk, from + chunk.position()) >= 0) {
                // read until the chunk is full
            }
            for (int i = n - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    long keep = from + i + 1;
                    if (keep < end) {
                        LOG.warn("output={} cut a torn last line of {} bytes (a crash mid-write); it is written again",
                                id, end - keep);
                        ch.truncate(keep);
                    }
                    return keep;
                }
            }
            pos = from;
        }
        if (end > 0) {
            LOG.warn("output={} cut a torn last line of {} bytes (a crash mid-write); it is written again", id, end);
            ch.truncate(0);
        }
        return 0;
    }

    private void append(byte[] doc) throws IOException {
        long need = doc.length + 1L;
        if (size > 0 && size + need > config.maxBytes()) {
            rotate();
        }
        if (need > buffer.remaining()) {
            drain();
        }
        if (need > buffer.capacity()) {
            writeFully(ByteBuffer.wrap(doc));
            writeFully(ByteBuffer.wrap(new byte[] {'\n'}));
        } else {
            buffer.put(doc).put((byte) '\n');
        }
        size += need;
    }

    private void drain() throws IOException {
        buffer.flip();
        writeFully(buffer);
        buffer.clear();
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    /** path -> path.1 -> ... -> path.maxFiles; the oldest falls off. The live file is synced before it is renamed. */
    private void rotate() throws IOException {
        drain();
        channel.force(false);
        channel.close();
        int keep = config.maxFiles();
        if (keep == 0) {
            Files.delete(path);
            generation++;
        } else {
            Files.deleteIfExists(rotated(keep));
            for (int i = keep - 1; i >= 1; i--) {
                Path from = rotated(i);
                if (Files.exists(from)) {
                    Files.move(from, rotated(i + 1), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Files.move(path, rotated(1), StandardCopyOption.ATOMIC_MOVE);
            generation++;
        }
        open();
        LOG.info("output={} rotated path={} keep={}", id, path, keep);
    }

    private Path rotated(int n) {
        return path.resolveSibling(path.getFileName() + "." + n);
    }
}
