package io.redactd.daemon.input.syslog;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * Parses one syslog frame as RFC 5424 ({@code <PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG}) or, failing the
 * version marker, as RFC 3164 ({@code <PRI>Mmm dd hh:mm:ss HOST TAG[PID]: MSG}), by hand on bytes (no regex, no
 * per-field date parser). Never throws on input: a frame that follows neither RFC comes back whole as text with
 * {@code headerParsed=false}, so nothing is lost. RFC 3164 timestamps carry no year or zone: they are read as UTC in
 * the year that puts them closest before now (a December message received in January belongs to last year).
 */
public final class SyslogParser {
    private static final byte SP = ' ';
    private static final int MAX_HOSTNAME = 255;
    private static final int MAX_APPNAME = 48;
    private static final int MAX_PROCID = 128;
    private static final int MAX_MSGID = 32;
    private static final byte[] MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec".getBytes(StandardCharsets.US_ASCII);

    private final Clock clock;

    public SyslogParser(Clock clock) {
        this.clock = clock;
    }

    public SyslogMessage parse(byte[] b, int off, int len) {
        return parse(b, off, len, null);
    }

    /**
     * As {@link #parse(byte[], int, int)}; header fields equal to the previous message's (a sender mostly repeats
     * its host, app and procid) come back as the same {@code String} instances from {@code tokens}, not as new ones.
     *
     * @param tokens one per connection (not thread-safe), or null
     */
    public SyslogMessage parse(byte[] b, int off, int len, Tokens tokens) {
        int end = trimEnd(b, off, off + len);
        long priAndPos = parsePri(b, off, end);
        if (priAndPos < 0) {
            return unparsed(-1, b, off, end);
        }
        int pri = (int) (priAndPos >>> 32);
        int pos = (int) priAndPos;
        if (pos + 1 < end && b[pos] == '1' && b[pos + 1] == SP) {
            SyslogMessage m = parse5424(pri, b, pos + 2, end, tokens);
            return m != null ? m : unparsed(pri, b, off, end);
        }
        return parse3164(pri, b, pos, end, tokens);
    }

    /**
     * The last value of each header field of one connection, as bytes and as the String handed out for them. Only
     * header tokens (printable ASCII, never the free text or structured data) are kept.
     */
    public static final class Tokens {
        private static final int HOSTNAME = 0;
        private static final int APPNAME = 1;
        private static final int PROCID = 2;
        private static final int MSGID = 3;
        private final byte[][] bytes = new byte[4][];
        private final String[] strings = new String[4];

        String get(int field, byte[] b, int s, int e) {
            byte[] last = bytes[field];
            if (last != null && Arrays.equals(last, 0, last.length, b, s, e)) {
                return strings[field];
            }
            bytes[field] = Arrays.copyOfRange(b, s, e);
            strings[field] = new String(b, s, e - s, StandardCharsets.US_ASCII);
            return strings[field];
        }
    }

    private static String token(Tokens tokens, int field, byte[] b, int s, int e) {
        return tokens == null ? new String(b, s, e - s, StandardCharsets.US_ASCII) : tokens.get(field, b, s, e);
    }

    /** Returns {@code PRI << 32 | position after <PRI>}, or -1. */
    private static long parsePri(byte[] b, int pos, int end) {
        if (pos >= end || b[pos] != '<') {
            return -1;
        }
        int value = 0;
        int i = pos + 1;
        while (i < end && i - pos <= 3 && isDigit(b[i])) {
            value = value * 10 + (b[i] - '0');
            i++;
        }
        if (i == pos + 1 || i >= end || b[i] != '>' || value > 191) {
            return -1;
        }
        return (long) value << 32 | (i + 1);
    }

    private static final int[] HEADER_LIMITS = {MAX_HOSTNAME, MAX_APPNAME, MAX_PROCID, MAX_MSGID};

