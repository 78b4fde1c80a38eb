package io.redactd.daemon.input.syslog;

/**
 * One parsed syslog message. Header fields are short printable-ASCII tokens (never the free text); null when the
 * message leaves them out ({@code -} in RFC 5424) or the format has none.
 *
 * @param priority       PRI value 0..191, or -1 when the frame has no valid PRI
 * @param version        1 for RFC 5424, 0 for RFC 3164 / unrecognised
 * @param timestampMs    the message's own time in epoch millis, or null when absent or unparsable
 * @param structuredData the RFC 5424 SD-ELEMENTs verbatim ({@code [id k="v"]...}), or null
 * @param text           the free text (MSG without BOM); for an unparsed frame, the whole frame
 * @param headerParsed   false when the frame did not follow either RFC and was kept whole as text
 */
public record SyslogMessage(int priority, int version, Long timestampMs, String hostname, String appname,
                            String procid, String msgid, byte[] structuredData, byte[] text, boolean headerParsed) {

    public int facility() {
        return priority < 0 ? -1 : priority >> 3;
    }

    public int severity() {
        return priority < 0 ? -1 : priority & 7;
    }
}
