package io.redactd.daemon.input.file;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Decoding of container runtime log lines, on bytes. CRI ({@code <RFC 3339 time> <stream> <P|F>[:tags] <message>})
 * is parsed without building strings; Docker json-file lines go through Jackson's streaming parser.
 */
final class LineFormat {

    private static final JsonFactory JSON = new JsonFactory();

    private LineFormat() {
    }

    /** One decoded container log line; {@code message} is {@code bytes[off..off+len)}. */
    static final class Decoded {
        byte[] bytes;
        int off;
        int len;
        long timestampMs;
        String stream;
        boolean partial;
    }

    /** Parses a CRI line into {@code out}; false if it is not one. */
    static boolean parseCri(byte[] b, int off, int len, Decoded out) {
        int end = off + len;
        int sp1 = indexOf(b, off, end, (byte) ' ');
        if (sp1 < 0) {
            return false;
        }
        long ts = parseRfc3339(b, off, sp1);
        if (ts == Long.MIN_VALUE) {
            return false;
        }
        int sp2 = indexOf(b, sp1 + 1, end, (byte) ' ');
        if (sp2 < 0) {
            return false;
        }
        String stream = stream(b, sp1 + 1, sp2);
        if (stream == null) {
            return false;
        }
        int tagStart = sp2 + 1;
        if (tagStart >= end || (b[tagStart] != 'P' && b[tagStart] != 'F')) {
            return false;
        }
        int sp3 = indexOf(b, tagStart, end, (byte) ' ');
        int tagEnd = sp3 < 0 ? end : sp3;
        if (tagEnd - tagStart > 1 && b[tagStart + 1] != ':') {
            return false;
        }
        out.bytes = b;
        out.off = sp3 < 0 ? end : sp3 + 1;
        out.len = end - out.off;
        out.timestampMs = ts;
        out.stream = stream;
        out.partial = b[tagStart] == 'P';
        return true;
    }

    /** Parses a Docker json-file line into {@code out}; false if it is not one. */
    static boolean parseDocker(byte[] b, int off, int len, Decoded out) {
        String log = null;
        String stream = null;
        long ts = Long.MIN_VALUE;
        try (JsonParser p = JSON.createParser(b, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("log".equals(name) && value == JsonToken.VALUE_STRING) {
                    log = p.getText();
                } else if ("stream".equals(name) && value == JsonToken.VALUE_STRING) {
                    stream = "stderr".equals(p.getText()) ? "stderr" : "stdout";
                } else if ("time".equals(name) && value == JsonToken.VALUE_STRING) {
                    byte[] t = p.getText().getBytes(StandardCharsets.US_ASCII);
                    ts = parseRfc3339(t, 0, t.length);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return false;
        }
        if (log == null) {
            return false;
        }
        byte[] msg = log.getBytes(StandardCharsets.UTF_8);
        int msgLen = msg.length;
        boolean partial = msgLen == 0 || msg[msgLen - 1] != '\n';
        if (!partial) {
            msgLen--;
            if (msgLen > 0 && msg[msgLen - 1] == '\r') {
                msgLen--;
            }
        }
        out.bytes = msg;
        out.off = 0;
        out.len = msgLen;
        out.timestampMs = ts;
        out.stream = stream;
        out.partial = partial;
        return true;
    }

    private static String stream(byte[] b, int from, int to) {
        if (to - from == 6 && b[from] == 's' && b[from + 1] == 't' && b[from + 2] == 'd') {
            if (b[from + 3] == 'o' && b[from + 4] == 'u' && b[from + 5] == 't') {
                return "stdout";
            }
            if (b[from + 3] == 'e' && b[from + 4] == 'r' && b[from + 5] == 'r') {
                return "stderr";
            }
        }
        return null;
    }

    /**
     * Epoch millis of an RFC 3339 time ({@code 2016-10-06T00:17:09.669794202Z}, {@code ...+02:00}), or
     * {@link Long#MIN_VALUE} if the bytes are not one.
     */
    static long parseRfc3339(byte[] b, int from, int to) {
        if (to - from < 20 || b[from + 4] != '-' || b[from + 7] != '-' || (b[from + 10] != 'T' && b[from + 10] != 't')
                || b[from + 13] != ':' || b[from + 16] != ':') {
            return Long.MIN_VALUE;
        }
        int year = digits(b, from, 4);
        int month = digits(b, from + 5, 2);
        int day = digits(b, from + 8, 2);
        int hour = digits(b, from + 11, 2);
        int minute = digits(b, from + 14, 2);
        int second = digits(b, from + 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 60) {
            return Long.MIN_VALUE;
        }
        int i = from + 19;
        int millis = 0;
        if (i < to && b[i] == '.') {
            i++;
            int scale = 100;
            int start = i;
            while (i < to && b[i] >= '0' && b[i] <= '9') {
                millis += (b[i] - '0') * scale;
                scale /= 10;
                i++;
            }
            if (i == start) {
                return Long.MIN_VALUE;
            }
        }
        int offsetSeconds;
        if (i == to - 1 && (b[i] == 'Z' || b[i] == 'z')) {
            offsetSeconds = 0;
        } else if (i == to - 6 && (b[i] == '+' || b[i] == '-') && b[i + 3] == ':') {
            int oh = digits(b, i + 1, 2);
            int om = digits(b, i + 4, 2);
            if (oh < 0 || om < 0) {
                return Long.MIN_VALUE;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == '-' ? -1 : 1);
        } else {
            return Long.MIN_VALUE;
        }
        long days = daysFromCivil(year, month, day);
        long epochSeconds = days * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
        return epochSeconds * 1000 + millis;
    }

    private static int digits(byte[] b, int from, int n) {
        int v = 0;
        for (int i = from; i < from + n; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            v = v * 10 + d;
        }
        return v;
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
    private static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    private static int indexOf(byte[] b, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (b[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
