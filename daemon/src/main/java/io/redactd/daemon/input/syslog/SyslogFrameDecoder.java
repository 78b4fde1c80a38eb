package io.redactd.daemon.input.syslog;

import io.redactd.daemon.input.Newlines;

/**
 * Splits a syslog TCP byte stream into frames (RFC 6587). The framing is decided by the first byte of the
 * connection: a digit means octet counting ({@code LEN SP MSG}, RFC 5425/6587 3.4.1), anything else newline-terminated
 * ("non-transparent", 3.4.2). Pure byte work, no Vert.x, one instance per connection, not thread-safe.
 *
 * <p>Memory is bounded by {@code maxFrameBytes} plus a header: an octet-counted frame announced larger than the limit
 * is skipped as it streams past (framing stays intact), an over-long line is skipped to its newline. After a broken
 * octet-count header the decoder resynchronises on the next {@code DIGITS SP <} (the start of a counted frame).
 *
 * <p>A count is only trusted while it is consistent: the body starts with {@code <} (when the connection's first frame
 * did) and what follows it is filler, the next {@code DIGITS SP <}, or not here yet. A wrong count (a sender that
 * counted characters instead of UTF-8 bytes, a stray digit glued in front of a header) costs the frame it belongs to,
 * counted as {@link Malformation#BAD_OCTET_COUNT}, not the frames that follow. The checks look at a few bytes after
 * each frame; the search for another frame start only runs once a check failed.
 */
public final class SyslogFrameDecoder {

    public enum Framing { UNDECIDED, OCTET_COUNTING, NON_TRANSPARENT }

    public enum Malformation {
        /** an octet-counting header that is not {@code DIGITS SP} */
        BAD_OCTET_COUNT,
        /** an octet-counted frame larger than max_frame_bytes (skipped) */
        FRAME_TOO_LARGE,
        /** a newline-terminated line longer than max_frame_bytes (skipped to its newline) */
        LINE_TOO_LONG,
        /** the connection ended inside an octet-counted frame */
        TRUNCATED
    }

    /** Receives frames and framing errors. A frame's bytes are only valid during the call: copy what you keep. */
    public interface Listener {
        void frame(byte[] buffer, int offset, int length);

        /** @param streamOffset byte offset in the connection's stream where the problem starts */
        void malformed(Malformation kind, long streamOffset);
    }

    private static final int MAX_COUNT_DIGITS = 10;
    private static final int HEADER_ROOM = MAX_COUNT_DIGITS + 2;

    private final int maxFrameBytes;
    private byte[] buf;
    private int start;
    private int end;
    private int lineScanFrom;
    private long bufBase; // stream offset of buf[0]
    private Framing framing = Framing.UNDECIDED;
    private long skipBytes;
    private boolean skippingLine;
    private boolean resyncing;
    /** Resync starts past the rest of a broken header's digits, which had not all arrived. */
    private boolean skipDigitRun;
    /** Where a resync waiting for a candidate's body resumes (see {@link #findFrameStart}). */
    private int waitFrom;
    /** Whether this connection's counted frames start with {@code <} (a PRI), decided by its first frame. */
    private int bodyStart = BODY_UNKNOWN;
    private boolean eof;

    private static final int BODY_UNKNOWN = 0;
    private static final int BODY_LT = 1;
    private static final int BODY_OTHER = 2;

    public SyslogFrameDecoder(int maxFrameBytes) {
        if (maxFrameBytes < 16) {
            throw new IllegalArgumentException("max_frame_bytes must be at least 16, got " + maxFrameBytes);
        }
        this.maxFrameBytes = maxFrameBytes;
        this.buf = new byte[Math.min(maxFrameBytes + HEADER_ROOM, 64 * 1024)];
    }

    public Framing framing() {
        return framing;
    }

    /** Bytes held waiting for the rest of a frame (bounded by max_frame_bytes plus a header). */
    public int pendingBytes() {
        return end - start;
    }

