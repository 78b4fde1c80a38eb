package io.redactd.daemon.event;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Writes JSON in the RFC 8785 (JCS) canonical form for the values events hold: objects with keys sorted by UTF-16
 * code units (TreeMap order), no whitespace, integers only, strings escaped only where JCS requires (quote, backslash,
 * control characters, with the short forms \b \t \n \f \r and lower-case \\u00xx), everything else as raw UTF-8.
 * The integrity chain hashes exactly these bytes, so any JCS implementation can verify them.
 */
public final class CanonicalJson {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** Reads 8 message bytes at once to test them for escapes together (see {@link #needsEscape}). */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private byte[] buf;
    private int len;

    public CanonicalJson(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    public void reset() {
        len = 0;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    public int length() {
        return len;
    }

    /**
     * Writes a value: a {@link SortedMap} with String keys, a List, a String, a {@link Utf8Text}, an Integer or Long,
     * a Boolean, or null. Anything else (floating point in particular) is refused: JCS number formatting of doubles is
     * deliberately not needed by events.
     */
    public void value(Object v) {
        if (v == null) {
            raw("null");
        } else if (v instanceof String s) {
            string(s);
        } else if (v instanceof Utf8Text t) {
            utf8(t.bytes(), t.offset(), t.length());
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short) {
            number(((Number) v).longValue());
        } else if (v instanceof Boolean b) {
            raw(b ? "true" : "false");
        } else if (v instanceof SortedMap<?, ?> m) {
            if (m.comparator() != null) {
                throw new IllegalArgumentException("canonical JSON needs natural key order");
            }
            object(m);
        } else if (v instanceof List<?> l) {
            ensure(1);
            buf[len++] = '[';
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    ensure(1);
                    buf[len++] = ',';
                }
                value(l.get(i));
            }
            ensure(1);
            buf[len++] = ']';
        } else {
            throw new IllegalArgumentException("not a canonical JSON value: " + v.getClass().getSimpleName());
        }
    }

    private void object(Map<?, ?> m) {
        ensure(1);
        buf[len++] = '{';
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!first) {
                ensure(1);
                buf[len++] = ',';
            }
            first = false;
            string((String) e.getKey());
            ensure(1);
            buf[len++] = ':';
            value(e.getValue());
        }
        ensure(1);
        buf[len++] = '}';
    }

    /** Appends one structural byte ({@code { } , :}); for writers that stream an object without building it. */
    public void punct(char c) {
        ensure(1);
        buf[len++] = (byte) c;
    }

    /** Appends bytes that are already canonical JSON (a pre-encoded key or string literal). */
    public void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    /** Appends an integer in plain digits, without building a String. */
    public void number(long v) {
        if (v == Long.MIN_VALUE) {
            raw(Long.toString(v));
            return;
        }
        ensure(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        // Digit count by comparison, then two digits per division (a file offset has 6-10 digits, one per event).
        int digits = 1;
        for (long t = 10; digits < 19 && v >= t; t *= 10) {
            digits++;
        }
        int p = len + digits;
        while (v >= Integer.MAX_VALUE) {
            int r = (int) (v % 100);
            v /= 100;
            buf[--p] = PAIR_ONES[r];
            buf[--p] = PAIR_TENS[r];
        }
        int i = (int) v;
        while (i >= 100) {
            int r = i % 100;
            i /= 100;
            buf[--p] = PAIR_ONES[r];
            buf[--p] = PAIR_TENS[r];
        }
        if (i >= 10) {
            buf[--p] = PAIR_ONES[i];
            buf[--p] = PAIR_TENS[i];
        } else {
            buf[--p] = (byte) ('0' + i);
        }
        len += digits;
    }

    private static final byte[] PAIR_TENS = new byte[100];
    private static final byte[] PAIR_ONES = new byte[100];

    static {
        for (int i = 0; i < 100; i++) {
            PAIR_TENS[i] = (byte) ('0' + i / 10);
            PAIR_ONES[i] = (byte) ('0' + i % 10);
        }
    }

    private void raw(String ascii) {
        ensure(ascii.length());
        for (int i = 0; i < ascii.length(); i++) {
            buf[len++] = (byte) ascii.charAt(i);
        }
    }

    /** Escapes a Java string; unpaired surrogates become U+FFFD (they have no UTF-8 form). */
    public void string(String s) {
        int n = s.length();
        ensure(n * 3 + 2);
        byte[] b = buf;
        int p = len;
        b[p++] = '"';
        // Fast path: printable ASCII needing no escape, one byte per char (paths, host names, timestamps).
        int i = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || c < 0x20 || c == '"' || c == '\\') {
                break;
            }
            b[p++] = (byte) c;
        }
        len = p;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c < 0x20 || c == '"' || c == '\\') {
                    escape(c);
                } else {
                    buf[len++] = (byte) c;
                }
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                ensure(4);
                buf[len++] = (byte) (0xF0 | (cp >> 18));
                buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                int cp = Character.isSurrogate(c) ? 0xFFFD : c;
                buf[len++] = (byte) (0xE0 | (cp >> 12));
                buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (cp & 0x3F));
            }
        }
        ensure(1);
        buf[len++] = '"';
    }

    /**
     * Writes valid UTF-8 bytes as a JSON string; runs that need no escaping are copied in one go. The scan tests 8
     * bytes per step and looks at single bytes only in a word that holds a control character, quote or backslash.
     */
    public void utf8(byte[] b, int off, int n) {
        ensure(n + 2);
        buf[len++] = '"';
        int end = off + n;
        int run = off;
        int i = off;
        while (i < end) {
            if (i + 8 <= end && !needsEscape((long) LONGS.get(b, i))) {
                i += 8;
                continue;
            }
            int stop = Math.min(i + 8, end);
            for (; i < stop; i++) {
                byte c = b[i];
                if ((c >= 0 && c < 0x20) || c == '"' || c == '\\') {
                    copy(b, run, i - run);
                    escape((char) c);
                    run = i + 1;
                }
            }
        }
        copy(b, run, end - run);
        ensure(1);
        buf[len++] = '"';
    }

    /**
     * True when some byte of the word is below 0x20, a quote or a backslash. Exact (no false answer either way): a
     * borrow only starts at a byte that matches, and bytes >= 0x80 (UTF-8 sequences) never match.
     */
    static boolean needsEscape(long x) {
        long control = (x - 0x2020202020202020L) & ~x;
        long q = x ^ 0x2222222222222222L;
        long quote = (q - ONES) & ~q;
        long s = x ^ 0x5C5C5C5C5C5C5C5CL;
        long backslash = (s - ONES) & ~s;
        return ((control | quote | backslash) & HIGHS) != 0;
    }

    private void copy(byte[] b, int from, int n) {
        if (n > 0) {
            ensure(n);
            System.arraycopy(b, from, buf, len, n);
            len += n;
        }
    }

    private void escape(char c) {
        ensure(6);
        buf[len++] = '\\';
        switch (c) {
            case '"' -> buf[len++] = '"';
            case '\\' -> buf[len++] = '\\';
            case '\b' -> buf[len++] = 'b';
            case '\t' -> buf[len++] = 't';
            case '\n' -> buf[len++] = 'n';
            case '\f' -> buf[len++] = 'f';
            case '\r' -> buf[len++] = 'r';
            default -> {
                buf[len++] = 'u';
                buf[len++] = '0';
                buf[len++] = '0';
                buf[len++] = HEX[c >> 4];
                buf[len++] = HEX[c & 0xF];
            }
        }
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }
}
