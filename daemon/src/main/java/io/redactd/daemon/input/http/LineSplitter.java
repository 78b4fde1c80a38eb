package io.redactd.daemon.input.http;

import java.util.Arrays;

/**
 * Splits bytes fed in pieces (body blocks, or inflated output) into lines ({@code \n}, optional {@code \r}; empty
 * lines skipped), each copied once into its own array. Only a line that straddles two pieces is assembled in a
 * carry buffer first; a line over {@code maxLineBytes} is only counted to its end, never stored. The first problem
 * in body order wins (line too long, too many lines), with the line's number counting every line, empty ones too.
 */
final class LineSplitter {
    /** Receives each non-empty line with its 1-based number among non-empty lines. */
    interface Sink {
        void line(byte[] line, int number) throws RequestRejected;
    }

    private final int maxLineBytes;
    private final int maxLines;
    private final RequestMemory memory;
    private final Sink sink;
    private byte[] carry = new byte[0];
    private int carryLen;
    /** Length of the open line while it is longer than any line may be (then it is not kept), else -1. */
    private long overlong = -1;
    private boolean overlongCr;
    private int lineNo;
    private int lines;

    LineSplitter(int maxLineBytes, int maxLines, RequestMemory memory, Sink sink) {
        this.maxLineBytes = maxLineBytes;
        this.maxLines = maxLines;
        this.memory = memory;
        this.sink = sink;
    }

    int lines() {
        return lines;
    }

    void feed(byte[] b, int off, int len) throws RequestRejected {
        int end = off + len;
        int start = off;
        while (start < end) {
            int lf = start;
            while (lf < end && b[lf] != '\n') {
                lf++;
            }
            if (lf == end) {
                keep(b, start, end);
                return;
            }
            if (overlong >= 0 || carryLen > 0) {
                keep(b, start, lf);
                closeCarried();
            } else {
                int stop = lf > start && b[lf - 1] == '\r' ? lf - 1 : lf;
                emit(b, start, stop);
            }
            start = lf + 1;
        }
    }

    /** The body ended: an unterminated last line is a line too. */
    void finish() throws RequestRejected {
        if (overlong >= 0 || carryLen > 0) {
            closeCarried();
        }
        release();
    }

    /** Lets the carry buffer go (also when the request failed). */
    void release() {
        memory.free(carry.length);
        carry = new byte[0];
        carryLen = 0;
    }

    private void closeCarried() throws RequestRejected {
        if (overlong >= 0) {
            long length = overlongCr ? overlong - 1 : overlong;
            overlong = -1;
            lineNo++;
            throw tooLong(length);
        }
        int stop = carryLen > 0 && carry[carryLen - 1] == '\r' ? carryLen - 1 : carryLen;
        carryLen = 0;
        emit(carry, 0, stop);
    }

    /** Adds an unfinished piece of the open line to the carry (or only counts it once the line is too long). */
    private void keep(byte[] b, int from, int to) throws RequestRejected {
        int n = to - from;
        if (n == 0) {
            return;
        }
        if (overlong >= 0) {
            overlong += n;
            overlongCr = b[to - 1] == '\r';
            return;
        }
        // a line may end in \r that is not counted, so one byte more than the limit can still make a valid line
        if ((long) carryLen + n > maxLineBytes + 1L) {
            overlong = (long) carryLen + n;
            overlongCr = b[to - 1] == '\r';
            carryLen = 0;
            return;
        }
        if (carryLen + n > carry.length) {
            int size = (int) Math.min(maxLineBytes + 1L, Math.max(carryLen + n, Math.max(256, carry.length * 2L)));
            memory.charge(size - carry.length);
            carry = Arrays.copyOf(carry, size);
        }
        System.arraycopy(b, from, carry, carryLen, n);
        carryLen += n;
    }

    private void emit(byte[] b, int from, int to) throws RequestRejected {
        lineNo++;
        int n = to - from;
        if (n > maxLineBytes) {
            throw tooLong(n);
        }
        if (n == 0) {
            return;
        }
        if (lines == maxLines) {
            throw new RequestRejected(413, "too_many_events", 6,
                    "more than max_events_per_request (" + maxLines + ") lines");
        }
        memory.charge(n + RequestEvents.EVENT_OVERHEAD);
        lines++;
        sink.line(Arrays.copyOfRange(b, from, to), lines);
    }

    private RequestRejected tooLong(long length) {
        return new RequestRejected(413, "line_too_long", 6,
                "line " + lineNo + " is " + length + " bytes, over max_line_bytes (" + maxLineBytes + ")");
    }
}