    public void feed(byte[] data, int offset, int length, Listener listener) {
        int pos = offset;
        int limit = offset + length;
        while (pos < limit) {
            if (skipBytes > 0 && start == end) {
                // skip an oversize counted frame straight from the input, without buffering it
                int n = (int) Math.min(skipBytes, limit - pos);
                skipBytes -= n;
                pos += n;
                bufBase += n;
                continue;
            }
            makeRoom();
            int n = Math.min(buf.length - end, limit - pos);
            if (n == 0) {
                // cannot happen by construction (see process); refuse to spin if it ever does
                throw new IllegalStateException("syslog frame buffer full without a decision");
            }
            System.arraycopy(data, pos, buf, end, n);
            end += n;
            pos += n;
            process(listener);
        }
    }

    /** The connection ended: a pending unterminated line is a last frame; a pending counted frame is truncated. */
    public void end(Listener listener) {
        if (framing == Framing.NON_TRANSPARENT && !skippingLine && end > start) {
            emitLine(start, end, listener);
        } else if (framing == Framing.OCTET_COUNTING && skipBytes > 0) {
            listener.malformed(Malformation.TRUNCATED, bufBase + start);
        } else if (framing == Framing.OCTET_COUNTING) {
            // nothing more will come: a frame still waiting for its body is truncated, and the frames that a wrong
            // count had covered are still found (what a resync leaves is junk, already counted)
            eof = true;
            process(listener);
        }
        start = end;
        skipBytes = 0;
    }

    private void makeRoom() {
        if (start > 0) {
            int pending = end - start;
            System.arraycopy(buf, start, buf, 0, pending);
            bufBase += start;
            lineScanFrom -= start;
            start = 0;
            end = pending;
        }
        int cap = maxFrameBytes + HEADER_ROOM;
        if (end == buf.length && buf.length < cap) {
            byte[] bigger = new byte[(int) Math.min(cap, buf.length * 2L)];
            System.arraycopy(buf, 0, bigger, 0, end);
            buf = bigger;
        }
    }

    private void process(Listener listener) {
        while (true) {
            if (skipBytes > 0) {
                int n = (int) Math.min(skipBytes, end - start);
                start += n;
                skipBytes -= n;
                if (skipBytes > 0) {
                    return;
                }
            }
            if (start == end) {
                return;
            }
            if (framing == Framing.UNDECIDED) {
                while (start < end && isFiller(buf[start])) {
                    start++;
                }
                if (start == end) {
                    return;
                }
                framing = isDigit(buf[start]) ? Framing.OCTET_COUNTING : Framing.NON_TRANSPARENT;
                lineScanFrom = start;
            }
            boolean progressed = framing == Framing.OCTET_COUNTING ? countedFrame(listener) : line(listener);
            if (!progressed) {
                return;
            }
        }
    }

    /** One step in octet-counting mode; false when more input is needed. */
    private boolean countedFrame(Listener listener) {
        while (start < end && isFiller(buf[start])) {
            start++;
        }
        if (start == end) {
            return false;
        }
        if (resyncing) {
            return resync(listener);
        }
        long count = 0;
        int i = start;
        while (i < end && isDigit(buf[i]) && i - start < MAX_COUNT_DIGITS) {
            count = count * 10 + (buf[i] - '0');
            i++;
        }
        int digits = i - start;
        if (i == end && digits < MAX_COUNT_DIGITS) {
            return eof && truncated(listener); // header not complete yet
        }
        if (digits == 0 || buf[i] != ' ' || buf[start] == '0' || count > Integer.MAX_VALUE) {
            return badHeader(listener, i);
        }
        int body = i + 1;
        if (count > maxFrameBytes) {
            return oversize(listener, body, count);
        }
        int bodyEnd = body + (int) count;
        if (bodyEnd > end) {
            return eof && truncated(listener);
        }
        // The count is trusted when what follows the body is the start of another frame. When it is not, or nothing
        // follows yet and the body does not start like the connection's frames do, either this count is wrong (then
        // a consistent frame starts inside what it claims: a sender that counted characters instead of UTF-8 bytes,
        // stray digits in front of this header) or the frame is odd but right (a message without PRI, a broken next
        // header: the next step resyncs). Only this error path searches.
        boolean oddBody = (bodyStart != BODY_LT || buf[body] != '<') && !firstOrOtherBody(body);
        boolean unvouched = !nextLooksLikeFrame(bodyEnd) || oddBody && bodyEnd == end;
        if (unvouched && findFrameStart(start + 1, bodyEnd, false) >= 0) {
            return suspect(listener);
        }
        listener.frame(buf, body, (int) count);
        start = bodyEnd;
        return true;
    }

