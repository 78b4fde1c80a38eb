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

/**
 * Turns the lines of one file into events: decodes the container log format, reassembles partial lines, joins
 * multiline events, and collects them into the current batch. Every event's {@code position} is an offset from
 * which reading again loses nothing: the end of its last line, or for a piece of a reassembled line the start of
 * the physical line it came from. Single-threaded (the reading thread).
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
    private static final byte[] CAUSED_BY = "Caused by:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final String inputId;
    private final int maxLineBytes;
    private final int batchMaxEvents;
    private final int batchMaxBytes;
    private final MultilineMode multiline;
    private final int multilineMaxLines;
    private final int multilineMaxBytes;
    private final long flushTimeoutNanos;
    private final List<String>[] flagLists;
    private final LineFormat.Decoded decoded = new LineFormat.Decoded();

    private Format format;
    /** The file's name is whatever an application chose (a patient's name, an MRN): redacted like the text. */
    private ContentValue path;
    private long readTimeMs;
    private List<RawEvent> batch = new ArrayList<>();
    private int batchBytes;
    private long splitLines;
    private long unparsedLines;

    // Partial line reassembly (CRI P / Docker without newline).
    private final Growable partial = new Growable();
    private boolean partialActive;
    private long partialStart;
    private long partialEnd;
    private long partialTs;
    private String partialStream;
    private int partialFlags;
    private long partialLastNanos;
    /** The last bytes (up to the context size) of the reassembled line before {@link #partial}, once it is split. */
    private byte[] partialBefore;
    /** Where each physical line's bytes begin in {@link #partial}, and its file offset: a piece's resume position. */
    private final LineStarts partialLines = new LineStarts();

    // Multiline group.
    private final Growable group = new Growable();
    private int groupLines;
    private long groupStart;
    private long groupEnd;
    private long groupTs;
    private String groupStream;
    private int groupFlags;
    private long groupLastNanos;

    @SuppressWarnings("unchecked")
    EventAssembler(FileInputConfig config, String path) {
        this.inputId = config.id();
        this.maxLineBytes = config.maxLineBytes();
        this.batchMaxEvents = config.batchMaxEvents();
        this.batchMaxBytes = config.batchMaxBytes();
        this.multiline = config.multiline().mode();
        this.multilineMaxLines = config.multiline().maxLines();
        this.multilineMaxBytes = config.multiline().maxBytes();
        this.flushTimeoutNanos = config.multiline().flushTimeoutMs() * 1_000_000L;
        this.format = config.format();
        this.path = new ContentValue(path);
        this.flagLists = new List[1 << FLAG_NAMES.length];
    }

    void path(String renamedTo) {
        this.path = new ContentValue(renamedTo);
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
        int flags = (tailerFlags & Tailer.SPLIT) != 0 ? FLAG_SPLIT : 0;
        flags |= (tailerFlags & Tailer.UNTERMINATED) != 0 ? FLAG_UNTERMINATED : 0;
        if (format == Format.AUTO) {
            format = detect(buf, off, len);
        }
        if (format == Format.RAW || flags != 0) {
            // A piece of an over-long physical line cannot be decoded; it is passed on as it is.
            int extra = format == Format.RAW ? 0 : FLAG_UNPARSED;
            flushPartial();
            accept(Arrays.copyOfRange(buf, off, off + len), start, end, readTimeMs, null, flags | extra, context);
        } else {
            boolean ok = format == Format.CRI ? LineFormat.parseCri(buf, off, len, decoded)
                    : LineFormat.parseDocker(buf, off, len, decoded);
            if (!ok) {
                flushPartial();
                accept(Arrays.copyOfRange(buf, off, off + len), start, end, readTimeMs, null, FLAG_UNPARSED, null);
            } else {
                long ts = decoded.timestampMs == Long.MIN_VALUE ? readTimeMs : decoded.timestampMs;
                reassemble(start, end, ts);
            }
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

    private void reassemble(long start, long end, long ts) {
        LineFormat.Decoded d = decoded;
        if (!partialActive && !d.partial && d.len <= maxLineBytes) {
            accept(Arrays.copyOfRange(d.bytes, d.off, d.off + d.len), start, end, ts, d.stream, 0, null);
            return;
        }
        if (!partialActive) {
            partialActive = true;
            partialStart = start;
            partialTs = ts;
            partialStream = d.stream;
            partialFlags = 0;
            partial.len = 0;
            partialBefore = null;
            partialLines.clear();
        }
        partialLines.add(partial.len, start);
        partial.append(d.bytes, d.off, d.len);
        partialEnd = end;
        partialLastNanos = System.nanoTime();
        // A reassembled line longer than the maximum is handed on in pieces, each once the context after it is
        // known (or the line ends).
        while (partial.len >= maxLineBytes + Tailer.CONTEXT) {
            emitPartialPiece(Tailer.CONTEXT);
        }
        if (!d.partial) {
            finishPartial(end, 0);
        }
    }

    /**
     * Hands on the first maxLineBytes of the reassembled line with its context. Its position is the start of the
     * physical line holding the first byte not handed on, so a restart re-reads from there rather than skipping.
     */
    private void emitPartialPiece(int after) {
        int max = maxLineBytes;
        long resume = partialLines.startOf(max);
        accept(Arrays.copyOf(partial.bytes, max), partialStart, resume, partialTs, partialStream,
                partialFlags | FLAG_SPLIT, new SplitContext(partialBefore,
                        Arrays.copyOfRange(partial.bytes, max, max + after)));
        partialBefore = SplitContext.nextBefore(partialBefore, partial.bytes, max);
        partial.dropFirst(max);
        partialLines.dropFirst(max);
        partialFlags |= FLAG_SPLIT;
        partialStart = resume;
    }

    /** Hands on the rest of the reassembled line: pieces held for their context, then the last part. */
    private void finishPartial(long end, int extraFlags) {
        while (partial.len > maxLineBytes) {
            emitPartialPiece(Math.min(Tailer.CONTEXT, partial.len - maxLineBytes));
        }
        SplitContext context = (partialFlags & FLAG_SPLIT) != 0 ? new SplitContext(partialBefore, null) : null;
        accept(Arrays.copyOf(partial.bytes, partial.len), partialStart, end, partialTs, partialStream,
                partialFlags | extraFlags, context);
        partialActive = false;
        partial.len = 0;
        partialBefore = null;
        partialLines.clear();
    }

    private void flushPartial() {
        if (partialActive) {
            finishPartial(partialEnd, FLAG_PARTIAL);
        }
    }

    /** Multiline stage. */
    private void accept(byte[] msg, long start, long end, long ts, String stream, int flags, SplitContext context) {
        if ((flags & FLAG_SPLIT) != 0) {
            splitLines++;
        }
        if ((flags & FLAG_UNPARSED) != 0) {
            unparsedLines++;
        }
        if (multiline == MultilineMode.NONE) {
            emit(msg, msg.length, start, end, ts, stream, flags, context);
            return;
        }
        if (context != null) {
            // A piece of a split line stands alone: joined with '\n' to other lines, its context would no longer
            // be the bytes next to it.
            flushGroup();
            emit(msg, msg.length, start, end, ts, stream, flags, context);
            return;
        }
        boolean continuation = groupLines > 0 && isContinuation(msg);
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
                    groupFlags, null);
            groupLines = 0;
            group.len = 0;
        }
    }

    private void emit(byte[] msg, int len, long start, long end, long ts, String stream, int flags,
                      SplitContext context) {
        // Immutable compact maps: fewer allocations per event than a HashMap.
        Long offset = start;
        Map<String, Object> fields;
        if (stream == null && flags == 0) {
            fields = Map.of("log.file.path", path, "log.offset", offset, "event.dataset", inputId);
        } else if (stream == null) {
            fields = Map.of("log.file.path", path, "log.offset", offset, "event.dataset", inputId,
                    "log.flags", flagList(flags));
        } else if (flags == 0) {
            fields = Map.of("log.file.path", path, "log.offset", offset, "event.dataset", inputId,
                    "stream", stream);
        } else {
            fields = Map.of("log.file.path", path, "log.offset", offset, "event.dataset", inputId,
                    "stream", stream, "log.flags", flagList(flags));
        }
        if (context != null) {
            Map<String, Object> withContext = new HashMap<>(fields);
            withContext.put(SplitContext.FIELD, context);
            fields = Map.copyOf(withContext);
        }
        batch.add(new RawEvent(msg, ts, fields, end));
        batchBytes += len;
    }

    private List<String> flagList(int flags) {
        List<String> list = flagLists[flags];
        if (list == null) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < FLAG_NAMES.length; i++) {
                if ((flags & (1 << i)) != 0) {
                    names.add(FLAG_NAMES[i]);
                }
            }
            list = List.copyOf(names);
            flagLists[flags] = list;
        }
        return list;
    }

    /** Hands on a pending multiline event or partial line that has waited longer than the flush timeout. */
    void flushIfIdle(long nowNanos) {
        if (partialActive && nowNanos - partialLastNanos >= flushTimeoutNanos) {
            flushPartial();
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
        return partialActive || groupLines > 0;
    }

    boolean batchFull() {
        return batch.size() >= batchMaxEvents || batchBytes >= batchMaxBytes;
    }

    /** The events collected since the last call (possibly empty). */
    List<RawEvent> takeBatch() {
        List<RawEvent> out = batch;
        batch = new ArrayList<>(Math.min(out.size() + 16, batchMaxEvents));
        batchBytes = 0;
        return out;
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

    /** Where the physical lines of a reassembled line begin: index in the joined bytes and file offset. */
    private static final class LineStarts {
        private int[] index = new int[16];
        private long[] start = new long[16];
        private int count;

        void clear() {
            count = 0;
        }

        void add(int at, long fileOffset) {
            if (count == index.length) {
                index = Arrays.copyOf(index, count * 2);
                start = Arrays.copyOf(start, count * 2);
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
        byte[] bytes = new byte[256];
        int len;

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
                bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length * 2));
            }
        }
    }
}
