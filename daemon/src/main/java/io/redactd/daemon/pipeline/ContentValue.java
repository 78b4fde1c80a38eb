package io.redactd.daemon.pipeline;

import io.redactd.detectors.Finding;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A field value an input took from the event's content, not from its own knowledge: a syslog HOSTNAME, APP-NAME,
 * PROCID or MSGID, a HEC event's {@code host}, {@code source}, {@code sourcetype} or {@code index}. A sender can put
 * anything there (a patient's e-mail as the host, an SSN as the app name), so the pipeline redacts it with the
 * message's detectors before it is written, counted or alerted on.
 *
 * <p>The redaction is kept in the value for the detection plan that made it: a sender repeats its header, and the
 * syslog input shares one field map while it does, so each distinct value is scanned once per plan. Until the pipeline
 * has redacted it, {@link #toString} and {@link #redacted} give {@link #WITHHELD}, never the raw value (fail closed).
 */
public final class ContentValue {
    /** What stands for a value no redaction has covered (not yet scanned, or detection failed on it). */
    public static final String WITHHELD = "[REDACTED]";

    private final String raw;
    private volatile Redaction redaction;

    /** A value as redacted under one plan; immutable, so a racing second worker only repeats the same work. */
    record Redaction(Object plan, String text, List<Finding> findings, boolean dropped, boolean failed) {
        /** Something to count or act on: a finding, or a drop. */
        boolean found() {
            return dropped || !findings.isEmpty();
        }
    }

    public ContentValue(String raw) {
        this.raw = raw;
    }

    /** Wraps a value that may be absent. */
    public static ContentValue ofNullable(String raw) {
        return raw == null ? null : new ContentValue(raw);
    }

    /**
     * A host name as the sender wrote it. A numeric address stays a plain value, as {@code source.ip} does: it is the
     * network identity of a host, and RFC 5424 senders often put one there, so scanning it would stamp an IP finding
     * (and a leak alert) on every event of such a sender. Any other text is content.
     */
    public static Object hostName(String raw) {
        return raw == null ? null : numericAddress(raw) ? raw : new ContentValue(raw);
    }

    /** An IPv4 dotted quad, or an IPv6 literal (hex groups, colons, an optional dotted tail, optional brackets). */
    static boolean numericAddress(String s) {
        int from = 0;
        int to = s.length();
        if (to >= 2 && s.charAt(0) == '[' && s.charAt(to - 1) == ']') {
            from++;
            to--;
        }
        if (to - from < 2 || to - from > 45) {
            return false;
        }
        int colons = 0;
        int dots = 0;
        int run = 0;
        boolean hexLetter = false;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == ':') {
                colons++;
                run = 0;
            } else if (c == '.') {
                if (run == 0) {
                    return false;
                }
                dots++;
                run = 0;
            } else if (Character.digit(c, 16) >= 0 && c < 0x80) {
                hexLetter |= c > '9';
                if (++run > 4) {
                    return false;
                }
            } else {
                return false;
            }
        }
        if (colons == 0) {
            return dots == 3 && !hexLetter && run > 0 && s.indexOf(':') < 0 && from == 0;
        }
        return colons >= 2 && (dots == 0 || dots == 3);
    }

    /** The value as the sender wrote it: for the redactor and for tests, never for output or logs. */
    public String raw() {
        return raw;
    }

    /** The value as forwarded: redacted by the last plan that scanned it, else {@link #WITHHELD}. */
    public String redacted() {
        Redaction r = redaction;
        return r == null ? WITHHELD : r.text();
    }

    /** The redaction under {@code plan} if the value was scanned under it, else null. */
    Redaction scannedUnder(Object plan) {
        Redaction r = redaction;
        return r != null && r.plan() == plan ? r : null;
    }

    /** The redaction under {@code plan}, scanning the value with {@code redactor} (the plan's) if not done yet. */
    Redaction redaction(Object plan, Redactor redactor) {
        Redaction r = redaction;
        if (r != null && r.plan() == plan) {
            return r;
        }
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        try {
            LineResult result = redactor.redact(bytes, 0, bytes.length);
            List<Finding> findings = new ArrayList<>(result.findingCount());
            for (int i = 0; i < result.findingCount(); i++) {
                findings.add(result.finding(i));
            }
            String text = result.clean() ? raw
                    : new String(result.output(), result.outputOffset(), result.outputLength(), StandardCharsets.UTF_8);
            r = new Redaction(plan, text, List.copyOf(findings), result.dropped(), false);
        } catch (RuntimeException e) {
            // Fail closed, as for a message: the value is withheld; the event itself is still forwarded.
            r = new Redaction(plan, WITHHELD, List.of(), false, true);
        }
        redaction = r;
        return r;
    }

    /** Equal raw text: the same content, whatever has been scanned of it. */
    @Override
    public boolean equals(Object o) {
        return o instanceof ContentValue c && raw.equals(c.raw);
    }

    @Override
    public int hashCode() {
        return raw.hashCode();
    }

    /** Never the raw value: a field map printed by mistake shows only what would be forwarded. */
    @Override
    public String toString() {
        return redacted();
    }
}