    /** A body that does not start with {@code <}: fine if the connection's frames never did; decides on the first. */
    private boolean firstOrOtherBody(int body) {
        if (bodyStart == BODY_UNKNOWN) {
            bodyStart = buf[body] == '<' ? BODY_LT : BODY_OTHER;
            return true;
        }
        return bodyStart == BODY_OTHER;
    }

    /** The header at {@code start} is not {@code DIGITS SP} ({@code digitsEnd}: where its digits stopped). */
    private boolean badHeader(Listener listener, int digitsEnd) {
        listener.malformed(Malformation.BAD_OCTET_COUNT, bufBase + start);
        // the whole digit run is the broken header (e.g. a 20-digit count): a resync inside it would read its tail as
        // a huge count and swallow the frames that follow
        int i = digitsEnd;
        while (i < end && isDigit(buf[i])) {
            i++;
        }
        skipDigitRun = i == end;
        startResync(Math.max(i, start + 1));
        return true;
    }

    private boolean oversize(Listener listener, int body, long count) {
        if (body == end && !eof) {
            return false; // need the body's first byte to check the count
        }
        if (findFrameStart(start + 1, body + 1, false) >= 0) {
            // stray digits glued in front of a real header ("999" + "43 <") make a huge count: skipping it would
            // lose everything it covers, so a consistent shorter reading of the same digits wins
            return suspect(listener);
        }
        listener.malformed(Malformation.FRAME_TOO_LARGE, bufBase + start);
        start = body;
        skipBytes = count;
        return true;
    }

    /** The header at {@code start} is wrong: count it, and look for the next frame from the byte after it. */
    private boolean suspect(Listener listener) {
        listener.malformed(Malformation.BAD_OCTET_COUNT, bufBase + start);
        startResync(start + 1);
        return true;
    }

    /** The stream ended inside the frame at {@code start}: count it, and salvage any frame that starts in it. */
    private boolean truncated(Listener listener) {
        listener.malformed(Malformation.TRUNCATED, bufBase + start);
        startResync(start + 1);
        return true;
    }

    private void startResync(int from) {
        start = from;
        resyncing = true;
    }

    /**
     * Looks for the next {@code DIGITS SP <} whose count is consistent; keeps only a short tail while searching so
     * memory stays bounded. A candidate whose body has not fully arrived is waited for (its bytes are bounded by
     * max_frame_bytes), unless a shorter reading of the same digits is already consistent or the stream has ended.
     */
    private boolean resync(Listener listener) {
        if (skipDigitRun) {
            while (start < end && isDigit(buf[start])) {
                start++;
            }
            if (start == end) {
                return false;
            }
            skipDigitRun = false;
        }
        int found = findFrameStart(start, end, !eof);
        if (found >= 0) {
            start = found;
            resyncing = false;
            return true;
        }
        if (found == WAIT) {
            start = waitFrom;
        } else {
            start = Math.max(start, end - HEADER_ROOM);
        }
        return false;
    }

    private static final int NONE = -1;
    private static final int WAIT = -2;

