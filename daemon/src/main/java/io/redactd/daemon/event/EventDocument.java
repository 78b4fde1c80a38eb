package io.redactd.daemon.event;

import java.time.LocalDate;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One event as the outputs receive it, following Elastic Common Schema names: {@code @timestamp}, {@code message}
 * (redacted), {@code host.name}, {@code log.file.path}, {@code log.offset}, {@code event.dataset},
 * {@code redactd.findings} (counts per PHI type, never values). Dotted names become nested objects; serialized as
 * canonical JSON (see {@link CanonicalJson}) so the integrity chain can hash the exact bytes.
 *
 * <p>The integrity stage adds {@code chain.*} with {@link #put} before serializing.
 */
public final class EventDocument {
    private final TreeMap<String, Object> root = new TreeMap<>();

    /**
     * Sets a dotted field ({@code log.file.path}). Values: String, {@link Utf8Text}, Integer/Long, Boolean, List,
     * or a SortedMap. Throws IllegalArgumentException if a prefix is already a non-object value.
     */
    @SuppressWarnings("unchecked")
    public EventDocument put(String dotted, Object value) {
        TreeMap<String, Object> node = root;
        int start = 0;
        int dot;
        while ((dot = dotted.indexOf('.', start)) >= 0) {
            String key = dotted.substring(start, dot);
            Object child = node.get(key);
            if (child == null) {
                TreeMap<String, Object> created = new TreeMap<>();
                node.put(key, created);
                node = created;
            } else if (child instanceof TreeMap<?, ?> m) {
                node = (TreeMap<String, Object>) m;
            } else {
                throw new IllegalArgumentException("field " + dotted + " conflicts with " + dotted.substring(0, dot));
            }
            start = dot + 1;
        }
        String leaf = dotted.substring(start);
        if (node.get(leaf) instanceof Map<?, ?> && !(value instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("field " + dotted + " is an object");
        }
        node.put(leaf, value);
        return this;
    }

    /** The value at a dotted path, or null. */
    public Object get(String dotted) {
        Object node = root;
        for (String part : dotted.split("\\.")) {
            if (!(node instanceof Map<?, ?> m)) {
                return null;
            }
            node = m.get(part);
        }
        return node;
    }

    public SortedMap<String, Object> fields() {
        return root;
    }

    public void writeTo(CanonicalJson out) {
        out.value(root);
    }

    public byte[] toCanonicalJson() {
        CanonicalJson out = new CanonicalJson(256);
        writeTo(out);
        return out.toByteArray();
    }

    /** ISO-8601 UTC with milliseconds, always the same width: {@code 2026-11-27T03:17:52.123Z}. */
    public static String isoMillis(long epochMs) {
        long days = Math.floorDiv(epochMs, 86_400_000L);
        long msOfDay = Math.floorMod(epochMs, 86_400_000L);
        LocalDate d = LocalDate.ofEpochDay(days);
        char[] c = "0000-00-00T00:00:00.000Z".toCharArray();
        put4(c, 0, d.getYear());
        put2(c, 5, d.getMonthValue());
        put2(c, 8, d.getDayOfMonth());
        put2(c, 11, (int) (msOfDay / 3_600_000));
        put2(c, 14, (int) (msOfDay / 60_000 % 60));
        put2(c, 17, (int) (msOfDay / 1000 % 60));
        int ms = (int) (msOfDay % 1000);
        c[20] = (char) ('0' + ms / 100);
        c[21] = (char) ('0' + ms / 10 % 10);
        c[22] = (char) ('0' + ms % 10);
        return new String(c);
    }

    private static void put2(char[] c, int at, int v) {
        c[at] = (char) ('0' + v / 10);
        c[at + 1] = (char) ('0' + v % 10);
    }

    private static void put4(char[] c, int at, int v) {
        int y = Math.max(0, Math.min(9999, v));
        c[at] = (char) ('0' + y / 1000);
        c[at + 1] = (char) ('0' + y / 100 % 10);
        c[at + 2] = (char) ('0' + y / 10 % 10);
        c[at + 3] = (char) ('0' + y % 10);
    }
}
