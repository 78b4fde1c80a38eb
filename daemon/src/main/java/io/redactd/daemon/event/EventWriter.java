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
 */
public final class EventWriter {
    private final CanonicalJson out = new CanonicalJson(4096);
    private final Map<String, String[]> segments = new HashMap<>();
    private String[][] paths = new String[16][];
    private Object[] values = new Object[16];
    private int count;
    private long lastMs = Long.MIN_VALUE;
    private String lastIso;

    public EventWriter begin() {
        count = 0;
        return this;
    }

    /** A field the pipeline owns; never skipped (call before {@link #field}). */
    public EventWriter core(String dotted, Object value) {
        add(split(dotted), value);
        return this;
    }

    /** An input's field; returns false (and adds nothing) when it conflicts with an entry already present. */
    public boolean field(String dotted, Object value) {
        String[] p = split(dotted);
        for (int i = 0; i < count; i++) {
            if (prefixRelated(paths[i], p)) {
                return false;
            }
        }
        add(p, value);
        return true;
    }

    public boolean has(String dotted) {
        String[] p = split(dotted);
        for (int i = 0; i < count; i++) {
            if (Arrays.equals(paths[i], p)) {
                return true;
            }
        }
        return false;
    }

    /** {@link EventDocument#isoMillis}, remembering the last value: events of a batch mostly share their millisecond. */
    public String timestamp(long epochMs) {
        if (epochMs != lastMs) {
            lastIso = EventDocument.isoMillis(epochMs);
            lastMs = epochMs;
        }
        return lastIso;
    }

    public byte[] finish() {
        sort();
        out.reset();
        out.punct('{');
        String[] stack = new String[8];
        boolean[] hasItem = new boolean[9];
        int depth = 0;
        for (int e = 0; e < count; e++) {
            String[] p = paths[e];
            int common = 0;
            while (common < depth && common < p.length - 1 && stack[common].equals(p[common])) {
                common++;
            }
            while (depth > common) {
                out.punct('}');
                depth--;
            }
            for (int k = depth; k < p.length - 1; k++) {
                if (hasItem[depth]) {
                    out.punct(',');
                }
                out.string(p[k]);
                out.punct(':');
                out.punct('{');
                hasItem[depth] = true;
                if (depth + 1 >= stack.length) {
                    stack = Arrays.copyOf(stack, stack.length * 2);
                    hasItem = Arrays.copyOf(hasItem, hasItem.length * 2);
                }
                stack[depth++] = p[k];
                hasItem[depth] = false;
            }
            if (hasItem[depth]) {
                out.punct(',');
            }
            out.string(p[p.length - 1]);
            out.punct(':');
            out.value(values[e]);
            hasItem[depth] = true;
        }
        while (depth-- > 0) {
            out.punct('}');
        }
        out.punct('}');
        return out.toByteArray();
    }

    private void add(String[] p, Object value) {
        if (count == paths.length) {
            paths = Arrays.copyOf(paths, count * 2);
            values = Arrays.copyOf(values, count * 2);
        }
        paths[count] = p;
        values[count++] = value instanceof SortedMap<?, ?> || value == null || !(value instanceof Map<?, ?>)
                ? value : new java.util.TreeMap<>((Map<?, ?>) value);
    }

    private String[] split(String dotted) {
        String[] p = segments.get(dotted);
        if (p == null) {
            p = dotted.split("\\.", -1);
            if (segments.size() < 1024) { // input field names are few; do not let odd ones grow the cache
                segments.put(dotted, p);
            }
        }
        return p;
    }

    private static boolean prefixRelated(String[] a, String[] b) {
        int n = Math.min(a.length, b.length);
        for (int i = 0; i < n; i++) {
            if (!a[i].equals(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** Insertion sort: a document has a handful of entries. */
    private void sort() {
        for (int i = 1; i < count; i++) {
            String[] p = paths[i];
            Object v = values[i];
            int j = i - 1;
            while (j >= 0 && compare(paths[j], p) > 0) {
                paths[j + 1] = paths[j];
                values[j + 1] = values[j];
                j--;
            }
            paths[j + 1] = p;
            values[j + 1] = v;
        }
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
