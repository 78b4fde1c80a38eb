package io.redactd.daemon.input.file;

import io.redactd.daemon.input.Newlines;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads one file from an offset in 64 KiB chunks and splits it into lines on bytes. The file stays open, so a
 * rename does not interrupt it and a deleted file can still be read to its end. Detects copytruncate: the file got
 * shorter than what was read, or its first bytes changed (truncated and rewritten past the old offset between two
 * polls); reading then restarts at 0. Single-threaded, no Vert.x.
 */
final class Tailer implements Closeable {

    static final int CHUNK_BYTES = 64 * 1024;

    /** Receives lines; the bytes are only valid during the call. Returns false to stop reading after this line. */
    @FunctionalInterface
    interface Lines {
        boolean line(byte[] buf, int off, int len, long start, long end, int flags);
    }

    /** Flag: a piece of a line longer than the maximum. */
    static final int SPLIT = 1;
    /** Flag: a line without terminating newline, handed on because the file is let go. */
    static final int UNTERMINATED = 2;

    enum Outcome {
        /** The consumer asked to stop; more data may be waiting. */
        MORE,
        /** Everything in the file has been read. */
        EOF,
        /** The file was truncated; reading restarts at 0 on the next call. */
        TRUNCATED
    }

    private final FileChannel channel;
    private final int maxLineBytes;
    private final byte[] buf = new byte[CHUNK_BYTES];
    private final ByteBuffer bufView = ByteBuffer.wrap(buf);
    private int pos;
    private int limit;
    /** File offset of buf[limit]: the next byte to read from the file. */
    private long readOffset;
    private byte[] carry = new byte[0];
    private int carryLen;
    private long carryStart;
    private boolean splitting;
    private boolean stop;
    private Fingerprint fingerprint;
    /** The bytes {@link #fingerprint} was taken over, kept to recognise a copy of them still being written. */
    private byte[] fingerprinted = new byte[0];
    private Truncation lastTruncation;
    private Path path;
    private long lastSize = -1;
    private long truncations;
    private long bytesRead;

    Tailer(FileChannel channel, Path path, Fingerprint fingerprint, int maxLineBytes) {
        this.channel = channel;
        this.path = path;
        this.fingerprint = fingerprint;
        this.maxLineBytes = maxLineBytes;
    }

