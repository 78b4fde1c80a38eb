package io.redactd.daemon.input.syslog;

import io.redactd.daemon.input.Newlines;

/**
 * Splits a syslog TCP byte stream into frames (RFC 6587). The framing is decided by the first byte of the
 * connection: a digit means octet counting ({@code LEN SP MSG}, RFC 5425/6587 3.4.1), anything else newline-terminated
 * ("non-transparent", 3.4.2). Pure byte work, no Vert.x, one instance per connection, not thread-safe.
 *
 * <p>Memory is bounded by {@code maxFrameBytes} plus a header: an over-long line is skipped to its newline, and an
 * octet-counted frame announced larger than the limit is skipped as it streams past. After a broken octet-count header
 * the decoder resynchronises on the next {@code DIGITS SP <} (the start of a counted frame).
 *
 * <p>A count above the limit is not trusted blindly: it may be a corrupt header ({@code 99999999 <34>...}, a stray digit
 * turning {@code 1234} into {@code 91234}), and skipping it would lose every frame it covers. So the bytes it covers
 * are searched as they stream past (keeping a short tail, or one candidate until it is decided) for a frame that is
 * plainly one: {@code DIGITS SP <PRI>}, followed by a complete {@code DIGITS SP <PRI>} (or the end of the stream). The
 * shorter readings of the count's own digits are candidates too ({@code 9} glued to {@code 1234 <34>}). A candidate
 * proves the count wrong: counted as {@link Malformation#BAD_OCTET_COUNT}, decoding goes on from it, and only the bytes
 * before it are lost. Reaching the announced end without one makes it a real oversize frame
 * ({@link Malformation#FRAME_TOO_LARGE}, reported then), and decoding goes on there; a candidate spanning that end wins
 * only when the end is not a frame start itself (a count a few bytes too long). The price: a message over the limit
 * whose text holds such a run of counted frames is read as those frames (each within the limit, redacted as usual).
 *
 * <p>A count is only trusted while it is consistent: the body starts with {@code <} (when the connection's first frame
 * did) and what follows it is filler, or the next {@code DIGITS SP <} whose own frame is consistent (or not here yet).
 * A count too long (a stray digit glued in front of a header) costs the frame it belongs to, counted as
 * {@link Malformation#BAD_OCTET_COUNT}, not the frames that follow. A count too short (a sender that counted
 * characters instead of UTF-8 bytes) is never trusted to cut: the frame is extended to the next consistent frame
 * start, or, when none follows within max_frame_bytes, handed on as a cut frame with the bytes after it as redaction
 * context ({@link Listener#cutFrame}). A frame nothing follows yet waits for the next read or {@link #settle}. The
 * checks look at a few bytes after each frame; the searches only run once a check failed.
 */
public final class SyslogFrameDecoder {

    public enum Framing { UNDECIDED, OCTET_COUNTING, NON_TRANSPARENT }

    public enum Malformation {
        /** an octet-counting header that is not {@code DIGITS SP} */
        BAD_OCTET_COUNT,
        /** an octet-counted frame larger than max_frame_bytes (skipped; reported once its end is reached) */
        FRAME_TOO_LARGE,
        /** a newline-terminated line longer than max_frame_bytes (skipped to its newline) */
        LINE_TOO_LONG,
        /** the connection ended inside an octet-counted frame */
        TRUNCATED
    }

    /** Receives frames and framing errors. A frame's bytes are only valid during the call: copy what you keep. */
    public interface Listener {
        void frame(byte[] buffer, int offset, int length);

        /**
         * A frame whose end nothing vouches for: its count was not confirmed by a frame start after it, and none
         * followed within max_frame_bytes to extend it to. {@code after} holds up to {@link #CUT_CONTEXT_BYTES} raw
         * bytes that followed it in the stream (never to be forwarded): the context that lets the redactor see a
         * value the cut may run through whole. What follows is handled as a broken header (resync, counted).
         */
        void cutFrame(byte[] buffer, int offset, int length, byte[] after);

        /** @param streamOffset byte offset in the connection's stream where the problem starts */
        void malformed(Malformation kind, long streamOffset);
    }

    private static final int MAX_COUNT_DIGITS = 10;
    private static final int HEADER_ROOM = MAX_COUNT_DIGITS + 2;
    /** Raw bytes after a cut frame handed to {@link Listener#cutFrame} (the split-line context size). */
    public static final int CUT_CONTEXT_BYTES = 512;

