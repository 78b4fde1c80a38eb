package io.redactd.daemon.event;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;

/**
 * Writes an event's canonical JSON straight from its dotted fields, without building a tree: the hot-path twin of
 * {@link EventDocument} (byte-identical output, see EventWriterTest). Entries are sorted by path segment, which is
 * the order of nested objects with sorted keys, and objects are opened and closed as the paths change.
 *
 * <p>Precedence: the pipeline's own fields ({@link #core}) come first; an input field whose path equals, contains or
 * lies inside an existing entry is skipped (and counted by the caller), so a stray {@code message.x} can neither
 * replace the redacted message nor break the document. One instance per thread.
 *
 * <p>Per event it allocates only the finished array: paths are parsed once into {@link FieldPath}s with their keys
 * already encoded, segments are interned so paths compare by identity, the sort order of the last event's field
 * sequence is reused when the next event has the same sequence (events of one input do), and string values seen
 * again (host, file path, dataset, the timestamp of the current millisecond) are copied as encoded bytes; values that
 * stay equal from event to event are joined with the literals around them (see {@link #chunks}).
 */
public final class EventWriter {
    /** Field names and strings an input keeps sending are few; odd ones must not grow the caches without bound. */
    private static final int MAX_CACHED_PATHS = 1024;
    private static final int STRING_SLOTS = 64;
    private static final int MAX_CACHED_STRING = 512;
    private static final Object NO_ENTRIES = java.util.Collections.emptySortedMap();

    private final CanonicalJson out = new CanonicalJson(4096);
    private final Map<String, FieldPath> pathCache = new HashMap<>();
    private final Map<String, String> segmentIntern = new HashMap<>();
    private FieldPath[] paths = new FieldPath[16];
    private Object[] values = new Object[16];
    private int count;
    /** Sorted positions of the last finished sequence of paths, reused when the next sequence is the same. */
    private FieldPath[] lastPaths = new FieldPath[16];
    private int[] lastOrder = new int[16];
    private int lastCount = -1;
    private int[] order = new int[16];
    private int chainAt = -1;
    private final String[] stringKeys = new String[STRING_SLOTS];
    private final byte[][] stringBytes = new byte[STRING_SLOTS][];
    private final CanonicalJson scratch = new CanonicalJson(256);
    private long lastMs = Long.MIN_VALUE;
    private String lastIso;
    /**
     * The calls ({@link #core}, {@link #field}, {@link #has}) of the current event, by position: the dotted name (by
     * identity), its path and the answer. Events of one input make the same calls with the same name constants, so
     * while this event's calls repeat the last event's, each answer is the recorded one (the answers depend only on
     * the names asked before): no map lookup, no conflict scan.
     */
    private String[] callNames = new String[16];
    private FieldPath[] callPaths = new FieldPath[16];
    private boolean[] callAnswers = new boolean[16];
    private int calls;
    /** Calls recorded from earlier events that are still valid for the current one. */
    private int recordedCalls;
    private boolean repeating;
    /**
     * The document's bytes between values for {@link #lastOrder}'s path sequence: {@code literals[k]} goes before the
     * k-th value in order, {@code literals[count]} closes the document. Null until built for the current sequence.
     */
    private byte[][] literals;
    /** Which literal holds the chain insertion point, and where in it; -1: the document has a chain member. */
    private int chainLiteral;
    private int chainOffset;
    private boolean orderReused;
    /** Events a value must have stayed equal at its position before it is baked into {@link #chunks}. */
    private static final int PROMOTE_AFTER = 2;
    /**
     * A baked value that changes after fewer events than this doubles its position's {@link #promoteAfter} (up to
     * {@link #MAX_PROMOTE_AFTER}): a timestamp that holds for a few events must not rebuild the chunks every time.
     */
    private static final int SHORT_LIVED = 64;
    private static final int MAX_PROMOTE_AFTER = 4096;
    /** Events finished so far (the clock of {@link #sameSince}). */
    private long events;
    /** Per sorted position of the current sequence: the last value if {@link #bakeable}, else null. */
    private Object[] seen = new Object[16];
    /** Per sorted position: the event since which its value has been equal. */
    private long[] sameSince = new long[16];
    private int[] promoteAfter = new int[16];
    /** Per sorted position: its value is inside {@link #chunks}. */
    private boolean[] baked = new boolean[16];
    /**
     * Values that stay the same from event to event (a syslog sender's host, app, priority names and codes, the
     * dataset, a clean event's empty findings) baked into the literals: {@code chunks[k]} holds the literals and the
     * encoded constant values before the k-th value that varies ({@code chunkValue[k]}, a sorted position), so such
     * an event is a handful of copies instead of a copy and an encoding per field. Only immutable values (String,
     * Long, the empty findings) are baked, and every event compares each baked one with its own value (equal content:
     * another instance of the same text qualifies) before the chunks are used, so they are byte for byte what writing
     * the values would give. Values are what the pipeline hands over: redacted text only. Null: rebuild from
     * {@link #literals}.
     */
    private byte[][] chunks;
    private int[] chunkValue = new int[16];
    private int chunkCount;
    private int chainChunk;
    private int chainChunkOffset;
    private final CanonicalJson planOut = new CanonicalJson(512);