    /** Opens {@code path} for reading and fingerprints it. */
    static Tailer open(Path path, int maxLineBytes) throws IOException {
        long[] before = Fingerprint.devIno(path);
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long[] after = Fingerprint.devIno(path);
            if (before[0] != after[0] || before[1] != after[1]) {
                // Replaced between stat and open: identify what we actually opened by statting again is impossible
                // from Java, so give up this time; the next discovery opens the new file.
                throw new java.nio.file.NoSuchFileException(path.toString(), null, "replaced while opening");
            }
            byte[] head = Fingerprint.readHead(channel, Fingerprint.HEAD_BYTES);
            Tailer t = new Tailer(channel, path,
                    new Fingerprint(after[0], after[1], head.length, Fingerprint.hash(head, head.length)), maxLineBytes);
            t.fingerprinted = head;
            return t;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Continues reading at {@code offset} (clamped to the file size). */
    void seek(long offset) throws IOException {
        long size = channel.size();
        reset(Math.min(offset, size));
    }

    /**
     * Reads and hands on lines until the consumer asks to stop, the end of the file is reached, or a truncation is
     * found. A partial last line is kept until its newline arrives (or {@link #flushPartial} is called).
     */
    Outcome read(Lines out) throws IOException {
        long size = channel.size();
        if (size < readOffset || headChanged(size)) {
            Fingerprint before = fingerprint;
            byte[] partial = Arrays.copyOf(carry, carryLen);
            lastTruncation = new Truncation(before, lineOffset(), partial, splitting ? SPLIT : 0);
            reset(0);
            truncations++;
            return Outcome.TRUNCATED;
        }
        stop = false;
        while (true) {
            if (pos == limit) {
                bufView.clear();
                int n = channel.read(bufView, readOffset);
                if (n <= 0) {
                    pos = 0;
                    limit = 0;
                    return Outcome.EOF;
                }
                pos = 0;
                limit = n;
                readOffset += n;
                bytesRead += n;
            }
            scan(out);
            if (stop) {
                return Outcome.MORE;
            }
        }
    }

    private void scan(Lines out) {
        while (pos < limit && !stop) {
            int nl = Newlines.indexOf(buf, pos, limit);
            if (nl < 0) {
                append(out, pos, limit);
                pos = limit;
                return;
            }
            long end = offsetOf(nl) + 1;
            if (carryLen == 0 && !splitting && nl - pos <= maxLineBytes) {
                int len = nl - pos;
                if (len > 0 && buf[nl - 1] == '\r') {
                    len--;
                }
                stop = !out.line(buf, pos, len, offsetOf(pos), end, 0);
            } else {
                append(out, pos, nl);
                int len = carryLen;
                if (len > 0 && carry[len - 1] == '\r') {
                    len--;
                }
                boolean more = out.line(carry, 0, len, carryStart, end, splitting ? SPLIT : 0);
                stop = stop || !more;
                carryLen = 0;
                splitting = false;
            }
            pos = nl + 1;
        }
    }

    /** Adds bytes of an unfinished line to the carry, handing on a full piece whenever more bytes must follow it. */
    private void append(Lines out, int from, int to) {
        while (from < to) {
            if (carryLen == 0) {
                carryStart = offsetOf(from);
            }
            if (carryLen == maxLineBytes) {
                stop |= !out.line(carry, 0, carryLen, carryStart, carryStart + carryLen, SPLIT);
                splitting = true;
                carryStart += carryLen;
                carryLen = 0;
                continue;
            }
            int n = Math.min(maxLineBytes - carryLen, to - from);
            ensureCarry(carryLen + n);
            System.arraycopy(buf, from, carry, carryLen, n);
            carryLen += n;
            from += n;
        }
    }

    private void ensureCarry(int needed) {
        if (carry.length < needed) {
            int size = Math.max(needed, Math.min(maxLineBytes, Math.max(4096, carry.length * 2)));
            carry = Arrays.copyOf(carry, size);
        }
    }

    private long offsetOf(int index) {
        return readOffset - (limit - index);
    }

    /** Hands on a line that has no newline yet (the file is being let go); returns false if there was none. */
    boolean flushPartial(Lines out) {
        if (carryLen == 0) {
            return false;
        }
        out.line(carry, 0, carryLen, carryStart, carryStart + carryLen, UNTERMINATED | (splitting ? SPLIT : 0));
        carryLen = 0;
        splitting = false;
        return true;
    }

    /**
     * Checks, when the size changed, that the first bytes are still the ones fingerprinted (a copytruncate followed
     * by enough new writes keeps the size above our offset but changes the head), and extends a short fingerprint.
     */
    private boolean headChanged(long size) throws IOException {
        if (size == lastSize) {
            return false;
        }
        lastSize = size;
        Fingerprint fp = fingerprint;
        if (fp.headLen() == Fingerprint.HEAD_BYTES) {
            return !fp.headMatches(channel);
        }
        byte[] head = Fingerprint.readHead(channel, Fingerprint.HEAD_BYTES);
        if (fp.headLen() > 0 && !fp.headMatches(head)) {
            return true;
        }
        if (head.length > fp.headLen()) {
            fingerprint = new Fingerprint(fp.dev(), fp.ino(), head.length, Fingerprint.hash(head, head.length));
            fingerprinted = head;
        }
        return false;
    }

    private void reset(long offset) {
        pos = 0;
        limit = 0;
        readOffset = offset;
        carryLen = 0;
        splitting = false;
        if (offset == 0) {
            fingerprint = new Fingerprint(fingerprint.dev(), fingerprint.ino(), 0, 0);
            fingerprinted = new byte[0];
            lastSize = -1;
        }
    }

    /** Offset just past the last complete line handed on: where reading would resume without loss. */
    long lineOffset() {
        return carryLen > 0 || splitting ? carryStart : offsetOf(pos);
    }

    /** True if this file begins with the head fingerprinted in {@code fp} (and is at least that long). */
    boolean startsWith(Fingerprint fp) throws IOException {
        return fp.headMatches(channel);
    }

    /** The file's first {@link Fingerprint#HEAD_BYTES} bytes (fewer if it is shorter). */
    byte[] head() throws IOException {
        return Fingerprint.readHead(channel, Fingerprint.HEAD_BYTES);
    }

    /**
     * True if {@code other} (another file's first bytes) and the bytes this file was fingerprinted over agree as far
     * as both go: the other may be a copy of this one, complete or still being written (an empty file included).
     */
    boolean headOverlaps(byte[] other) {
        int n = Math.min(other.length, fingerprinted.length);
        return fingerprinted.length > 0 && Arrays.equals(other, 0, n, fingerprinted, 0, n);
    }

    long size() throws IOException {
        return channel.size();
    }

    Fingerprint fingerprint() {
        return fingerprint;
    }

    /**
     * What the last {@link Outcome#TRUNCATED} left behind: the content's fingerprint before it, the offset just past
     * the last complete line handed on (where a copy of the old content continues), and an unterminated line that
     * had been read but not handed on.
     */
    record Truncation(Fingerprint before, long resumeOffset, byte[] partial, int partialFlags) {
    }

    Truncation lastTruncation() {
        return lastTruncation;
    }

    Path path() {
        return path;
    }

    void path(Path renamedTo) {
        this.path = renamedTo;
    }

    long truncations() {
        return truncations;
    }

    long bytesRead() {
        return bytesRead;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