    private final int maxFrameBytes;
    private byte[] buf;
    private int start;
    private int end;
    private int lineScanFrom;
    private long bufBase; // stream offset of buf[0]
    private Framing framing = Framing.UNDECIDED;
    /** Stream offset where the oversize frame being skipped (and searched) ends; -1 when there is none. */
    private long oversizeEnd = -1;
    /** Stream offsets of that frame's header, of its body, and where the search in it resumes. */
    private long oversizeAt;
    private long oversizeBody;
    private long scanAt;
    /** Whether a shorter reading of that header's digits may still prove to be the real count. */
    private boolean shorterPending;
    private boolean skippingLine;
    private boolean resyncing;
    /** Resync starts past the rest of a broken header's digits, which had not all arrived. */
    private boolean skipDigitRun;
    /** Where a resync waiting for a candidate's body resumes (see {@link #findFrameStart}). */
    private int waitFrom;
    /** Whether this connection's counted frames start with {@code <} (a PRI), decided by its first frame. */
    private int bodyStart = BODY_UNKNOWN;
    private boolean eof;
    /** Inside {@link #settle}: a frame whose count nothing after it judges yet is judged on what is here. */
    private boolean settling;
    /**
     * Stream offset of the header whose frame is being extended (its count was not vouched for), -1 when none; and
     * where the search for the frame start that ends it resumes (see {@link #extend}).
     */
    private long extendingAt = -1;
    private long extendScan;

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

    /**
     * The reads at hand are done (the end of an event-loop turn): a counted frame held because nothing after it had
     * arrived to confirm or doubt its count (see {@link #countedFrame}) is judged on what is here, as it always was.
     * Holding it until then costs no latency, and a short count whose last bytes are in the next read of the same
     * turn (a sender's write split by a read boundary) is still recognised.
     */
    public void settle(Listener listener) {
        if (framing == Framing.OCTET_COUNTING) {
            settling = true;
            try {
                process(listener);
            } finally {
                settling = false;
            }
        }
    }

    /** The connection ended: a pending unterminated line is a last frame; a pending counted frame is truncated. */
    public void end(Listener listener) {
        if (framing == Framing.NON_TRANSPARENT && !skippingLine && end > start) {
            emitLine(start, end, listener);
        } else if (framing == Framing.OCTET_COUNTING) {
            // nothing more will come: a frame still waiting for its body is truncated, and the frames that a wrong
            // count had covered are still found (what a resync leaves is junk, already counted)
            eof = true;
            process(listener);
            if (oversizeEnd >= 0) {
                oversized(listener); // process stops when no bytes are left, so a search over filler only is decided here
            }
        }
        start = end;
        oversizeEnd = -1;
        extendingAt = -1;
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
        // follows yet and the body does not start like the connection's frames do, either this count is too long
        // (then a consistent frame starts inside what it claims: stray digits in front of this header), or too short
        // (a sender that counted characters instead of UTF-8 bytes: the frame is extended), or the frame is odd but
        // right (a broken next header: kept with it). Only this error path searches.
        if (extendingAt == bufBase + start) {
            return extend(listener, body, bodyEnd);
        }
        if (!eof && !settling && end - start < maxFrameBytes + HEADER_ROOM && !nextHeaderArrived(bodyEnd)) {
            // Nothing after the body yet to confirm or doubt the count: a short count's last bytes may be in the next
            // read. Held until that read, or until the reads of this event-loop turn are done (settle).
            return false;
        }
        boolean oddBody = (bodyStart != BODY_LT || buf[body] != '<') && !firstOrOtherBody(body);
        boolean unvouched = !nextLooksLikeFrame(bodyEnd) && !framesWithoutPriFollow(bodyEnd)
                || oddBody && bodyEnd == end;
        if (!unvouched) {
            int doubt = nextHeaderDoubtful(bodyEnd);
            if (doubt == UNKNOWN && !eof && !settling && end - start < maxFrameBytes + HEADER_ROOM) {
                return false; // decided once more of the next frame is here, or when the turn's reads are done
            }
            if (doubt == GLUED) {
                return suspect(listener); // the resync finds the next header where its digits really start
            }
            unvouched = doubt == YES;
        }
        if (unvouched) {
            // A count 1-3 bytes too long swallows the first digits of the next header (`...8714` + `5` of `56 <13>`),
            // whose `<` then lies just past this body: a candidate whose digits start inside the body counts too, or
            // those digits would be glued to the value that ends this frame and hide it from its detector.
            boolean canWait = !eof && !settling && end - start < maxFrameBytes + HEADER_ROOM;
            int inside = findFrameStart(start + 1, bodyEnd + HEADER_ROOM, canWait, bodyEnd, false);
            if (inside >= 0) {
                return suspect(listener);
            }
            if (inside == WAIT) {
                return false; // such a frame has not fully arrived: decided by the next read, or at settle
            }
            // Nothing consistent starts inside: the count may be short (characters counted instead of UTF-8 bytes, a
            // relay that rewrote the message), and a body cut there would end in the middle of a value that then no
            // longer matches its detector. The frame is extended to the next consistent frame start instead.
            extendingAt = bufBase + start;
            extendScan = bufBase + bodyEnd;
            return extend(listener, body, bodyEnd);
        }
        listener.frame(buf, body, (int) count);
        start = bodyEnd;
        return true;
    }

