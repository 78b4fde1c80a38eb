package io.redactd.daemon.input.file;

import io.redactd.daemon.input.file.FileInputConfig.Format;
import io.redactd.daemon.input.file.FileInputConfig.MultilineMode;
import io.redactd.daemon.pipeline.ContentValue;
import io.redactd.daemon.pipeline.RawEvent;
import io.redactd.daemon.pipeline.SplitContext;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns the lines of one file into events: decodes the container log format, reassembles partial lines, joins
 * multiline events, and collects them into the current batch. Every event's {@code position} is an offset from
 * which reading again loses nothing: the end of its last line, or for a piece of a reassembled line the start of
 * the physical line it came from. Single-threaded (the reading thread).
 *
 * <p>Partial lines are reassembled per stream: container runtimes interleave the stdout and stderr records of one
 * container in one file, and a logical line is its stream's {@code P} pieces up to and including its {@code F}. While
 * a reassembly is open, no event's position, whichever stream the event belongs to, goes past its first physical line
 * (or, when both streams' lines overlapped, past the last offset where neither was open): a restart re-reads the held
 * records, and the lines after them again (duplicates), instead of losing them or starting inside a line of the other
 * stream.
 *
 * <p>Every piece of a split line carries the raw bytes around it ({@link SplitContext} under
 * {@link SplitContext#FIELD}) for the redactor; such pieces are never joined into multiline events.
 */
final class EventAssembler implements Tailer.Lines {

    static final int FLAG_SPLIT = 1;
    static final int FLAG_UNTERMINATED = 2;
    static final int FLAG_MULTILINE = 4;
    static final int FLAG_UNPARSED = 8;
    static final int FLAG_PARTIAL = 16;
    private static final String[] FLAG_NAMES = {"split", "unterminated", "multiline", "unparsed", "partial"};
    /** {@code log.flags} lists by flag bits, shared by every file (immutable). */
    private static final List<String>[] FLAG_LISTS = flagLists();
    private static final byte[] EMPTY = new byte[0];
    private static final byte[] CAUSED_BY = "Caused by:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final String inputId;
    private final int maxLineBytes;
    private final int batchMaxEvents;
    private final int batchMaxBytes;
    private final MultilineMode multiline;
    private final int multilineMaxLines;
    private final int multilineMaxBytes;
    private final long flushTimeoutNanos;
    /**
     * How long a container partial waits for the rest of its line: a value cut between two records is found only once
     * they are joined, and the runtime writes the rest only when the application ends the line, which a busy node can
     * delay well past the multiline flush timeout (500 ms by default: a partial handed on alone after it shipped
     * both halves of a value unredacted). Bytes (max_line_bytes) and letting the file go still end a line sooner.
     */
    static final long CONTAINER_PARTIAL_TIMEOUT_NANOS = 30_000_000_000L;
    private final long partialTimeoutNanos;
    /** Made on the first line of a container format; a raw file never needs one. */
    private LineFormat.Decoded decoded;

    private Format format;
    /** The file's name is whatever an application chose (a patient's name, an MRN): redacted like the text. */
    private ContentValue path;
    /** The Kubernetes identity of a pod log path (given to container-format events), else null. */
    private PodLogPath pod;
    private long readTimeMs;
    private List<RawEvent> batch = new ArrayList<>();
    private int batchBytes;
    private long splitLines;
    private long unparsedLines;
    /** Nothing arrived since the last {@link #trim}: an idle file polled again has nothing to give back. */
    private boolean trimmed;

    // Partial line reassembly (CRI P / Docker without newline), one per stream: stdout, stderr, and a third shared by
    // Docker lines without "stream". Each is made when its stream first has a partial line (most files never do).
    private final Reassembly[] reassemblies = new Reassembly[3];

    // Multiline group.
    private final Growable group = new Growable();
    private int groupLines;
    private long groupStart;
    private long groupEnd;
    private long groupTs;
    private String groupStream;
    private int groupFlags;
    private long groupLastNanos;

    EventAssembler(FileInputConfig config, String path) {
        this.inputId = config.id();
        this.maxLineBytes = config.maxLineBytes();
        this.batchMaxEvents = config.batchMaxEvents();
        this.batchMaxBytes = config.batchMaxBytes();
        this.multiline = config.multiline().mode();
        this.multilineMaxLines = config.multiline().maxLines();
        this.multilineMaxBytes = config.multiline().maxBytes();
        this.flushTimeoutNanos = config.multiline().flushTimeoutMs() * 1_000_000L;
        this.partialTimeoutNanos = Math.max(flushTimeoutNanos, CONTAINER_PARTIAL_TIMEOUT_NANOS);
        this.format = config.format();
        this.path = new ContentValue(path);
        this.pod = PodLogPath.of(path);
    }

    void path(String renamedTo) {
        this.path = new ContentValue(renamedTo);
        this.pod = PodLogPath.of(renamedTo);
    }

    /** The time given to events of formats that carry none; set once per read. */
    void readTime(long epochMs) {
        this.readTimeMs = epochMs;
    }

    @Override
    public boolean line(byte[] buf, int off, int len, long start, long end, int tailerFlags) {
        return piece(buf, off, len, start, end, tailerFlags, null);
    }

    @Override
    public boolean piece(byte[] buf, int off, int len, long start, long end, int tailerFlags, SplitContext context) {
        trimmed = false;
        int flags = (tailerFlags & Tailer.SPLIT) != 0 ? FLAG_SPLIT : 0;
        flags |= (tailerFlags & Tailer.UNTERMINATED) != 0 ? FLAG_UNTERMINATED : 0;
        if (format == Format.AUTO) {
            format = detect(buf, off, len);
        }
        if (format == Format.RAW || flags != 0) {
            // A piece of an over-long physical line cannot be decoded; it is passed on as it is.
            int extra = format == Format.RAW ? 0 : FLAG_UNPARSED;
            flushPartial();
            accept(Arrays.copyOfRange(buf, off, off + len), start, end, readTimeMs, null, flags | extra, context, null);
        } else {
            LineFormat.Decoded d = decoded;
            if (d == null) {
                d = decoded = new LineFormat.Decoded();
            }
            boolean ok = format == Format.CRI ? LineFormat.parseCri(buf, off, len, d)
                    : LineFormat.parseDocker(buf, off, len, d);
            if (!ok) {
                flushPartial();
                accept(Arrays.copyOfRange(buf, off, off + len), start, end, readTimeMs, null, FLAG_UNPARSED, null,
                        null);
            } else {
                long ts = d.timestampMs == Long.MIN_VALUE ? readTimeMs : d.timestampMs;
                reassemble(start, end, ts);
            }
            // The decoded bytes are the shared read buffer or, for Docker, the line's unescaped copy: not kept.
            d.bytes = null;
        }
        return batch.size() < batchMaxEvents && batchBytes < batchMaxBytes;
    }

    private static Format detect(byte[] buf, int off, int len) {
        LineFormat.Decoded probe = new LineFormat.Decoded();
        if (len > 0 && buf[off] == '{' && LineFormat.parseDocker(buf, off, len, probe)) {
            return Format.DOCKER;
        }
        return LineFormat.parseCri(buf, off, len, probe) ? Format.CRI : Format.RAW;
    }

    /** stdout (and any other named stream) 0, stderr 1, none 2. */
    private static int streamIndex(String stream) {
        return stream == null ? 2 : stream.equals("stderr") ? 1 : 0;
    }

    private Reassembly reassembly(String stream) {
        int i = streamIndex(stream);
        Reassembly r = reassemblies[i];
        if (r == null) {
            r = reassemblies[i] = new Reassembly(i == 2 ? null : i == 1 ? "stderr" : "stdout");
        }
        return r;
    }

    private void reassemble(long start, long end, long ts) {
        LineFormat.Decoded d = decoded;
        Reassembly open = reassemblies[streamIndex(d.stream)];
        if ((open == null || !open.active) && !d.partial && d.len <= maxLineBytes) {
            accept(Arrays.copyOfRange(d.bytes, d.off, d.off + d.len), start, end, ts, d.stream, 0, null, null);
            return;
        }
        Reassembly r = reassembly(d.stream);
        if (!r.active) {
            r.active = true;
            r.start = start;
            // Opened while the other stream's line is open: the last offset where no line was open is that one's.
            r.hold = Math.min(start, heldFrom(r));
            r.ts = ts;
            r.flags = 0;
            r.buf.len = 0;
            r.before = null;
            r.lines.clear();
        }
        r.lines.add(r.buf.len, start);
        r.buf.append(d.bytes, d.off, d.len);
        r.end = end;
        r.lastNanos = System.nanoTime();
        // A reassembled line longer than the maximum is handed on in pieces, each once the context after it is
        // known (or the line ends).
        while (r.buf.len >= maxLineBytes + Tailer.CONTEXT) {
            emitPartialPiece(r, Tailer.CONTEXT);
        }
        if (!d.partial) {
            finishPartial(r, end, 0);
        }
    }

    /**
     * Hands on the first maxLineBytes of the reassembled line with its context. Its position is the start of the
     * physical line holding the first byte not handed on, so a restart re-reads from there rather than skipping.
     */
    private void emitPartialPiece(Reassembly r, int after) {
        int max = maxLineBytes;
        long resume = r.lines.startOf(max);
        accept(Arrays.copyOf(r.buf.bytes, max), r.start, resume, r.ts, r.stream, r.flags | FLAG_SPLIT,
                new SplitContext(r.before, Arrays.copyOfRange(r.buf.bytes, max, max + after)), r);
        r.before = SplitContext.nextBefore(r.before, r.buf.bytes, max);
        r.buf.dropFirst(max);
        r.lines.dropFirst(max);
        r.flags |= FLAG_SPLIT;
        r.start = resume;
        // Once pieces are handed on, a restart resumes inside this line anyway (as for a line of one stream), but not
        // past the start of the other stream's open line: that one must be read again whole after a restart.
        r.hold = Math.min(resume, heldFrom(r));
    }

    /** Hands on the rest of the reassembled line: pieces held for their context, then the last part. */
    private void finishPartial(Reassembly r, long end, int extraFlags) {
        while (r.buf.len > maxLineBytes) {
            emitPartialPiece(r, Math.min(Tailer.CONTEXT, r.buf.len - maxLineBytes));
        }
        SplitContext context = (r.flags & FLAG_SPLIT) != 0 ? new SplitContext(r.before, null) : null;
        // Still open during the call: a multiline event it makes the stage hand on is held back to its start.
        accept(Arrays.copyOf(r.buf.bytes, r.buf.len), r.start, end, r.ts, r.stream, r.flags | extraFlags, context, r);
        r.active = false;
        r.buf.len = 0;
        r.before = null;
        r.lines.clear();
    }

    /** Hands on every stream's unfinished line, the one that began first first. */
    private void flushPartial() {
        Reassembly r;
        while ((r = firstOpen()) != null) {
            finishPartial(r, r.end, FLAG_PARTIAL);
        }
    }

    private Reassembly firstOpen() {
        return firstOpen(false, 0);
    }

    /** The open reassembly that began first (of those idle for the partial timeout at {@code nowNanos}), or null. */
    private Reassembly firstOpen(boolean idleOnly, long nowNanos) {
        Reassembly first = null;
        for (Reassembly r : reassemblies) {
            boolean candidate = r != null && r.active && (!idleOnly || nowNanos - r.lastNanos >= partialTimeoutNanos);
            if (candidate && (first == null || r.start < first.start)) {
                first = r;
            }
        }
        return first;
    }

    /**
     * The offset no event may be positioned past: the earliest {@link Reassembly#hold} of the open reassemblies other
     * than {@code owner} (whose own bytes the event carries), or MAX_VALUE when none is open.
     */
    private long heldFrom(Reassembly owner) {
        long held = Long.MAX_VALUE;
        for (Reassembly r : reassemblies) {
            if (r != null && r.active && r != owner) {
                held = Math.min(held, r.hold);
            }
        }
        return held;
    }

    /**
     * Multiline stage. {@code owner} is the reassembly whose bytes {@code msg} is (null for a line of its own): an
     * event handed on here is held back only by the other streams' open reassemblies.
     */
    private void accept(byte[] msg, long start, long end, long ts, String stream, int flags, SplitContext context,
                        Reassembly owner) {
        if ((flags & FLAG_SPLIT) != 0) {
            splitLines++;
        }
        if ((flags & FLAG_UNPARSED) != 0) {
            unparsedLines++;
        }
        if (multiline == MultilineMode.NONE) {
            emit(msg, msg.length, start, end, ts, stream, flags, context, owner);
            return;
        }
        if (context != null) {
            // A piece of a split line stands alone: joined with '\n' to other lines, its context would no longer
            // be the bytes next to it.
            flushGroup();
            emit(msg, msg.length, start, end, ts, stream, flags, context, owner);
            return;
        }
        // A line of the other stream never continues an event: interleaved stderr is not stdout's stack trace.
        boolean continuation = groupLines > 0 && Objects.equals(stream, groupStream) && isContinuation(msg);
        if (continuation && (groupLines >= multilineMaxLines || group.len + 1 + msg.length > multilineMaxBytes)) {
            // Too long to join: hand on what we have and continue in a new event; both parts are flagged.
            groupFlags |= FLAG_SPLIT;
            flushGroup();
            startGroup(msg, start, end, ts, stream, flags | FLAG_SPLIT);
        } else if (continuation) {
            group.append((byte) '\n');
            group.append(msg, 0, msg.length);
            groupLines++;
            groupEnd = end;
            groupFlags |= flags | FLAG_MULTILINE;
        } else {
            flushGroup();
            startGroup(msg, start, end, ts, stream, flags);
        }
        groupLastNanos = System.nanoTime();
    }

    private boolean isContinuation(byte[] msg) {
        if (msg.length == 0) {
            return false;
        }
        if (msg[0] == ' ' || msg[0] == '\t') {
            return true;
        }
        if (multiline != MultilineMode.JAVA || msg.length < CAUSED_BY.length) {
            return false;
        }
        return Arrays.equals(msg, 0, CAUSED_BY.length, CAUSED_BY, 0, CAUSED_BY.length);
    }

    private void startGroup(byte[] msg, long start, long end, long ts, String stream, int flags) {
        group.len = 0;
        group.append(msg, 0, msg.length);
        groupLines = 1;
        groupStart = start;
        groupEnd = end;
        groupTs = ts;
        groupStream = stream;
        groupFlags = flags;
    }

    private void flushGroup() {
        if (groupLines > 0) {
            emit(Arrays.copyOf(group.bytes, group.len), group.len, groupStart, groupEnd, groupTs, groupStream,
                    groupFlags, null, null);
            groupLines = 0;
            group.len = 0;
        }
    }

    private void emit(byte[] msg, int len, long start, long end, long ts, String stream, int flags,
                      SplitContext context, Reassembly owner) {
        // Immutable compact maps: fewer allocations per event than a HashMap.
        Long offset = start;
        Map<String, Object> fields;
        if (stream == null && flags == 0) {
            fields = Map.of("log.file.path", path, "log.offset", offset, "event.dataset", inputId);
        } else if (stream == null) {
            fields = Map.of("log.file.path", path, "log.offset", offset, "event.dataset", inputId,
                    "log.flags", flagList(flags));
        } else if (pod == null && flags == 0) {
            fields = Map.of("log.file.path", path, "log.offset", offset, "event.dataset", inputId,
                    "stream", stream);
        } else if (pod == null) {
            fields = Map.of("log.file.path", path, "log.offset", offset, "event.dataset", inputId,
                    "stream", stream, "log.flags", flagList(flags));
        } else if (flags == 0) {
            fields = Map.of("log.file.path", path, "log.offset", offset, "event.dataset", inputId, "stream", stream,
                    "kubernetes.namespace", pod.namespace(), "kubernetes.pod.name", pod.podName(),
                    "kubernetes.pod.uid", pod.podUid(), "kubernetes.container.name", pod.container());
        } else {
            fields = Map.of("log.file.path", path, "log.offset", offset, "event.dataset", inputId, "stream", stream,
                    "kubernetes.namespace", pod.namespace(), "kubernetes.pod.name", pod.podName(),
                    "kubernetes.pod.uid", pod.podUid(), "kubernetes.container.name", pod.container(),
                    "log.flags", flagList(flags));
        }
        if (context != null) {
            Map<String, Object> withContext = new HashMap<>(fields);
            withContext.put(SplitContext.FIELD, context);
            fields = Map.copyOf(withContext);
        }
        batch.add(new RawEvent(msg, ts, fields, Math.min(end, heldFrom(owner))));
        batchBytes += len;
    }

    private static List<String> flagList(int flags) {
        return FLAG_LISTS[flags];
    }

    @SuppressWarnings("unchecked")
    private static List<String>[] flagLists() {
        List<String>[] lists = new List[1 << FLAG_NAMES.length];
        for (int flags = 0; flags < lists.length; flags++) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < FLAG_NAMES.length; i++) {
                if ((flags & (1 << i)) != 0) {
                    names.add(FLAG_NAMES[i]);
                }
            }
            lists[flags] = List.copyOf(names);
        }
        return lists;
    }

    /** Hands on a pending multiline event or partial line that has waited longer than the flush timeout. */
    void flushIfIdle(long nowNanos) {
        Reassembly r;
        while ((r = firstOpen(true, nowNanos)) != null) {
            finishPartial(r, r.end, FLAG_PARTIAL);
        }
        if (groupLines > 0 && nowNanos - groupLastNanos >= flushTimeoutNanos) {
            flushGroup();
        }
    }

    /** Hands on everything pending (the file is let go or was truncated). */
    void flushAll() {
        flushPartial();
        flushGroup();
    }

    boolean hasPending() {
        return firstOpen() != null || groupLines > 0;
    }

    boolean batchFull() {
        return batch.size() >= batchMaxEvents || batchBytes >= batchMaxBytes;
    }

    /** The events collected since the last call (possibly empty). */
    List<RawEvent> takeBatch() {
        List<RawEvent> out = batch;
        if (out.isEmpty()) {
            return List.of(); // an idle file polled: no new list
        }
        batch = new ArrayList<>(Math.min(out.size() + 16, batchMaxEvents));
        batchBytes = 0;
        return out;
    }

    /**
     * The file is idle (read to its end, batch taken): gives back the buffers that only an open line or event needs,
     * so an idle file keeps a few hundred bytes here, not a reassembly or multiline buffer grown for its last event.
     */
    void trim() {
        if (trimmed) {
            return;
        }
        // Done once everything could be given back; an open event or line is retried at the next idle poll.
        trimmed = batch.isEmpty() && groupLines == 0;
        if (batch.isEmpty()) {
            batch = new ArrayList<>(); // no backing array until an event comes
        }
        if (groupLines == 0) {
            group.release();
        }
        for (Reassembly r : reassemblies) {
            if (r != null && !r.active) {
                r.buf.release();
                r.lines.release();
            } else if (r != null) {
                trimmed = false;
            }
        }
    }

    /** Lines (or reassembled lines) that were longer than max_line_bytes and handed on in pieces. */
    long splitPieces() {
        return splitLines;
    }

    /** Lines of a container format that did not decode and were passed on as they are. */
    long unparsedLines() {
        return unparsedLines;
    }

    /** Forgets decoding state, e.g. after a truncation (the format is decided again for the new content). */
    void resetFormat(Format configured) {
        this.format = configured;
    }

    /** One stream's partial line being reassembled. */
    private static final class Reassembly {
        final String stream;
        final Growable buf = new Growable();
        /** Where each physical line's bytes begin in {@link #buf}, and its file offset: a piece's resume position. */
        final LineStarts lines = new LineStarts();
        boolean active;
        /** Start of the physical line holding the first byte not yet handed on. */
        long start;
        /**
         * Where a restart must read from while this line is open: its start, or, if it was opened while the other
         * stream's line was open, the offset where that one was held (the last offset with no line open). So a
         * restart never begins inside a line of either stream that was handed on whole, which would hand on its
         * re-read end alone, without the start of a value cut across its records.
         */
        long hold;
        long end;
        long ts;
        int flags;
        long lastNanos;
        /** The last bytes (up to the context size) of the line before {@link #buf}, once it is split. */
        byte[] before;

        Reassembly(String stream) {
            this.stream = stream;
        }
    }

    /** Where the physical lines of a reassembled line begin: index in the joined bytes and file offset. */
    private static final class LineStarts {
        private static final int[] NO_INDEX = new int[0];
        private static final long[] NO_START = new long[0];
        private int[] index = NO_INDEX;
        private long[] start = NO_START;
        private int count;

        void clear() {
            count = 0;
        }

        void release() {
            count = 0;
            index = NO_INDEX;
            start = NO_START;
        }

        void add(int at, long fileOffset) {
            if (count == index.length) {
                index = Arrays.copyOf(index, Math.max(16, count * 2));
                start = Arrays.copyOf(start, Math.max(16, count * 2));
            }
            index[count] = at;
            start[count] = fileOffset;
            count++;
        }

        /** File offset of the physical line that holds byte {@code at} of the joined line. */
        long startOf(int at) {
            int i = count - 1;
            while (i > 0 && index[i] > at) {
                i--;
            }
            return start[i];
        }

        /** The first n joined bytes are gone: lines wholly inside them are forgotten, the rest re-indexed. */
        void dropFirst(int n) {
            int first = 0;
            while (first + 1 < count && index[first + 1] <= n) {
                first++;
            }
            count -= first;
            System.arraycopy(index, first, index, 0, count);
            System.arraycopy(start, first, start, 0, count);
            for (int i = 0; i < count; i++) {
                index[i] = Math.max(0, index[i] - n);
            }
        }
    }

    /** A byte array that grows as needed. */
    private static final class Growable {
        byte[] bytes = EMPTY;
        int len;

        /** Forgets the contents and gives the array back (the holder is idle). */
        void release() {
            len = 0;
            bytes = EMPTY;
        }

        void append(byte b) {
            ensure(len + 1);
            bytes[len++] = b;
        }

        void append(byte[] src, int off, int n) {
            ensure(len + n);
            System.arraycopy(src, off, bytes, len, n);
            len += n;
        }

        void dropFirst(int n) {
            System.arraycopy(bytes, n, bytes, 0, len - n);
            len -= n;
        }

        private void ensure(int needed) {
            if (bytes.length < needed) {
                bytes = Arrays.copyOf(bytes, Math.max(Math.max(needed, 256), bytes.length * 2));
            }
        }
    }
}
