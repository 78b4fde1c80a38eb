package io.redactd.daemon.input.syslog;

import io.redactd.daemon.event.SyslogStructuredData;
import io.redactd.daemon.pipeline.ContentValue;
import io.redactd.daemon.pipeline.RawEvent;
import io.redactd.daemon.pipeline.SplitContext;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * Turns a parsed message into a {@link RawEvent} with ECS {@code log.syslog.*} fields.
 *
 * <p>Structured data travels in the message text, not in fields: the redactor scans the message, so SD parameter
 * values ({@code [origin patient="..."]}) are redacted like free text and cannot bypass it. The raw event's message
 * is {@code SD-ELEMENTS SP MSG} (just {@code MSG} without SD), marked {@link SyslogStructuredData#PREFIXED}; after
 * redaction the pipeline moves the elements into {@code log.syslog.structured_data} and leaves {@code MSG} as the
 * message.
 */
public final class SyslogEvents {
    private static final String[] FACILITIES = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
            "uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
            "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
    private static final String[] SEVERITIES = {"Emergency", "Alert", "Critical", "Error", "Warning", "Notice",
            "Informational", "Debug"};
    private static final List<String> UNPARSED = List.of("syslog_unparsed");
    /** A frame ended where its octet count said although nothing after it confirmed the count. */
    static final String COUNT_SUSPECT = "syslog_count_suspect";

    private SyslogEvents() {
    }

    /**
     * @param dataset   stamped as {@code event.dataset}
     * @param peer      the sender's address, stamped as {@code source.ip} (never PHI: a network identity)
     */
    public static RawEvent toEvent(SyslogMessage m, long receivedMs, String dataset, String peer, long position) {
        return new RawEvent(messageText(m), m.timestampMs() != null ? m.timestampMs() : receivedMs,
                fields(m, dataset, peer), position);
    }

    /**
     * As {@link #toEvent(SyslogMessage, long, String, String, long)}, but events whose header fields equal the
     * previous event's share one read-only field map (a sender's messages mostly repeat host, app and priority).
     */
    public static RawEvent toEvent(SyslogMessage m, long receivedMs, String dataset, String peer, long position,
                                   FieldsCache cache) {
        return new RawEvent(messageText(m), m.timestampMs() != null ? m.timestampMs() : receivedMs,
                cache.fields(m, dataset, peer), position);
    }

    private static Map<String, Object> fields(SyslogMessage m, String dataset, String peer) {
        return fields(m, dataset, peer, null);
    }

    /** @param values a connection's recent header values, so a repeated one keeps its redaction (may be null) */
    private static Map<String, Object> fields(SyslogMessage m, String dataset, String peer, ContentValues values) {
        Map<String, Object> f = new LinkedHashMap<>(16);
        f.put("event.dataset", dataset);
        if (peer != null) {
            f.put("source.ip", peer);
        }
        if (m.priority() >= 0) {
            f.put("log.syslog.priority", (long) m.priority());
            f.put("log.syslog.facility.code", (long) m.facility());
            f.put("log.syslog.facility.name", FACILITIES[m.facility()]);
            f.put("log.syslog.severity.code", (long) m.severity());
            f.put("log.syslog.severity.name", SEVERITIES[m.severity()]);
        }
        if (m.version() > 0) {
            f.put("log.syslog.version", String.valueOf(m.version()));
        }
        if (m.hostname() != null) {
            Object host = ContentValue.hostName(m.hostname());
            f.put("log.syslog.hostname", host instanceof ContentValue && values != null ? values.of(m.hostname()) : host);
        }
        putIfPresent(f, "log.syslog.appname", m.appname(), values);
        putIfPresent(f, "log.syslog.procid", m.procid(), values);
        putIfPresent(f, "log.syslog.msgid", m.msgid(), values);
        if (!m.headerParsed()) {
            f.put("log.flags", UNPARSED);
        }
        if (m.structuredData() != null) {
            f.put(SyslogStructuredData.FIELD, SyslogStructuredData.PREFIXED);
        }
        return new Fields(f);
    }

    /**
     * A read-only field map whose entries are iterated from an array: the pipeline walks every event's fields, and
     * a shared map's unmodifiable HashMap view cost a bucket scan and a wrapper per entry on each walk.
     */
    static final class Fields extends AbstractMap<String, Object> {
        private final Entry<String, Object>[] entries;
        private final int[] hashes;
        private final Set<Entry<String, Object>> entrySet = new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < entries.length;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= entries.length) {
                            throw new NoSuchElementException();
                        }
                        return entries[next++];
                    }
                };
            }

            @Override
            public int size() {
                return entries.length;
            }
        };

        @SuppressWarnings("unchecked")
        Fields(Map<String, Object> fields) {
            this.entries = fields.entrySet().stream().map(e -> new SimpleImmutableEntry<>(e.getKey(), e.getValue()))
                    .toArray(Entry[]::new);
            this.hashes = new int[entries.length];
            for (int i = 0; i < entries.length; i++) {
                hashes[i] = entries[i].getKey().hashCode();
            }
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return entrySet;
        }

        /** A dozen entries at most: a scan of their keys' hashes, no hash table. */
        private int indexOf(Object key) {
            if (key != null) {
                int h = key.hashCode();
                for (int i = 0; i < hashes.length; i++) {
                    if (hashes[i] == h && key.equals(entries[i].getKey())) {
                        return i;
                    }
                }
            }
            return -1;
        }

        @Override
        public Object get(Object key) {
            int i = indexOf(key);
            return i < 0 ? null : entries[i].getValue();
        }

        @Override
        public boolean containsKey(Object key) {
            return indexOf(key) >= 0;
        }

        @Override
        public int size() {
            return entries.length;
        }
    }

    /**
     * The field map of the last event of one source (one connection), reused while the next message's header is
     * the same. Not thread-safe: one per connection, used on its event loop.
     */
    public static final class FieldsCache {
        // the header of the message lastFields was built from (not the message: its text may be PHI)
        private int priority;
        private int version;
        private boolean headerParsed;
        private boolean structured;
        private String hostname;
        private String appname;
        private String procid;
        private String msgid;
        private String dataset;
        private String peer;
        private Map<String, Object> lastFields;
        private final ContentValues values = new ContentValues();

        Map<String, Object> fields(SyslogMessage m, String dataset, String peer) {
            if (lastFields == null || m.priority() != priority || m.version() != version
                    || m.headerParsed() != headerParsed || (m.structuredData() != null) != structured
                    || !Objects.equals(m.hostname(), hostname)
                    || !Objects.equals(m.appname(), appname) || !Objects.equals(m.procid(), procid)
                    || !Objects.equals(m.msgid(), msgid) || !Objects.equals(dataset, this.dataset)
                    || !Objects.equals(peer, this.peer)) {
                lastFields = SyslogEvents.fields(m, dataset, peer, values);
                priority = m.priority();
                version = m.version();
                headerParsed = m.headerParsed();
                structured = m.structuredData() != null;
                hostname = m.hostname();
                appname = m.appname();
                procid = m.procid();
                msgid = m.msgid();
                this.dataset = dataset;
                this.peer = peer;
            }
            return lastFields;
        }
    }

    /**
     * The event of a frame whose end is a cut nothing vouches for ({@link SyslogFrameDecoder.Listener#cutFrame}):
     * flagged {@value #COUNT_SUSPECT}, with the raw bytes that followed it as {@link SplitContext} (after only: the
     * frame's start is a frame start), so the pipeline detects a value the cut runs through whole and masks its part
     * here, as for the pieces of a split file line. Its own field map: the shared one is read-only.
     */
    static RawEvent cut(RawEvent e, byte[] after) {
        Map<String, Object> f = new LinkedHashMap<>(e.fields());
        Object flags = f.get("log.flags");
        List<String> all = new ArrayList<>();
        if (flags instanceof List<?> list) {
            list.forEach(x -> all.add(String.valueOf(x)));
        }
        all.add(COUNT_SUSPECT);
        f.put("log.flags", List.copyOf(all));
        f.put(SplitContext.FIELD, new SplitContext(null, after));
        return new RawEvent(e.message(), e.timestampMs(), f, e.position());
    }

    /** {@code SD SP MSG}, or the parts that exist. */
    static byte[] messageText(SyslogMessage m) {
        byte[] sd = m.structuredData();
        byte[] text = m.text();
        if (sd == null) {
            return text;
        }
        if (text.length == 0) {
            return sd;
        }
        byte[] out = new byte[sd.length + 1 + text.length];
        System.arraycopy(sd, 0, out, 0, sd.length);
        out[sd.length] = ' ';
        System.arraycopy(text, 0, out, sd.length + 1, text.length);
        return out;
    }

    /** Header fields are the sender's content (any printable text): redacted by the pipeline like the message. */
    private static void putIfPresent(Map<String, Object> f, String key, String value, ContentValues values) {
        if (value != null) {
            f.put(key, values != null ? values.of(value) : new ContentValue(value));
        }
    }

    /**
     * A connection's recent header values, each one {@link ContentValue} kept with its redaction: a relay's PROCID
     * (and host, app) changes from message to message but repeats, and each distinct value is scanned once per plan
     * instead of once per event. Bounded; one per connection, used on its event loop.
     */
    static final class ContentValues {
        private static final int MAX = 512;
        private final Map<String, ContentValue> recent = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, ContentValue> eldest) {
                return size() > MAX;
            }
        };

        ContentValue of(String raw) {
            return recent.computeIfAbsent(raw, ContentValue::new);
        }
    }
}
