package io.redactd.daemon.input.http;

import io.vertx.core.buffer.Buffer;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A request body (or an inflated one) as a list of blocks of at most 64 KiB, each block charged to the request's
 * {@link RequestMemory} as it is allocated. Unlike a growing buffer nothing is copied to grow and no capacity is
 * wasted beyond one block (with a known Content-Length the last block has the exact size), and blocks can be let go
 * as soon as the parser is past them, so a body and the events made from it are not both held whole.
 */
final class BodyBytes {
    static final int BLOCK = 64 * 1024;

    private final RequestMemory memory;
    private final List<byte[]> blocks = new ArrayList<>();
    /** Bytes the body is expected to have (Content-Length), or -1. */
    private final long expected;
    private long length;
    /** Blocks before this index were released. */
    private int firstLive;

    BodyBytes(RequestMemory memory, long expected) {
        this.memory = memory;
        this.expected = expected;
    }

    long length() {
        return length;
    }

    void append(Buffer chunk) throws RequestRejected {
        int from = 0;
        int n = chunk.length();
        while (from < n) {
            byte[] last = room();
            int at = (int) (length - (long) (blocks.size() - 1) * BLOCK);
            int take = Math.min(n - from, last.length - at);
            chunk.getBytes(from, from + take, last, at);
            from += take;
            length += take;
        }
    }

    void append(byte[] src, int off, int len) throws RequestRejected {
        while (len > 0) {
            byte[] last = room();
            int at = (int) (length - (long) (blocks.size() - 1) * BLOCK);
            int take = Math.min(len, last.length - at);
            System.arraycopy(src, off, last, at, take);
            off += take;
            len -= take;
            length += take;
        }
    }

    /** The last block if it has room, else a new one (charged first). Every block but the last is full. */
    private byte[] room() throws RequestRejected {
        if (!blocks.isEmpty()) {
            byte[] last = blocks.get(blocks.size() - 1);
            if (length - (long) (blocks.size() - 1) * BLOCK < last.length) {
                return last;
            }
            if (last.length < BLOCK) {
                // the Content-Length was short of the body: the exact-size block is swapped for a full one
                byte[] full = new byte[BLOCK];
                memory.charge(BLOCK);
                System.arraycopy(last, 0, full, 0, last.length);
                memory.free(last.length);
                blocks.set(blocks.size() - 1, full);
                return full;
            }
        }
        long left = expected - length;
        int size = left > 0 && left < BLOCK ? (int) left : BLOCK;
        memory.charge(size);
        byte[] block = new byte[size];
        blocks.add(block);
        return block;
    }

    /** Valid bytes of block {@code i}. */
    private int filled(int i) {
        return (int) Math.min(BLOCK, length - (long) i * BLOCK);
    }

    /** A gzip body's trailer (ISIZE, the last member's inflated size mod 2^32), or -1 when too short to have one. */
    long gzipInflatedSize() {
        if (length < 18 || firstLive > 0) {
            return -1;
        }
        long size = 0;
        for (int i = 1; i <= 4; i++) {
            long at = length - i;
            size = (size << 8) | (blocks.get((int) (at / BLOCK))[(int) (at % BLOCK)] & 0xff);
        }
        return size;
    }

    /** Lets go of every block that lies wholly before {@code offset}. */
    void releaseBefore(long offset) {
        while (firstLive < blocks.size() && (long) (firstLive + 1) * BLOCK <= offset) {
            memory.free(blocks.get(firstLive).length);
            blocks.set(firstLive++, null);
        }
    }

    /** Lets go of every block. */
    void releaseAll() {
        releaseBefore(Long.MAX_VALUE);
    }

    /** Bytes {@code [from, to)}, which must not have been released. */
    byte[] copy(long from, long to) {
        if (from < (long) firstLive * BLOCK || to < from || to > length) {
            // a parser that cannot give byte offsets (-1) must not get an empty event: the caller's bug, a bad body
            throw new IllegalArgumentException("range outside the live body");
        }
        byte[] out = new byte[(int) (to - from)];
        int at = 0;
        while (from < to) {
            int b = (int) (from / BLOCK);
            int off = (int) (from % BLOCK);
            int take = (int) Math.min(to - from, filled(b) - off);
            System.arraycopy(blocks.get(b), off, out, at, take);
            at += take;
            from += take;
        }
        return out;
    }

    /** Receives the body block by block; each block is released once handed over when {@code releasing}. */
    interface BlockSink {
        void accept(byte[] block, int off, int len) throws RequestRejected;
    }

    void forEachBlock(BlockSink sink) throws RequestRejected {
        for (int i = firstLive; i < blocks.size(); i++) {
            sink.accept(blocks.get(i), 0, filled(i));
            releaseBefore((long) (i + 1) * BLOCK);
        }
    }

    /** Reads the body from the first live block; with {@code releasing}, each block is let go once read past. */
    InputStream stream(boolean releasing) {
        return new InputStream() {
            long pos = (long) firstLive * BLOCK;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] dst, int off, int len) {
                if (pos >= length) {
                    return -1;
                }
                if (len == 0) {
                    return 0;
                }
                int b = (int) (pos / BLOCK);
                int at = (int) (pos % BLOCK);
                int take = (int) Math.min(len, filled(b) - at);
                System.arraycopy(blocks.get(b), at, dst, off, take);
                pos += take;
                if (releasing) {
                    releaseBefore(pos);
                }
                return take;
            }

            @Override
            public int available() {
                return (int) Math.min(Integer.MAX_VALUE, length - pos);
            }
        };
    }
}