    /** A parsed dotted name: its segments (interned per writer) and each segment's encoded {@code "key":}. */
    private static final class FieldPath {
        final String[] segments;
        final byte[][] keys;
        /** Sign of comparing the first segment with "chain" (0: the path is the reserved chain member itself). */
        final int vsChain;

        FieldPath(String[] segments) {
            this.segments = segments;
            this.keys = new byte[segments.length][];
            CanonicalJson k = new CanonicalJson(32);
            for (int i = 0; i < segments.length; i++) {
                k.reset();
                k.string(segments[i]);
                k.punct(':');
                keys[i] = k.toByteArray();
            }
            this.vsChain = Integer.signum(segments[0].compareTo("chain"));
        }
    }

    public EventWriter begin() {
        count = 0;
        // Every call of the last event was recorded (repeated or new), so all of them are valid for this one.
        recordedCalls = calls;
        calls = 0;
        repeating = true;
        return this;
    }

    /** A field the pipeline owns; never skipped (call before {@link #field}). */
    public EventWriter core(String dotted, Object value) {
        if (repeated(dotted)) {
            add(callPaths[calls++], value);
            return this;
        }
        FieldPath p = path(dotted);
        record(dotted, p, true);
        add(p, value);
        return this;
    }

    /** An input's field; returns false (and adds nothing) when it conflicts with an entry already present. */
    public boolean field(String dotted, Object value) {
        if (repeated(dotted)) {
            int c = calls++;
            if (callAnswers[c]) {
                add(callPaths[c], value);
                return true;
            }
            return false;
        }
        FieldPath p = path(dotted);
        for (int i = 0; i < count; i++) {
            if (prefixRelated(paths[i].segments, p.segments)) {
                record(dotted, p, false);
                return false;
            }
        }
        record(dotted, p, true);
        add(p, value);
        return true;
    }

    public boolean has(String dotted) {
        if (repeated(dotted)) {
            return callAnswers[calls++];
        }
        FieldPath p = path(dotted);
        boolean found = false;
        for (int i = 0; i < count; i++) {
            if (paths[i] == p || Arrays.equals(paths[i].segments, p.segments)) {
                found = true;
                break;
            }
        }
        record(dotted, p, found);
        return found;
    }

    /** True when this call repeats the last event's call at the same position, after the same earlier calls. */
    private boolean repeated(String dotted) {
        if (repeating && calls < recordedCalls && callNames[calls] == dotted) {
            return true;
        }
        repeating = false;
        return false;
    }