    /**
     * Error path only. The first position at or after {@code from} where a frame {@code DIGITS SP <...} starts whose
     * count is sane (no leading zero, at most max_frame_bytes) and consistent ({@link #nextLooksLikeFrame} after its
     * body), with its {@code <} before {@code anchorLimit}. The digits of a candidate may be a suffix of a longer run
     * ({@code 243 <} is also tried as {@code 43 <} and {@code 3 <}): the leading ones can be the tail of a frame whose
     * count was short. Returns {@link #NONE}, or {@link #WAIT} (with {@link #waitFrom}) when {@code mayWait} and a
     * candidate's body is incomplete.
     */
    private int findFrameStart(int from, int anchorLimit, boolean mayWait) {
        int limit = Math.min(anchorLimit, end);
        for (int lt = from + 2; lt < limit; lt++) {
            if (buf[lt] != '<' || buf[lt - 1] != ' ' || !isDigit(buf[lt - 2])) {
                continue;
            }
            int sp = lt - 1;
            int first = sp - 1;
            while (first > from && sp - first < MAX_COUNT_DIGITS && isDigit(buf[first - 1])) {
                first--;
            }
            boolean incomplete = false;
            for (int c = first; c < sp; c++) {
                if (buf[c] == '0') {
                    continue;
                }
                long count = parseCount(c, sp);
                if (count > maxFrameBytes) {
                    continue;
                }
                long bodyEnd = lt + count;
                if (bodyEnd > end) {
                    incomplete = true;
                } else if (nextLooksLikeFrame((int) bodyEnd)) {
                    return c;
                }
            }
            if (incomplete && mayWait) {
                waitFrom = first;
                return WAIT;
            }
        }
        return NONE;
    }

    /**
     * Whether {@code p} (the byte after a counted body) starts another frame as far as it has arrived: filler, then
     * {@code DIGITS SP} without a leading zero, then {@code <} if this connection's frames start with one. The end of
     * the bytes received so far counts as consistent: the count is trusted until the stream says otherwise.
     */
    private boolean nextLooksLikeFrame(int p) {
        while (p < end && isFiller(buf[p])) {
            p++;
        }
        if (p == end) {
            return true;
        }
        if (buf[p] < '1' || buf[p] > '9') {
            return false;
        }
        int q = p + 1;
        while (q < end && isDigit(buf[q])) {
            q++;
        }
        if (q - p > MAX_COUNT_DIGITS) {
            return false;
        }
        if (q == end || q + 1 == end) {
            return q == end || buf[q] == ' ';
        }
        if (buf[q] != ' ') {
            return false;
        }
        // an oversize frame is skipped unseen whatever its body is, so its first byte proves nothing either way
        return buf[q + 1] == '<' || bodyStart == BODY_OTHER || parseCount(p, q) > maxFrameBytes;
    }

    private long parseCount(int from, int to) {
        long count = 0;
        for (int k = from; k < to; k++) {
            count = count * 10 + (buf[k] - '0');
        }
        return count;
    }

    /** One step in newline mode; false when more input is needed. */
    private boolean line(Listener listener) {
        int lf = Newlines.indexOf(buf, Math.max(lineScanFrom, start), end);
        if (lf < 0) {
            lineScanFrom = end;
            if (end - start > maxFrameBytes && !skippingLine) {
                listener.malformed(Malformation.LINE_TOO_LONG, bufBase + start);
                skippingLine = true;
            }
            if (skippingLine) {
                start = end;
            }
            return false;
        }
        if (skippingLine) {
            skippingLine = false;
        } else if (lf - start > maxFrameBytes) {
            listener.malformed(Malformation.LINE_TOO_LONG, bufBase + start);
        } else {
            emitLine(start, lf, listener);
        }
        start = lf + 1;
        lineScanFrom = start;
        return true;
    }

    private void emitLine(int from, int to, Listener listener) {
        int stop = to;
        while (stop > from && (buf[stop - 1] == '\r' || buf[stop - 1] == 0)) {
            stop--;
        }
        if (stop > from) {
            listener.frame(buf, from, stop - from);
        }
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** Bytes tolerated between frames: some senders end counted frames with a newline anyway. */
    private static boolean isFiller(byte b) {
        return b == '\n' || b == '\r' || b == 0 || b == ' ';
    }
}
