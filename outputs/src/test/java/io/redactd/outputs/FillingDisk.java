package io.redactd.outputs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A disk that fills up, for tests (they cannot mount a small tmpfs): channels from {@link #wrap} write through to a real
 * file until the disk's free bytes run out, then behave as Linux does on ENOSPC: the write that crosses the limit
 * stores what fits and returns a short count, the next one throws "No space left on device". {@link #free} gives space
 * back. Truncating is always allowed (it needs no space). Reads, fsync and the rest pass through.
 */
public final class FillingDisk {
    private final AtomicLong free = new AtomicLong(Long.MAX_VALUE);
    private final AtomicInteger refusals = new AtomicInteger();
    private final AtomicInteger truncateFailures = new AtomicInteger();
    private volatile boolean failTruncate;
    /**
     * {@link #ofCapacity}: the disk's size, and the bytes each open channel's file holds; space comes back when a file
     * is cut or its channel closed (the buffer closes a segment and then deletes it). -1: the plain free-bytes count.
     */
    private final long capacity;
    private final java.util.Map<Channel, Long> held = new java.util.concurrent.ConcurrentHashMap<>();

    public FillingDisk() {
        this(-1);
    }

    private FillingDisk(long capacity) {
        this.capacity = capacity;
    }

    /**
     * A disk of {@code bytes} shared by the files whose channels it wrapped, as a small tmpfs: a file holds its size
     * while its channel is open, truncating or closing (then deleting) it gives the space back.
     */
    public static FillingDisk ofCapacity(long bytes) {
        return new FillingDisk(bytes);
    }

    /** From now on writes may store {@code bytes} more in all (across every channel of this disk). */
    public void limit(long bytes) {
        free.set(bytes);
    }

    /** Space is back: writes succeed again. */
    public void free() {
        free.set(Long.MAX_VALUE);
    }

    /** Makes truncate fail too (a disk that went read-only, say), or work again. */
    public void failTruncate(boolean fail) {
        failTruncate = fail;
    }

    /** Writes refused for lack of space so far. */
    public int refusals() {
        return refusals.get();
    }

    /** Truncates refused by {@link #failTruncate} so far. */
    public int truncateFailures() {
        return truncateFailures.get();
    }

    public FileChannel wrap(FileChannel channel) {
        return new Channel(channel);
    }

    /** Takes up to {@code wanted} bytes of the free space; 0 when none is left. */
    private long take(long wanted) {
        if (capacity >= 0) {
            synchronized (held) {
                long used = held.values().stream().mapToLong(Long::longValue).sum();
                return Math.max(0, Math.min(wanted, capacity - used));
            }
        }
        while (true) {
            long left = free.get();
            long granted = Math.min(left, wanted);
            if (left == Long.MAX_VALUE || free.compareAndSet(left, left - granted)) {
                return left == Long.MAX_VALUE ? wanted : granted;
            }
        }
    }

    private IOException full() {
        refusals.incrementAndGet();
        return new IOException("No space left on device");
    }

    private final class Channel extends FileChannel {
        private final FileChannel delegate;

        Channel(FileChannel delegate) {
            this.delegate = delegate;
            if (capacity >= 0) {
                try {
                    held.put(this, delegate.size());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }

        /** Capacity mode: the file now holds its current size. */
        private void account() throws IOException {
            if (capacity >= 0 && delegate.isOpen()) {
                synchronized (held) {
                    held.put(this, delegate.size());
                }
            }
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            long granted = take(src.remaining());
            if (granted == 0 && src.hasRemaining()) {
                throw full();
            }
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + (int) granted);
            int n = delegate.write(part);
            src.position(src.position() + n);
            account();
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                while (srcs[i].hasRemaining()) {
                    int n;
                    try {
                        n = write(srcs[i]);
                    } catch (IOException e) {
                        if (total > 0) {
                            return total; // short write; the next call fails
                        }
                        throw e;
                    }
                    total += n;
                    if (srcs[i].hasRemaining()) {
                        return total;
                    }
                }
            }
            return total;
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            long granted = take(src.remaining());
            if (granted == 0 && src.hasRemaining()) {
                throw full();
            }
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + (int) granted);
            int n = delegate.write(part, position);
            src.position(src.position() + n);
            account();
            return n;
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            if (failTruncate) {
                truncateFailures.incrementAndGet();
                throw new IOException("Read-only file system");
            }
            delegate.truncate(size);
            account();
            return this;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return delegate.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return delegate.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return delegate.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return delegate.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            delegate.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return delegate.size();
        }

        @Override
        public void force(boolean metaData) throws IOException {
            delegate.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return delegate.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new UnsupportedOperationException("not used by the code under test");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return delegate.map(mode, position, size);
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return delegate.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return delegate.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            held.remove(this);
            delegate.close();
        }
    }
}
