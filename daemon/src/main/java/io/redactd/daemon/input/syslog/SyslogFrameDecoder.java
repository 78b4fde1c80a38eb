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
        } else if (framing == Framing.OCTET_COUNTING && (end > start && !onlyFiller() || skipBytes > 0)) {
            listener.malformed(Malformation.TRUNCATED, bufBase + start);
        }
        start = end;
        skipBytes = 0;
    }

    private boolean onlyFiller() {
        for (int i = start; i < end; i++) {
            if (!isFiller(buf[i])) {
                return false;
            }
        }
        return true;
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
            return resync();
        }
        long count = 0;
        int i = start;
        while (i < end && isDigit(buf[i]) && i - start < MAX_COUNT_DIGITS) {
            count = count * 10 + (buf[i] - '0');
            i++;
        }
        int digits = i - start;
        if (i == end && digits < MAX_COUNT_DIGITS) {
            return false; // header not complete yet
        }
        if (digits == 0 || buf[i] != ' ' || buf[start] == '0' || count > Integer.MAX_VALUE) {
            listener.malformed(Malformation.BAD_OCTET_COUNT, bufBase + start);
            resyncing = true;
            start++;
            return true;
        }
        int body = i + 1;
        if (count > maxFrameBytes) {
            listener.malformed(Malformation.FRAME_TOO_LARGE, bufBase + start);
            start = body;
            skipBytes = count;
            return true;
        }
        if (end - body < count) {
            return false;
        }
        listener.frame(buf, body, (int) count);
        start = body + (int) count;
        return true;
    }

    /** Looks for the next {@code DIGITS SP <}; keeps only a short tail while searching so memory stays bounded. */
    private boolean resync() {
        for (int i = start + 2; i < end; i++) {
            if (buf[i] == '<' && buf[i - 1] == ' ' && isDigit(buf[i - 2])) {
                int j = i - 2;
                while (j > start && isDigit(buf[j - 1]) && i - 1 - j < MAX_COUNT_DIGITS) {
                    j--;
                }
                start = j;
                resyncing = false;
                return true;
            }
        }
        start = Math.max(start, end - HEADER_ROOM);
        return false;
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
