package io.redactd.daemon.event;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * RFC 5424 structured data as the ECS field {@code log.syslog.structured_data} ({@code {"SD-ID": {"PARAM": "value"}}},
 * a repeated PARAM-NAME giving a list), split off the front of an event's message <em>after</em> redaction.
 * <p>
 * The syslog input keeps {@code SD-ELEMENTS SP MSG} together as the message so the redactor scans the SD values with
 * the free text, and marks such events with {@link #FIELD} = {@link #PREFIXED}; only the redacted bytes are parsed
 * here, so no raw value can reach the field. Replacements hold no quote or backslash, so redaction keeps the syntax;
 * should a redacted span ever cross an element's delimiters, {@link #split} returns null and the message stays whole.
 */
public final class SyslogStructuredData {
    /** The field the syslog input sets, and the pipeline replaces with the parsed elements. */
    public static final String FIELD = "log.syslog.structured_data";
    /** Marker value of {@link #FIELD} in a raw event: the message starts with SD-ELEMENTs and one space. */
    public static final Object PREFIXED = new Object() {
        @Override
        public String toString() {
            return "structured data prefix";
        }
    };

    /** The elements and the free text after them. */
    public record Split(Map<String, Object> elements, byte[] text) {
    }

    private SyslogStructuredData() {
    }

    /** Parses {@code SD-ELEMENT... [SP MSG]} from the start of {@code message}; null when it does not follow RFC 5424. */
    public static Split split(byte[] message) {
        Map<String, Object> elements = new TreeMap<>();
        int i = 0;
        int n = message.length;
        while (i < n && message[i] == '[') {
            i++;
            int idStart = i;
            while (i < n && name(message[i])) {
                i++;
            }
            if (!validName(message, idStart, i)) {
                return null;
            }
            String id = ascii(message, idStart, i);
            Map<String, Object> params = new TreeMap<>();
            while (i < n && message[i] == ' ') {
                i++;
                int nameStart = i;
                while (i < n && name(message[i])) {
                    i++;
                }
                if (!validName(message, nameStart, i) || i + 1 >= n || message[i] != '=' || message[i + 1] != '"') {
                    return null;
                }
                String param = ascii(message, nameStart, i);
                i += 2;
                ByteArrayOutputStream value = new ByteArrayOutputStream();
                while (true) {
                    if (i >= n) {
                        return null;
                    }
                    byte c = message[i];
                    if (c == '"') {
                        i++;
                        break;
                    }
                    // RFC 5424 6.3.3: \" \\ \] are escapes; a backslash before anything else is kept as it is.
                    if (c == '\\' && i + 1 < n && (message[i + 1] == '"' || message[i + 1] == '\\' || message[i + 1] == ']')) {
                        i++;
                        c = message[i];
                    }
                    value.write(c);
                    i++;
                }
                add(params, param, value.toString(StandardCharsets.UTF_8));
            }
            if (i >= n || message[i] != ']') {
                return null;
            }
            i++;
            // An SD-ID must not repeat (RFC 5424 6.3.2); if a sender repeats one, its params are merged.
            Object existing = elements.putIfAbsent(id, params);
            if (existing != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> merged = (Map<String, Object>) existing;
                params.forEach((k, v) -> {
                    for (Object one : v instanceof List<?> l ? l : List.of(v)) {
                        add(merged, k, (String) one);
                    }
                });
            }
        }
        if (elements.isEmpty()) {
            return null;
        }
        if (i < n) {
            if (message[i] != ' ') {
                return null;
            }
            i++;
        }
        return new Split(elements, Arrays.copyOfRange(message, i, n));
    }

    private static void add(Map<String, Object> params, String name, String value) {
        Object old = params.get(name);
        if (old == null) {
            params.put(name, value);
        } else if (old instanceof List<?> l) {
            @SuppressWarnings("unchecked")
            List<String> values = (List<String>) l;
            values.add(value);
        } else {
            List<String> values = new ArrayList<>(List.of((String) old, value));
            params.put(name, values);
        }
    }

    /**
     * An SD-NAME of 1 to 32 characters (RFC 5424 6.3.2), without {@code [}. The grammar allows {@code [}, but every
     * replacement the redactor writes starts with one and ends with {@code ]}: a value redacted where a name stands
     * (an SD-ID {@code 212-67-4821} is a valid name) would end the element inside the replacement, and the rest of
     * the element ({@code a="b"]}) would be taken for the message. Refusing such a name keeps the message whole.
     */
    private static boolean validName(byte[] b, int from, int to) {
        if (to == from || to - from > MAX_NAME) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (b[i] == '[') {
                return false;
            }
        }
        return true;
    }

    private static final int MAX_NAME = 32;

    /** SD-NAME: printable US-ASCII except '=', SP, ']' and '"'. */
    private static boolean name(byte c) {
        return c > 32 && c < 127 && c != '=' && c != ']' && c != '"';
    }

    private static String ascii(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.US_ASCII);
    }
}