    private void record(String dotted, FieldPath p, boolean answer) {
        if (calls == callNames.length) {
            callNames = Arrays.copyOf(callNames, calls * 2);
            callPaths = Arrays.copyOf(callPaths, calls * 2);
            callAnswers = Arrays.copyOf(callAnswers, calls * 2);
        }
        callNames[calls] = dotted;
        callPaths[calls] = p;
        callAnswers[calls++] = answer;
    }

    /** {@link EventDocument#isoMillis}, remembering the last value: events of a batch mostly share their millisecond. */
    public String timestamp(long epochMs) {
        if (epochMs != lastMs) {
            lastIso = EventDocument.isoMillis(epochMs);
            lastMs = epochMs;
        }
        return lastIso;
    }

    /**
     * Offset, in the array the last {@link #finish} returned, where a top-level {@code "chain"} member belongs in
     * canonical order (the opening quote of the first member that sorts after it, or the closing brace); -1 when the
     * document already has a top-level {@code chain} member.
     */
    public int chainAt() {
        return chainAt;
    }

    public byte[] finish() {
        int[] ord = sortedOrder();
        if (orderReused && literals != null) {
            return fromChunks(ord);
        }
        return writeAndLearn(ord);
    }

    /** The same path sequence as the last document: its chunks (literals and baked values) around the other values. */
    private byte[] fromChunks(int[] ord) {
        long now = ++events;
        int n = count;
        boolean rebuild = chunks == null;
        for (int e = 0; e < n; e++) {
            Object v = values[ord[e]];
            // only bakeable values are kept (and compared): nothing else is held past its event
            boolean b = bakeable(v);
            if (b && sameValue(v, seen[e])) {
                if (!baked[e] && now - sameSince[e] == promoteAfter[e]) {
                    rebuild = true;
                }
            } else {
                if (baked[e]) {
                    rebuild = true;
                    promoteAfter[e] = now - sameSince[e] < SHORT_LIVED
                            ? Math.min(promoteAfter[e] * 2, MAX_PROMOTE_AFTER) : PROMOTE_AFTER;
                }
                seen[e] = b ? v : null;
                sameSince[e] = now;
            }
        }
        if (rebuild) {
            plan(ord, now);
        }
        CanonicalJson o = out;
        o.reset();
        byte[][] ch = chunks;
        int m = chunkCount;
        int at = -1;
        for (int k = 0; k < m; k++) {
            if (k == chainChunk) {
                at = o.length() + chainChunkOffset;
            }
            o.bytes(ch[k]);
            value(values[ord[chunkValue[k]]]);
        }
        if (m == chainChunk) {
            at = o.length() + chainChunkOffset;
        }
        o.bytes(ch[m]);
        chainAt = at;
        return o.toByteArray();
    }

    /** Splits the document into chunks: literals joined with the values that have been constant long enough. */
    private void plan(int[] ord, long now) {
        CanonicalJson c = planOut;
        c.reset();
        byte[][] lit = literals;
        int n = count;
        byte[][] ch = new byte[n + 1][];
        int k = 0;
        chainChunk = -1;
        for (int e = 0; e < n; e++) {
            if (e == chainLiteral) {
                chainChunk = k;
                chainChunkOffset = c.length() + chainOffset;
            }
            c.bytes(lit[e]);
            Object v = values[ord[e]];
            baked[e] = seen[e] != null && now - sameSince[e] >= promoteAfter[e];
            if (baked[e]) {
                encodeConstant(c, v);
            } else {
                ch[k] = c.toByteArray();
                chunkValue[k++] = e;
                c.reset();
            }
        }
        if (n == chainLiteral) {
            chainChunk = k;
            chainChunkOffset = c.length() + chainOffset;
        }
        c.bytes(lit[n]);
        ch[k] = c.toByteArray();
        chunkCount = k;
        chunks = ch;
    }