    private static SyslogMessage parse5424(int pri, byte[] b, int pos, int end, Tokens tokens) {
        int tsEnd = tokenEnd(b, pos, end);
        Long ts = null;
        if (!(tsEnd - pos == 1 && b[pos] == '-')) {
            ts = rfc3339Millis(b, pos, tsEnd);
            if (ts == null) {
                return null;
            }
        }
        String[] header = new String[4];
        int[] limits = HEADER_LIMITS;
        int p = tsEnd;
        for (int k = 0; k < 4; k++) {
            if (p >= end || b[p] != SP) {
                return null;
            }
            int s = p + 1;
            int e = tokenEnd(b, s, end);
            if (e == s || e - s > limits[k] || !printable(b, s, e)) {
                return null;
            }
            header[k] = e - s == 1 && b[s] == '-' ? null : token(tokens, k, b, s, e);
            p = e;
        }
        if (p >= end || b[p] != SP) {
            return null;
        }
        int sdStart = p + 1;
        int sdEnd;
        byte[] sd = null;
        if (sdStart < end && b[sdStart] == '-') {
            sdEnd = sdStart + 1;
        } else {
            sdEnd = structuredDataEnd(b, sdStart, end);
            if (sdEnd < 0) {
                return null;
            }
            sd = Arrays.copyOfRange(b, sdStart, sdEnd);
        }
        int msg = sdEnd;
        if (msg < end) {
            if (b[msg] != SP) {
                return null;
            }
            msg++;
        }
        if (end - msg >= 3 && b[msg] == (byte) 0xEF && b[msg + 1] == (byte) 0xBB && b[msg + 2] == (byte) 0xBF) {
            msg += 3;
        }
        return new SyslogMessage(pri, 1, ts, header[0], header[1], header[2], header[3], sd,
                Arrays.copyOfRange(b, msg, end), true);
    }

