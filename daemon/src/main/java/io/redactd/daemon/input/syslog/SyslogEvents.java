package io.redactd.daemon.input.syslog;

import io.redactd.daemon.pipeline.RawEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a parsed message into a {@link RawEvent} with ECS {@code log.syslog.*} fields.
 *
 * <p>Structured data goes into the message text, not into fields: the redactor scans the message, so SD parameter
 * values ({@code [origin patient="..."]}) are redacted like free text and cannot bypass it. The event's message is
 * {@code SD-ELEMENTS SP MSG} (just {@code MSG} without SD), the same shape rsyslog's {@code %msg%} shows with SD on.
 */
public final class SyslogEvents {
    private static final String[] FACILITIES = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
            "uucp", "cron", "authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
            "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
    private static final String[] SEVERITIES = {"Emergency", "Alert", "Critical", "Error", "Warning", "Notice",
            "Informational", "Debug"};
    private static final List<String> UNPARSED = List.of("syslog_unparsed");

    private SyslogEvents() {
    }

    /**
     * @param dataset   stamped as {@code event.dataset}
     * @param peer      the sender's address, stamped as {@code source.ip} (never PHI: a network identity)
     */
    public static RawEvent toEvent(SyslogMessage m, long receivedMs, String dataset, String peer, long position) {
        Map<String, Object> f = new HashMap<>(16);
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
        putIfPresent(f, "log.syslog.hostname", m.hostname());
        putIfPresent(f, "log.syslog.appname", m.appname());
        putIfPresent(f, "log.syslog.procid", m.procid());
        putIfPresent(f, "log.syslog.msgid", m.msgid());
        if (!m.headerParsed()) {
            f.put("log.flags", UNPARSED);
        }
        return new RawEvent(messageText(m), m.timestampMs() != null ? m.timestampMs() : receivedMs, f, position);
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

    private static void putIfPresent(Map<String, Object> f, String key, String value) {
        if (value != null) {
            f.put(key, value);
        }
    }
}
