package io.redactd.daemon.input;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into lines without decoding it: streaming, so input of any size passes through a fixed amount
 * of memory (the buffer grows only to the longest line, up to {@code maxLineBytes}). A line longer than that is
 * reported as oversize with its content discarded, and counts as one line.
 */
public final class LineReader {
    private final InputStream in;
    private final int maxLineBytes;
    private final Runnable beforeBlockingRead;
    private byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;
    private boolean eof;
    private int start;
    private int end;
    private boolean newline;
    private boolean crlf;
    private boolean oversize;

    /**
     * @param beforeBlockingRead run before a read that may block (used to flush output, so an interactive pipe sees
     *                           each line promptly)
     */
    public LineReader(InputStream in, int maxLineBytes, Runnable beforeBlockingRead) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.beforeBlockingRead = beforeBlockingRead;
    }

    /** Advances to the next line; false at end of input. */
    public boolean next() throws IOException {
        oversize = false;
        int scanFrom = pos;
        while (true) {
            for (int i = scanFrom; i < limit; i++) {
                if (buf[i] == '\n') {
                    start = pos;
                    end = i;
                    newline = true;
                    crlf = end > start && buf[end - 1] == '\r';
                    if (crlf) {
                        end--;
                    }
                    pos = i + 1;
                    return true;
                }
            }
            if (eof) {
                if (pos < limit) {
                    start = pos;
                    end = limit;
                    newline = false;
                    crlf = false;
                    pos = limit;
                    return true;
                }
                return false;
            }
            scanFrom = limit - pos;
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, limit - pos);
                limit -= pos;
                pos = 0;
            }
            if (limit == buf.length) {
                if (buf.length >= maxLineBytes) {
                    discardRestOfLine();
                    return true;
                }
                buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, maxLineBytes));
            }
            fill();
        }
    }

    private void fill() throws IOException {
        if (in.available() == 0) {
            beforeBlockingRead.run();
        }
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
        }
    }

    /** The buffer holds maxLineBytes without a newline: drop until the newline (or end), report one oversize line. */
    private void discardRestOfLine() throws IOException {
        oversize = true;
        limit = 0;
        pos = 0;
        while (true) {
            fill();
            if (eof) {
                newline = false;
                break;
            }
            int nl = -1;
            for (int i = 0; i < limit; i++) {
                if (buf[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            if (nl >= 0) {
                pos = nl + 1;
                newline = true;
                break;
            }
            limit = 0;
        }
        start = 0;
        end = 0;
        crlf = false;
    }

    /** True when the next {@link #next()} returns without reading: a whole line is already buffered. */
    public boolean lineBuffered() {
        for (int i = pos; i < limit; i++) {
            if (buf[i] == '\n') {
                return true;
            }
        }
        return eof && pos < limit;
    }

    public byte[] buffer() {
        return buf;
    }

    public int start() {
        return start;
    }

    public int length() {
        return end - start;
    }

    /** The line ended with a line feed (the last line of a file may not). */
    public boolean hadNewline() {
        return newline;
    }

    /** The line ended with CR LF; the CR is not part of the line. */
    public boolean hadCarriageReturn() {
        return crlf;
    }

    /** The line was longer than the limit; its content was discarded. */
    public boolean oversize() {
        return oversize;
    }
}