    /** Whether a header (or something that is none) has arrived after the body ending at {@code p}. */
    private boolean nextHeaderArrived(int p) {
        while (p < end && isFiller(buf[p])) {
            p++;
        }
        if (p == end) {
            return false;
        }
        int q = p;
        while (q < end && isDigit(buf[q]) && q - p <= MAX_COUNT_DIGITS) {
            q++;
        }
        return q == p || q < end && (buf[q] != ' ' || q + 1 < end);
    }

    /**
     * Whether what follows at {@code p} is a run of counted frames without PRI ({@code 58 word0 ...}) among this
     * connection's frames with one, each ending where the next header is: the last of them followed by a frame start
     * or by the end of the bytes so far. Such frames are odd but consistent, and vouch for the count before them. A few
     * hops at most; the run's own frames are judged again as they come.
     */
    private boolean framesWithoutPriFollow(int p) {
        return framesWithoutPriFollow(p, false);
    }

    /**
     * @param strict only a run that reaches a {@code DIGITS SP <} header counts (error path: a run not here yet, or
     *               longer than the hops, proves nothing there)
     */
    private boolean framesWithoutPriFollow(int p, boolean strict) {
        for (int hop = 0; hop < 4; hop++) {
            while (p < end && isFiller(buf[p])) {
                p++;
            }
            if (p == end) {
                return hop > 0 && !strict;
            }
            if (buf[p] < '1' || buf[p] > '9') {
                return false;
            }
            int q = p + 1;
            while (q < end && isDigit(buf[q])) {
                q++;
            }
            if (q - p > MAX_COUNT_DIGITS || q == end || buf[q] != ' ') {
                return hop > 0 && !strict && q == end && q - p <= MAX_COUNT_DIGITS;
            }
            if (hop > 0 && q + 1 < end && buf[q + 1] == '<') {
                return true;
            }
            long count = parseCount(p, q);
            if (count > maxFrameBytes) {
                return false;
            }
            p = (int) (q + 1 + count);
            if (p > end) {
                return !strict; // not here yet: the end of the bytes so far counts as consistent
            }
        }
        return !strict;
    }