    /** Values whose bytes cannot change behind the writer's back (a Utf8Text's array, a map or list can). */
    private static boolean bakeable(Object v) {
        return v instanceof String s ? s.length() <= MAX_CACHED_STRING : v instanceof Long || v == NO_ENTRIES;
    }

    /** For two {@link #bakeable} values (or null): equal content writes equal bytes. */
    private static boolean sameValue(Object a, Object b) {
        if (a == b) {
            return true;
        }
        if (a instanceof String s) {
            return b instanceof String t && s.equals(t);
        }
        return a instanceof Long x && b instanceof Long y && x.longValue() == y.longValue();
    }

    /** What {@link #value} writes for a {@link #bakeable} value. */
    private static void encodeConstant(CanonicalJson c, Object v) {
        if (v instanceof String s) {
            c.string(s);
        } else if (v instanceof Long l) {
            c.number(l);
        } else {
            c.punct('{');
            c.punct('}');
        }
    }

    /** Writes the document by walking the paths, and keeps the bytes between its values for the next events. */
    private byte[] writeAndLearn(int[] ord) {
        int[] litStart = new int[count + 1];
        int[] litEnd = new int[count + 1];
        CanonicalJson o = out;
        o.reset();
        o.punct('{');
        chainAt = -2;
        String[] stack = new String[8];
        boolean[] hasItem = new boolean[9];
        int depth = 0;
        for (int e = 0; e < count; e++) {
            FieldPath fp = paths[ord[e]];
            String[] p = fp.segments;
            int common = 0;
            // Segments are interned per writer, so identity is nearly always the answer.
            while (common < depth && common < p.length - 1 && same(stack[common], p[common])) {
                common++;
            }
            while (depth > common) {
                o.punct('}');
                depth--;
            }
            boolean markChain = false;
            if (depth == 0 && chainAt == -2) {
                if (fp.vsChain == 0) {
                    chainAt = -1;
                } else if (fp.vsChain > 0) {
                    markChain = true; // a new top-level member that sorts after "chain": the chain goes before it
                }
            }
            for (int k = depth; k < p.length - 1; k++) {
                if (hasItem[depth]) {
                    o.punct(',');
                }
                if (markChain) {
                    chainAt = o.length();
                    markChain = false;
                }
                o.bytes(fp.keys[k]);
                o.punct('{');
                hasItem[depth] = true;
                if (depth + 1 >= stack.length) {
                    stack = Arrays.copyOf(stack, stack.length * 2);
                    hasItem = Arrays.copyOf(hasItem, hasItem.length * 2);
                }
                stack[depth++] = p[k];
                hasItem[depth] = false;
            }
            if (hasItem[depth]) {
                o.punct(',');
            }
            if (markChain) {
                chainAt = o.length();
            }
            o.bytes(fp.keys[p.length - 1]);
            litEnd[e] = o.length();
            value(values[ord[e]]);
            litStart[e + 1] = o.length();
            hasItem[depth] = true;
        }
        while (depth-- > 0) {
            o.punct('}');
        }
        if (chainAt == -2) {
            chainAt = o.length();
        }
        o.punct('}');
        byte[] doc = o.toByteArray();
        litEnd[count] = doc.length;
        byte[][] lit = new byte[count + 1][];
        chainLiteral = -1;
        for (int k = 0; k <= count; k++) {
            lit[k] = Arrays.copyOfRange(doc, litStart[k], litEnd[k]);
            if (chainAt >= litStart[k] && chainAt <= litEnd[k] && chainLiteral < 0) {
                // The insertion point is always in a literal: before a key (after its comma) or before the last brace.
                chainLiteral = k;
                chainOffset = chainAt - litStart[k];
            }
        }
        literals = lit;
        // a new sequence: nothing is baked until its values have repeated
        chunks = null;
        long now = ++events;
        if (seen.length < count) {
            int cap = paths.length;
            seen = new Object[cap];
            sameSince = new long[cap];
            promoteAfter = new int[cap];
            baked = new boolean[cap];
            chunkValue = new int[cap];
        }
        for (int k = 0; k < count; k++) {
            Object v = values[ord[k]];
            seen[k] = bakeable(v) ? v : null;
            sameSince[k] = now;
            promoteAfter[k] = PROMOTE_AFTER;
            baked[k] = false;
        }
        return doc;
    }

