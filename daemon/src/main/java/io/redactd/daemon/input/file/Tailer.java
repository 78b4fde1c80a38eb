package io.redactd.daemon.input.file;

import io.redactd.daemon.input.Newlines;
import io.redactd.daemon.pipeline.SplitContext;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads one file from an offset in 64 KiB chunks and splits it into lines on bytes. The chunk is a {@link ReadBuffer}
 * shared by every file of the reading thread: an idle file holds no read buffer, only an unfinished last line (in an
 * array of its size) and its identity, so tens of thousands of tailed files fit in a small heap. The file stays open, so a
 * rename does not interrupt it and a deleted file can still be read to its end. Detects copytruncate: the file got
 * shorter than what was read, or its first bytes changed (truncated and rewritten past the old offset between two
 * polls); reading then restarts at 0. Single-threaded, no Vert.x.
 *
 * <p>A line longer than the maximum is handed on in pieces, each with the raw bytes of the line around it
 * ({@link SplitContext}: up to {@link #CONTEXT} bytes before and after), so that the redactor can still see a value
 * that the cut runs through. A piece is therefore held until {@code CONTEXT} more bytes of its line are read or the
 * line ends.
 */
final class Tailer implements Closeable {

    static final int CHUNK_BYTES = 64 * 1024;
    private static final byte[] NONE = new byte[0];

    /** Receives lines; the bytes are only valid during the call. Returns false to stop reading after this line. */
    @FunctionalInterface
    interface Lines {
        boolean line(byte[] buf, int off, int len, long start, long end, int flags);

        /**
         * A piece of a split line ({@link #SPLIT}) with the raw bytes around it, which are PHI like the piece and
         * must only ever reach the redactor. A consumer that does not override this gets the piece alone.
         */
        default boolean piece(byte[] buf, int off, int len, long start, long end, int flags, SplitContext context) {
            return line(buf, off, len, start, end, flags);
        }
    }

    /** Bytes of context handed on each side of a piece of a split line. */
    static final int CONTEXT = SplitContext.CONTEXT_BYTES;

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
    /** Shared with the other files of the reading thread; bytes [pos, limit) are ours while we are its owner. */
    private final ReadBuffer chunk;
    private int pos;
    private int limit;
    /** File offset of chunk[limit]: the next byte to read from the file. */
    private long readOffset;
    /** The file's size as last seen (stat), for the lag and for skipping the read of a file that did not grow. */
    private long observedSize;
    private byte[] carry = NONE;
    private int carryLen;
    private long carryStart;
    private boolean splitting;
    /** While splitting: the last bytes (up to CONTEXT) of the line before the carry, handed on as context. */
    private byte[] before = NONE;
    private boolean stop;
    private Fingerprint fingerprint;
    /** The bytes {@link #fingerprint} was taken over, kept to recognise a copy of them still being written. */
    private byte[] fingerprinted = new byte[0];
    private Truncation lastTruncation;
    private Path path;
    private long lastSize = -1;
    private long truncations;
    private long bytesRead;
    private Runnable onClose;

    Tailer(FileChannel channel, Path path, Fingerprint fingerprint, int maxLineBytes, ReadBuffer chunk) {
        this.channel = channel;
        this.path = path;
        this.fingerprint = fingerprint;
        this.maxLineBytes = maxLineBytes;
        this.chunk = chunk;
    }

    /** Opens {@code path} for reading with a read buffer of its own (tests, one-off reads). */
    static Tailer open(Path path, int maxLineBytes) throws IOException {
        return open(path, maxLineBytes, new ReadBuffer());
    }

    /** Opens {@code path} for reading, reading into the thread's shared {@code chunk}, and fingerprints it. */
    static Tailer open(Path path, int maxLineBytes, ReadBuffer chunk) throws IOException {
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
                    new Fingerprint(after[0], after[1], head.length, Fingerprint.hash(head, head.length)), maxLineBytes,
                    chunk);
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
        long at = Math.min(offset, size);
        reset(at);
        resumeContext(at);
    }

    /**
     * Resuming in the middle of a line (after a split piece, e.g. from a checkpoint): the rest is a piece too, and
     * the end of the part already handed on is its context, read back from the file.
     */
    private void resumeContext(long at) throws IOException {
        if (at == 0) {
            return;
        }
        int n = (int) Math.min(CONTEXT, at);
        ByteBuffer back = ByteBuffer.allocate(n);
        while (back.hasRemaining() && channel.read(back, at - n + back.position()) > 0) {
            // read fully; a short file (truncated meanwhile) leaves it short
        }
        if (back.position() != n || back.get(n - 1) == '\n') {
            return;
        }
        int from = n;
        while (from > 0 && back.get(from - 1) != '\n') {
            from--;
        }
        before = Arrays.copyOfRange(back.array(), from, n);
        splitting = true;
    }

    /**
     * Reads and hands on lines until the consumer asks to stop, the end of the file is reached, or a truncation is
     * found. A partial last line is kept until its newline arrives (or {@link #flushPartial} is called).
     */
    Outcome read(Lines out) throws IOException {
        long size = channel.size();
        observedSize = size;
        if (size < readOffset || headChanged(size)) {
            Fingerprint old = fingerprint;
            // Full pieces held for their context go out now, with what follows them so far.
            while (carryLen > maxLineBytes) {
                emitPiece(out, Math.min(CONTEXT, carryLen - maxLineBytes));
            }
            byte[] partial = Arrays.copyOf(carry, carryLen);
            lastTruncation = new Truncation(old, lineOffset(), partial, splitting ? SPLIT : 0,
                    splitting ? new SplitContext(before, null) : null);
            reset(0);
            truncations++;
            return Outcome.TRUNCATED;
        }
        stop = false;
        if (pos < limit && chunk.owner != this) {
            // Another file read into the shared chunk since we stopped in it: read the rest again (page cache).
            readOffset -= limit - pos;
            pos = 0;
            limit = 0;
        }
        boolean grew = false;
        while (true) {
            if (pos == limit) {
                if (readOffset >= size) {
                    // All the last stat showed is read. An idle file costs this one fstat per poll, no read; after
                    // reading, one more stat picks up what was written meanwhile, as the read returning 0 did.
                    size = grew ? channel.size() : size;
                    observedSize = size;
                    if (readOffset >= size) {
                        return idle();
                    }
                }
                ByteBuffer view = chunk.view;
                view.clear();
                chunk.owner = this;
                int n = channel.read(view, readOffset);
                if (n <= 0) {
                    return idle();
                }
                grew = true;
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

    /**
     * At the end of the file: nothing of ours is left in the shared chunk, and the unfinished last line, if any, is
     * kept in an array of its size (a carry that grew for a long line would otherwise stay that big while idle).
     */
    private Outcome idle() {
        pos = 0;
        limit = 0;
        if (carry.length != carryLen) {
            carry = carryLen == 0 ? NONE : Arrays.copyOf(carry, carryLen);
        }
        return Outcome.EOF;
    }

    private void scan(Lines out) {
        byte[] buf = chunk.bytes;
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
                while (len > maxLineBytes) {
                    int n = Math.min(CONTEXT, len - maxLineBytes);
                    emitPiece(out, n);
                    len -= maxLineBytes;
                }
                boolean more = splitting
                        ? out.piece(carry, 0, len, carryStart, end, SPLIT, new SplitContext(before, null))
                        : out.line(carry, 0, len, carryStart, end, 0);
                stop = stop || !more;
                carryLen = 0;
                splitting = false;
                before = NONE;
            }
            pos = nl + 1;
        }
    }

    /**
     * Adds bytes of an unfinished line to the carry, handing on a full piece as soon as {@link #CONTEXT} bytes that
     * follow it are read (its context).
     */
    private void append(Lines out, int from, int to) {
        byte[] buf = chunk.bytes;
        int hold = maxLineBytes + CONTEXT;
        while (from < to) {
            if (carryLen == 0) {
                carryStart = offsetOf(from);
            }
            int n = Math.min(hold - carryLen, to - from);
            ensureCarry(carryLen + n);
            System.arraycopy(buf, from, carry, carryLen, n);
            carryLen += n;
            from += n;
            if (carryLen == hold) {
                emitPiece(out, CONTEXT);
            }
        }
    }

    /**
     * Hands on the first {@code maxLineBytes} of the carry as a piece, with the line's bytes before it and the next
     * {@code after} bytes of the carry as its context, and keeps the rest.
     */
    private void emitPiece(Lines out, int after) {
        int max = maxLineBytes;
        SplitContext context = new SplitContext(before, Arrays.copyOfRange(carry, max, max + after));
        stop |= !out.piece(carry, 0, max, carryStart, carryStart + max, SPLIT, context);
        before = SplitContext.nextBefore(before, carry, max);
        splitting = true;
        System.arraycopy(carry, max, carry, 0, carryLen - max);
        carryLen -= max;
        carryStart += max;
    }

    private void ensureCarry(int needed) {
        if (carry.length < needed) {
            int cap = maxLineBytes + CONTEXT;
            int size = Math.max(needed, Math.min(cap, Math.max(4096, carry.length * 2)));
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
        while (carryLen > maxLineBytes) {
            emitPiece(out, Math.min(CONTEXT, carryLen - maxLineBytes));
        }
        if (splitting) {
            out.piece(carry, 0, carryLen, carryStart, carryStart + carryLen, UNTERMINATED | SPLIT,
                    new SplitContext(before, null));
        } else {
            out.line(carry, 0, carryLen, carryStart, carryStart + carryLen, UNTERMINATED);
        }
        carryLen = 0;
        splitting = false;
        before = NONE;
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
        before = NONE;
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

    /** The size seen by the last {@link #read} (no system call). */
    long observedSize() {
        return observedSize;
    }

    Fingerprint fingerprint() {
        return fingerprint;
    }

    /**
     * What the last {@link Outcome#TRUNCATED} left behind: the content's fingerprint before it, the offset just past
     * the last complete line handed on (where a copy of the old content continues), and an unterminated line that
     * had been read but not handed on (with its context when it is the last piece of a split line, else null).
     */
    record Truncation(Fingerprint before, long resumeOffset, byte[] partial, int partialFlags,
                      SplitContext partialContext) {
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

    /** Runs {@code action} once, when this tailer is closed (gives its descriptor back to the budget). */
    void onClose(Runnable action) {
        this.onClose = action;
    }

    @Override
    public void close() throws IOException {
        Runnable action = onClose;
        onClose = null;
        try {
            channel.close();
        } finally {
            if (action != null) {
                action.run();
            }
        }
    }
}