    /**
     * Whether the header at {@code p} (which {@link #nextLooksLikeFrame} accepted) vouches for the count before it
     * only by looks. A short count's last bytes, when they are digits, glue onto the next header: {@code ...8714} +
     * {@code 63 <13>} reads as {@code 71463 <13>}. So a next header whose own frame is not consistent (or not here
     * yet, or over max_frame_bytes) while a shorter reading of its digits ({@code 63}) gives a frame that is, does
     * not vouch ({@link #YES}); {@link #UNKNOWN} while such a reading's frame has not fully arrived (the caller waits
     * for the next read of the turn, and trusts the count at {@link #settle}). One look at the next frame's end on
     * the hot path; the readings only when that fails (about once per read: the frame its end has not arrived for).
     */
    private int nextHeaderDoubtful(int p) {
        int after = p;
        while (p < end && isFiller(buf[p])) {
            p++;
        }
        int q = p;
        while (q < end && isDigit(buf[q])) {
            q++;
        }
        // when the body ends in a digit, that digit may be the next header's first (a count too long, below)
        boolean gluedDigit = p == after && after - 1 > start && isDigit(buf[after - 1]);
        if (q == p || q + 1 >= end) {
            // nothing, or a header still arriving: judged by the end of the bytes so far, as before
            return q > p && gluedDigit ? UNKNOWN : NO;
        }
        long count = parseCount(p, q);
        if (count > maxFrameBytes && bodyStart == BODY_LT && buf[q + 1] != '<') {
            return YES; // "714 and then...": a huge count whose body is no frame's proves nothing for the one before
        }
        int full = (int) Math.min(q + 1 + count, Integer.MAX_VALUE);
        if (count <= maxFrameBytes && full <= end && (nextLooksLikeFrame(full) || framesWithoutPriFollow(full))
                && (!gluedDigit || nextFrameStart(full) == YES)) {
            return NO;
        }
        boolean undetermined = false;
        for (int c = p + 1; c < q; c++) {
            if (buf[c] == '0') {
                continue;
            }
            long shorter = parseCount(c, q);
            if (shorter <= maxFrameBytes) {
                long frameEnd = q + 1 + shorter;
                if (frameEnd > end) {
                    undetermined = true; // not here yet: decided by the next read of this turn, or trusted at settle
                } else if (nextLooksLikeFrame((int) frameEnd)) {
                    return YES;
                }
            }
        }
        // The other way round: a count 1-3 bytes too long took the first digits of the next header into its body
        // (`...8714` + `5`, then `2 <13>`), so what follows reads as a header `2 <`. A longer reading through the
        // body's last digits (`52`) whose frame is consistent does not vouch for this count either.
        for (int c = after - 1; gluedDigit && c > start && after - c < MAX_COUNT_DIGITS && isDigit(buf[c]); c--) {
            if (buf[c] == '0') {
                continue;
            }
            long longer = parseCount(c, q);
            if (longer > maxFrameBytes) {
                break;
            }
            long frameEnd = q + 1 + longer;
            if (frameEnd > end) {
                undetermined = true;
            } else if (nextLooksLikeFrame((int) frameEnd)) {
                return GLUED;
            }
        }
        return undetermined ? UNKNOWN : NO;
    }

    /**
     * Error path: the frame at {@code start} ({@code body} to {@code bodyEnd} by its count) is not vouched for and no
     * consistent frame starts inside it. Ends it at the first consistent frame start at or after {@code bodyEnd}
     * ({@code DIGITS SP <PRI>} whose own frame is followed by another frame start, or by the end of the bytes so
     * far), with the body at most max_frame_bytes: no byte lost, and a value the short count cut is handed on whole.
     * A start whose frame has not fully arrived is waited for (the bytes are bounded by the buffer); at the end of the
     * stream, the rest is the frame's tail. When no start is found within max_frame_bytes of the body, the count's own
     * end is taken after all, handed on as a cut frame with the bytes after it as redaction context
     * ({@link Listener#cutFrame}).
     */
    private boolean extend(Listener listener, int body, int bodyEnd) {
        boolean canWait = !eof && end - start < maxFrameBytes + HEADER_ROOM;
        int scanFrom = (int) Math.max(extendScan - bufBase, bodyEnd + 2);
        boolean beyondLimit = false;
        for (int lt = scanFrom; lt < end; lt++) {
            if (buf[lt] != '<' || buf[lt - 1] != ' ' || !isDigit(buf[lt - 2])) {
                continue;
            }
            int sp = lt - 1;
            int first = sp - 1;
            while (first > bodyEnd && sp - first < MAX_COUNT_DIGITS && isDigit(buf[first - 1])) {
                first--;
            }
            if (first - body > maxFrameBytes) {
                beyondLimit = true; // the frame would be longer than the limit: no later start can end it
                break;
            }
            boolean waiting = false;
            for (int c = first; c < sp; c++) { // longest reading first: the earliest start
                int decision = extendCandidate(c, sp, lt, body, canWait, waiting);
                if (decision == YES) {
                    return extended(listener, body, bodyEnd, c);
                }
                waiting |= decision == UNKNOWN;
            }
            if (waiting) {
                extendScan = bufBase + lt;
                return false;
            }
        }
        if (canWait && !beyondLimit) {
            extendScan = bufBase + Math.max(end, bodyEnd + 2);
            return false;
        }
        if (eof && end - body <= maxFrameBytes) {
            return extended(listener, body, bodyEnd, end); // the stream ended: what is left is this frame's tail
        }
        // Nothing ends it within the limit: perhaps the count was right and a real oversize frame follows, perhaps
        // junk. The count's end it is, redacted with what follows it in view; the rest is resynced (and counted).
        int after = Math.min(end, bodyEnd + CUT_CONTEXT_BYTES);
        extendingAt = -1;
        listener.cutFrame(buf, body, bodyEnd - body, java.util.Arrays.copyOfRange(buf, bodyEnd, after));
        start = bodyEnd;
        return true;
    }