    /** End of one or more {@code [SD-ID PARAM="VALUE"...]} elements, honouring quotes and backslash escapes; -1 if unterminated. */
    private static int structuredDataEnd(byte[] b, int pos, int end) {
        int i = pos;
        if (i >= end || b[i] != '[') {
            return -1;
        }
        while (i < end && b[i] == '[') {
            i++;
            boolean quoted = false;
            while (true) {
                if (i >= end) {
                    return -1;
                }
                byte c = b[i];
                if (quoted) {
                    if (c == '\\') {
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ']') {
                    i++;
                    break;
                }
                i++;
            }
        }
        return i;
    }

    private SyslogMessage parse3164(int pri, byte[] b, int pos, int end, Tokens tokens) {
        int p = pos;
        while (p < end && b[p] == SP) {
            p++;
        }
        Long ts = null;
        if (end - p >= 14 && isMonth(b, p)) {
            int length = bsdTimestampLength(b, p, end);
            ts = length < 0 ? null : bsdTimestamp(b, p, length);
            if (ts != null) {
                p += length;
            }
        } else {
            int e = tokenEnd(b, p, end);
            Long iso = e - p >= 19 ? rfc3339Millis(b, p, e) : null;
            if (iso != null) {
                ts = iso;
                p = e;
            }
        }
        if (ts == null) {
            // RFC 3164 4.3.3: without a valid TIMESTAMP the whole rest is content
            return new SyslogMessage(pri, 0, null, null, null, null, null, null, Arrays.copyOfRange(b, p, end), true);
        }
        while (p < end && b[p] == SP) {
            p++;
        }
        String hostname = null;
        int tokEnd = tokenEnd(b, p, end);
        if (tokEnd > p && !looksLikeTag(b, p, tokEnd) && tokEnd - p <= MAX_HOSTNAME && printable(b, p, tokEnd)) {
            hostname = token(tokens, Tokens.HOSTNAME, b, p, tokEnd);
            p = tokEnd;
            while (p < end && b[p] == SP) {
                p++;
            }
        }
        String app = null;
        String pid = null;
        int tagEnd = p;
        while (tagEnd < end && tagEnd - p <= MAX_APPNAME && b[tagEnd] != '[' && b[tagEnd] != ':' && b[tagEnd] != SP
                && b[tagEnd] > 32 && b[tagEnd] < 127) {
            tagEnd++;
        }
        int q = tagEnd;
        if (tagEnd > p && q < end && b[q] == '[') {
            int close = q + 1;
            while (close < end && close - q <= MAX_PROCID && b[close] != ']' && b[close] > 32 && b[close] < 127) {
                close++;
            }
            if (close < end && b[close] == ']' && close > q + 1) {
                pid = token(tokens, Tokens.PROCID, b, q + 1, close);
                q = close + 1;
            } else {
                q = -1;
            }
        }
        if (tagEnd > p && q > 0 && q < end && b[q] == ':') {
            app = token(tokens, Tokens.APPNAME, b, p, tagEnd);
            p = q + 1;
            if (p < end && b[p] == SP) {
                p++;
            }
        } else {
            pid = null;
        }
        return new SyslogMessage(pri, 0, ts, hostname, app, pid, null, null, Arrays.copyOfRange(b, p, end), true);
    }

    private static boolean looksLikeTag(byte[] b, int s, int e) {
        for (int i = s; i < e; i++) {
            if (b[i] == ':' || b[i] == '[') {
                return true;
            }
        }
        return false;
    }

    private static boolean isMonth(byte[] b, int p) {
        return month(b, p) > 0 && b[p + 3] == SP;
    }

    private static int month(byte[] b, int p) {
        for (int m = 0; m < 12; m++) {
            if (b[p] == MONTHS[m * 3] && b[p + 1] == MONTHS[m * 3 + 1] && b[p + 2] == MONTHS[m * 3 + 2]) {
                return m + 1;
            }
        }
        return 0;
    }

    /**
     * Length of a BSD timestamp at {@code p}: {@code Mmm dd hh:mm:ss} with the day two digits, space-padded
     * ({@code Dec  7}) or, as some senders write it, unpadded ({@code Dec 7}); then optional fractional seconds
     * ({@code .123}, written by rsyslog's high-precision BSD format and others), which belong to the timestamp and must
     * not be taken for the HOSTNAME. -1 when the layout does not match (the values are checked by bsdTimestamp).
     */
    private static int bsdTimestampLength(byte[] b, int p, int end) {
        int dayStart = b[p + 4] == SP ? p + 5 : p + 4;
        int dayEnd = dayStart;
        while (dayEnd < end && dayEnd - dayStart < 2 && isDigit(b[dayEnd])) {
            dayEnd++;
        }
        if (dayEnd == dayStart || dayStart == p + 5 && dayEnd - dayStart != 1 || end - dayEnd < 9
                || b[dayEnd] != SP || b[dayEnd + 3] != ':' || b[dayEnd + 6] != ':') {
            return -1;
        }
        int t = dayEnd + 9;
        if (t + 1 < end && b[t] == '.' && isDigit(b[t + 1])) {
            int fraction = t + 1;
            t = fraction;
            while (t < end && t - fraction < 9 && isDigit(b[t])) {
                t++;
            }
        }
        return t - p;
    }

    /** The time of a BSD timestamp whose layout {@link #bsdTimestampLength} accepted; null when a value is invalid. */
    private Long bsdTimestamp(byte[] b, int p, int length) {
        int mon = month(b, p);
        int dayStart = b[p + 4] == SP ? p + 5 : p + 4;
        int dayEnd = isDigit(b[dayStart + 1]) ? dayStart + 2 : dayStart + 1;
        int day = dayEnd - dayStart == 2 ? twoDigits(b, dayStart) : digit(b[dayStart]);
        int h = twoDigits(b, dayEnd + 1);
        int mi = twoDigits(b, dayEnd + 4);
        int s = twoDigits(b, dayEnd + 7);
        if (h < 0 || mi < 0 || s < 0 || h > 23 || mi > 59 || s > 60) {
            return null;
        }
        int millis = 0;
        int fraction = dayEnd + 10;
        for (int i = fraction, scale = 100; i < p + length && scale > 0; i++, scale /= 10) {
            millis += digit(b[i]) * scale;
        }
        long now = clock.millis();
        int year = LocalDate.ofEpochDay(Math.floorDiv(now, 86_400_000L)).getYear();
        Long t = epochMillis(year, mon, day, h, mi, s, millis, 0);
        if (t != null && t > now + 86_400_000L) {
            t = epochMillis(year - 1, mon, day, h, mi, s, millis, 0);
        }
        return t;
    }

    /** RFC 3339 / 5424 {@code YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm)}; null when malformed. */
    static Long rfc3339Millis(byte[] b, int s, int e) {
        if (e - s < 20 || b[s + 4] != '-' || b[s + 7] != '-' || (b[s + 10] != 'T' && b[s + 10] != 't')
                || b[s + 13] != ':' || b[s + 16] != ':') {
            return null;
        }
        int year = fourDigits(b, s);
        int mon = twoDigits(b, s + 5);
        int day = twoDigits(b, s + 8);
        int h = twoDigits(b, s + 11);
        int mi = twoDigits(b, s + 14);
        int sec = twoDigits(b, s + 17);
        if (year < 0 || mon < 0 || day < 0 || h < 0 || mi < 0 || sec < 0 || h > 23 || mi > 59 || sec > 60) {
            return null;
        }
        int p = s + 19;
        int millis = 0;
        if (p < e && b[p] == '.') {
            p++;
            int digits = 0;
            while (p < e && isDigit(b[p])) {
                if (digits < 3) {
                    millis = millis * 10 + (b[p] - '0');
                }
                digits++;
                p++;
            }
            if (digits == 0 || digits > 9) {
                return null;
            }
            for (int d = digits; d < 3; d++) {
                millis *= 10;
            }
        }
        int offsetSeconds;
        if (p == e - 1 && (b[p] == 'Z' || b[p] == 'z')) {
            offsetSeconds = 0;
        } else if (p == e - 6 && (b[p] == '+' || b[p] == '-') && b[p + 3] == ':') {
            int oh = twoDigits(b, p + 1);
            int om = twoDigits(b, p + 4);
            if (oh < 0 || om < 0 || oh > 23 || om > 59) {
                return null;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (b[p] == '-' ? -1 : 1);
        } else {
            return null;
        }
        return epochMillis(year, mon, day, h, mi, Math.min(sec, 59), millis, offsetSeconds);
    }

    private static Long epochMillis(int year, int mon, int day, int h, int mi, int s, int millis, int offsetSeconds) {
        // year < 10000 (four digits) and mon, day < 100 (two): the key is unique
        int key = (year * 100 + mon) * 100 + day;
        Day last = lastDay;
        long days;
        if (last.key == key) {
            days = last.epochDay;
        } else {
            try {
                days = LocalDate.of(year, mon, day).toEpochDay();
            } catch (DateTimeException e) {
                return null;
            }
            lastDay = new Day(key, days);
        }
        return ((days * 86_400L + h * 3600L + mi * 60L + s - offsetSeconds) * 1000L) + millis;
    }

    /**
     * The last valid date converted: nearly every message of a stream carries today's date. Shared by the event
     * loops without a lock on purpose: the holder is immutable (final fields), so a thread sees a whole one, and one
     * another thread replaced only costs a conversion.
     */
    private record Day(int key, long epochDay) {
    }

    private static Day lastDay = new Day(-1, 0);

    private static SyslogMessage unparsed(int pri, byte[] b, int off, int end) {
        return new SyslogMessage(pri, 0, null, null, null, null, null, null, Arrays.copyOfRange(b, off, end), false);
    }

    /** Drops trailing CR/LF/NUL: octet-counted senders (rsyslog's protocol-23 template) often end frames with LF. */
    private static int trimEnd(byte[] b, int start, int end) {
        int e = end;
        while (e > start && (b[e - 1] == '\n' || b[e - 1] == '\r' || b[e - 1] == 0)) {
            e--;
        }
        return e;
    }

    private static int tokenEnd(byte[] b, int pos, int end) {
        int i = pos;
        while (i < end && b[i] != SP) {
            i++;
        }
        return i;
    }

    private static boolean printable(byte[] b, int s, int e) {
        for (int i = s; i < e; i++) {
            if (b[i] < 33 || b[i] > 126) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static int digit(byte c) {
        return c - '0';
    }

    private static int twoDigits(byte[] b, int p) {
        return isDigit(b[p]) && isDigit(b[p + 1]) ? digit(b[p]) * 10 + digit(b[p + 1]) : -1;
    }

    private static int fourDigits(byte[] b, int p) {
        int hi = twoDigits(b, p);
        int lo = twoDigits(b, p + 2);
        return hi < 0 || lo < 0 ? -1 : hi * 100 + lo;
    }
}