    private void value(Object v) {
        if (v instanceof String s) {
            string(s);
        } else if (v instanceof Utf8Text t) {
            out.utf8(t.bytes(), t.offset(), t.length());
        } else if (v instanceof Long l) {
            out.number(l);
        } else if (v == NO_ENTRIES) {
            // the findings of a clean event (the common case)
            out.punct('{');
            out.punct('}');
        } else {
            out.value(v);
        }
    }

    /** A string value: from the cache when the same String was written recently, else encoded (and cached). */
    private void string(String s) {
        if (s.length() > MAX_CACHED_STRING) {
            out.string(s);
            return;
        }
        int slot = s.hashCode() & (STRING_SLOTS - 1);
        if (stringKeys[slot] != s) {
            scratch.reset();
            scratch.string(s);
            stringBytes[slot] = scratch.toByteArray();
            stringKeys[slot] = s;
        }
        out.bytes(stringBytes[slot]);
    }

    private void add(FieldPath p, Object value) {
        if (count == paths.length) {
            paths = Arrays.copyOf(paths, count * 2);
            values = Arrays.copyOf(values, count * 2);
        }
        paths[count] = p;
        // Final classes first: an interface test (SortedMap, Map) on every String and Long costs a scan of its supers.
        values[count++] = value instanceof String || value instanceof Utf8Text || value instanceof Long
                || value instanceof SortedMap<?, ?> || value == null || !(value instanceof Map<?, ?>)
                ? value : new java.util.TreeMap<>((Map<?, ?>) value);
    }

    private FieldPath path(String dotted) {
        FieldPath p = pathCache.get(dotted);
        if (p == null) {
            String[] segments = dotted.split("\\.", -1);
            for (int i = 0; i < segments.length; i++) {
                segments[i] = intern(segments[i]);
            }
            p = new FieldPath(segments);
            if (pathCache.size() < MAX_CACHED_PATHS) {
                pathCache.put(dotted, p);
            }
        }
        return p;
    }

    private String intern(String segment) {
        String known = segmentIntern.get(segment);
        if (known != null) {
            return known;
        }
        if (segmentIntern.size() < MAX_CACHED_PATHS * 4) {
            segmentIntern.put(segment, segment);
        }
        return segment;
    }

    private static boolean same(String a, String b) {
        return a == b || a.equals(b);
    }

    private static boolean prefixRelated(String[] a, String[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            if (!same(a[i], b[i])) {
                return false;
            }
        }
        return true;
    }

    /** The entries' positions in canonical order; the last event's order when its path sequence was the same. */
    private int[] sortedOrder() {
        if (count == lastCount) {
            boolean same = true;
            for (int i = 0; i < count; i++) {
                if (paths[i] != lastPaths[i]) {
                    same = false;
                    break;
                }
            }
            if (same) {
                orderReused = true;
                return lastOrder;
            }
        }
        orderReused = false;
        literals = null;
        if (order.length < count) {
            order = new int[paths.length];
        }
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        // Insertion sort: a document has a handful of entries.
        for (int i = 1; i < count; i++) {
            int v = order[i];
            int j = i - 1;
            while (j >= 0 && compare(paths[order[j]].segments, paths[v].segments) > 0) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = v;
        }
        if (lastPaths.length < count) {
            lastPaths = new FieldPath[paths.length];
            lastOrder = new int[paths.length];
        }
        System.arraycopy(paths, 0, lastPaths, 0, count);
        System.arraycopy(order, 0, lastOrder, 0, count);
        lastCount = count;
        return order;
    }

    private static int compare(String[] a, String[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            int c = a[i].compareTo(b[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    }
}