    /**
     * One reading ({@code buf[c, sp)}) of a start that would end an extended frame: {@link #YES}, {@link #NO}, or
     * {@link #UNKNOWN} (wait for more bytes). {@code longerWaiting}: a longer reading of the same digits is waiting.
     */
    private int extendCandidate(int c, int sp, int lt, int body, boolean canWait, boolean longerWaiting) {
        if (buf[c] == '0' || c - body > maxFrameBytes) {
            return NO;
        }
        long count = parseCount(c, sp);
        if (count > maxFrameBytes) {
            return NO;
        }
        long frameEnd = lt + count;
        int pri = priAt(lt, frameEnd);
        if (pri != YES) {
            return pri == UNKNOWN && canWait ? UNKNOWN : NO;
        }
        if (frameEnd > end) {
            return canWait ? UNKNOWN : NO;
        }
        int p = (int) frameEnd;
        while (p < end && isFiller(buf[p])) {
            p++;
        }
        if (p == end) {
            // the end of the bytes so far vouches, as on the hot path (the frame would otherwise wait), but not over a
            // longer reading still waiting for its bytes: a read ending 6 bytes into "96 <0>1 2..." is no "6 <" frame
            return longerWaiting && canWait ? UNKNOWN : YES;
        }
        int next = nextFrameStart(p);
        if (next == NO && framesWithoutPriFollow(p, true)) {
            return YES; // followed by frames without PRI that end where a frame starts (see framesWithoutPriFollow)
        }
        return next == UNKNOWN ? (canWait ? UNKNOWN : YES) : next;
    }

    /** Hands on {@code body} up to {@code to} (the next frame's first digit, or the end of the stream), minus filler. */
    private boolean extended(Listener listener, int body, int bodyEnd, int to) {
        int stop = to;
        while (stop > bodyEnd && isFiller(buf[stop - 1])) {
            stop--;
        }
        if (stop > bodyEnd) {
            listener.malformed(Malformation.BAD_OCTET_COUNT, bufBase + start);
        }
        extendingAt = -1;
        listener.frame(buf, body, stop - body);
        start = to;
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
            return false; // need the body's first byte to know whether shorter readings of the count are possible
        }
        // Too large, or wrong: skipped while searched (see oversized); which one it was is reported once known. Stray
        // digits glued in front of a real header ("999" + "43 <") make a huge count too: a consistent shorter reading
        // of the same digits wins.
        oversizeAt = bufBase + start;
        oversizeBody = bufBase + body;
        oversizeEnd = oversizeBody + count;
        shorterPending = buf[body] == '<' && body - start > 2;
        scanAt = oversizeBody;
        startResync(start + 1);
        return true;
    }

    /**
     * Error path only: the bytes an oversize count covers stream past while a consistent frame start is looked for
     * among them, keeping only a short tail, or one candidate until it is decided. A candidate must start before the
     * announced end; its frame must be followed by a complete next frame start (waited for while the buffer has room;
     * the end of the stream also counts), since a real oversize message is arbitrary text and a read can end anywhere
     * in it. The shorter readings of the count's own digits ({@code 7777} glued in front of {@code 43 <}) are checked
     * beside that search, holding their bytes until their frames have arrived, without holding the search up.
     */
    private boolean oversized(Listener listener) {
        long boundary = oversizeEnd - bufBase; // buffer index where the announced frame ends
        // the count's digits after its first, held in the buffer while its shorter readings are pending
        int digits = shorterPending ? (int) (oversizeAt + 1 - bufBase) : -1;
        if (shorterPending) {
            int found = shorterReading(digits);
            if (found >= 0) {
                return countWasWrong(listener, found);
            }
            shorterPending = found == WAIT;
        }
        int from = (int) Math.max(scanAt - bufBase, start);
        if (from < boundary) {
            int found = findFrameStart(from, end, !eof, boundary, true);
            if (found >= 0) {
                return countWasWrong(listener, found);
            }
            if (found == WAIT) {
                from = waitFrom;
            } else if (boundary > end || !eof && headerMayStraddle(from, boundary)) {
                // keep the tail a candidate's digits may have started in (it stays before the boundary)
                from = (int) Math.min(Math.max(from, end - HEADER_ROOM), boundary);
            } else {
                from = (int) boundary; // searched up to the announced end
            }
        }
        if (from < boundary || shorterPending) {
            if (eof) {
                listener.malformed(Malformation.FRAME_TOO_LARGE, oversizeAt);
                listener.malformed(Malformation.TRUNCATED, oversizeAt);
                endOversize(end);
                return false;
            }
            scanAt = bufBase + from;
            start = shorterPending ? digits : from;
            return false;
        }
        listener.malformed(Malformation.FRAME_TOO_LARGE, oversizeAt);
        endOversize(from);
        return true;
    }

    /** A consistent frame inside what an oversize count claimed: the count was wrong, not the frame too large. */
    private boolean countWasWrong(Listener listener, int frameStart) {
        listener.malformed(Malformation.BAD_OCTET_COUNT, oversizeAt);
        endOversize(frameStart);
        return true;
    }

    private void endOversize(int at) {
        oversizeEnd = -1;
        shorterPending = false;
        resyncing = false;
        start = at;
    }

    /**
     * The oversize header's shorter readings ({@code digits} is its second digit): the first whose frame is followed
     * by a complete next frame start (or the end of the stream, or a full buffer), {@link #WAIT} while one may still
     * be, else {@link #NONE}. None can reach the announced end: a reading is at most max_frame_bytes.
     */
    private int shorterReading(int digits) {
        int lt = (int) (oversizeBody - bufBase);
        boolean waiting = false;
        for (int c = digits; c < lt - 1; c++) {
            if (buf[c] == '0') {
                continue;
            }
            long count = parseCount(c, lt - 1);
            if (count > maxFrameBytes) {
                continue;
            }
            long bodyEnd = lt + count;
            if (bodyEnd > end) {
                waiting |= !eof;
                continue;
            }
            if (priAt(lt, bodyEnd) != YES) {
                continue;
            }
            int next = nextFrameStart((int) bodyEnd);
            if (next == UNKNOWN && !eof && end - digits < maxFrameBytes + HEADER_ROOM) {
                waiting = true;
            } else if (next != NO) {
                return c;
            }
        }
        return waiting ? WAIT : NONE;
    }

    /** Whether the bytes received last are digits (and maybe a space) of a header that may start before boundary. */
    private boolean headerMayStraddle(int from, long boundary) {
        int k = end;
        if (k > from && buf[k - 1] == ' ') {
            k--;
        }
        int d = k;
        while (d > from && isDigit(buf[d - 1])) {
            d--;
        }
        return d < k && Math.max(d, k - MAX_COUNT_DIGITS) < boundary;
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
        if (oversizeEnd >= 0) {
            return oversized(listener);
        }
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
     * candidate's body is incomplete. A shorter reading is only taken over a longer one still waiting for its body
     * when a complete next frame start follows it.
     */
    private int findFrameStart(int from, int anchorLimit, boolean mayWait) {
        return findFrameStart(from, anchorLimit, mayWait, Long.MAX_VALUE, false);
    }

    /**
     * {@link #findFrameStart(int, int, boolean)} for the bytes of an oversize frame: a candidate must start before
     * {@code boundary} (the announced end, whose own reading is the count's); one whose frame spans it loses to a
     * frame start at it. When {@code strict}, a candidate's body must open with a PRI ({@code <13>}) and its frame be
     * followed by a complete next frame start: an incomplete one is waited for while the candidate and what follows it
     * fit in the buffer.
     */
    private int findFrameStart(int from, int anchorLimit, boolean mayWait, long boundary, boolean strict) {
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
            for (int c = first; c < sp && c < boundary; c++) {
                if (buf[c] == '0') {
                    continue;
                }
                long count = parseCount(c, sp);
                if (count > maxFrameBytes) {
                    continue;
                }
                long bodyEnd = lt + count;
                // waiting is bounded: the candidate and what decides it fit in the buffer, or it is decided as is
                boolean room = !eof && end - first < maxFrameBytes + HEADER_ROOM;
                if (strict) {
                    // decided before its body is awaited: a PRI, and no frame start at the count's end if it spans it
                    int pri = priAt(lt, bodyEnd);
                    int holds = bodyEnd <= boundary ? NO : boundary >= end ? UNKNOWN : boundaryHolds(boundary, lt, sp);
                    if (pri == NO || holds == YES) {
                        continue;
                    }
                    if (pri == UNKNOWN || holds == UNKNOWN) {
                        incomplete |= mayWait && room;
                        continue;
                    }
                }
                if (bodyEnd > end) {
                    incomplete = true;
                    continue;
                }
                // a shorter reading while a longer one waits for its body ("3 <" inside "43 <") must be vouched for
                // by a whole next header: the end of a read proves nothing, and a byte at a time it always ends there
                int next = strict || incomplete ? nextFrameStart((int) bodyEnd)
                        : nextLooksLikeFrame((int) bodyEnd) ? YES : NO;
                if (next == UNKNOWN) {
                    if (room) {
                        incomplete |= mayWait; // (a check that cannot wait takes it as no)
                        continue;
                    }
                    next = YES; // the stream ended, or the buffer cannot hold more: decided on what is here
                }
                if (next == YES) {
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

    /**
     * Whether the announced end {@code b} (arrived) of an oversize frame is a frame start, so that a candidate whose
     * frame spans it ({@code <} at {@code lt}, after the space at {@code sp}) loses to the count. When {@code b} falls
     * inside the candidate's digits it reads the same {@code <} with a shorter count, whose frame is checked whole (a
     * count one byte too long: {@code 43 <} read from its {@code 3}).
     */
    private int boundaryHolds(long b, int lt, int sp) {
        if (b >= sp) {
            return nextFrameStart((int) b);
        }
        if (buf[(int) b] == '0') {
            return NO;
        }
        long p = lt + parseCount((int) b, sp);
        return p > end ? UNKNOWN : nextFrameStart((int) p);
    }

    /** Whether the body at {@code lt} (a {@code <}) opens with a PRI, {@code <} 1 to 3 digits {@code >}. */
    private int priAt(int lt, long bodyEnd) {
        int limit = (int) Math.min(bodyEnd, end);
        int p = lt + 1;
        while (p < limit && p - lt <= 3 && isDigit(buf[p])) {
            p++;
        }
        if (p < limit) {
            return p > lt + 1 && buf[p] == '>' ? YES : NO;
        }
        return limit == bodyEnd ? NO : UNKNOWN;
    }

    private static final int NO = 0;
    private static final int YES = 1;
    private static final int UNKNOWN = 2;
    /** {@link #nextHeaderDoubtful}: the next header's first digits are this body's last ones (a count too long). */
    private static final int GLUED = 3;

    /**
     * A stricter {@link #nextLooksLikeFrame}: the next frame's {@code <} must open a PRI ({@code 43 <13>}), and a start
     * that has not fully arrived is {@link #UNKNOWN}, not consistent. Error path only.
     */
    private int nextFrameStart(int p) {
        while (p < end && isFiller(buf[p])) {
            p++;
        }
        if (p == end) {
            return UNKNOWN;
        }
        if (buf[p] < '1' || buf[p] > '9') {
            return NO;
        }
        int q = p + 1;
        while (q < end && isDigit(buf[q])) {
            q++;
        }
        if (q - p > MAX_COUNT_DIGITS) {
            return NO;
        }
        if (q == end) {
            return UNKNOWN;
        }
        if (buf[q] != ' ') {
            return NO;
        }
        if (bodyStart == BODY_OTHER || parseCount(p, q) > maxFrameBytes) {
            return YES;
        }
        // then a PRI: "<", 1 to 3 digits, ">"
        int r = q + 1;
        while (r < end && r - q <= 4 && (r == q + 1 ? buf[r] == '<' : isDigit(buf[r]))) {
            r++;
        }
        if (r == end) {
            return UNKNOWN;
        }
        return r - q >= 3 && buf[r] == '>' ? YES : NO;
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
