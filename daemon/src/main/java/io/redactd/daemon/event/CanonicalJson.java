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
     * Writes valid UTF-8 bytes as a JSON string, 8 bytes per step: each word is stored whole into the output and, if
     * it holds a byte to escape, the output advances only up to that byte, which is then escaped. No call per run of
     * plain bytes (a JSON log line has dozens of quotes: with a copy call per run this was ~1 ns per byte).
     *
     * <p>Room: after the opening quote, {@code buf.length - p >= (end - i) + 1} always holds (grown on escapes only),
     * so a whole-word store is in bounds whenever 8 input bytes remain, and the closing quote fits.
     */
    public void utf8(byte[] b, int off, int n) {
        ensure(n + 2);
        byte[] d = buf;
        int p = len;
        d[p++] = '"';
        int i = off;
        int end = off + n;
        while (i < end) {
            if (end - i >= 8) {
                long w = (long) LONGS.get(b, i);
                long m = escapeMask(w);
                LONGS.set(d, p, w);
                if (m == 0) {
                    i += 8;
                    p += 8;
                    continue;
                }
                int k = Long.numberOfTrailingZeros(m) >>> 3; // the lowest flagged byte is exact (see escapeMask)
                i += k;
                p += k;
            } else if (!escapes(b[i])) {
                d[p++] = b[i++];
                continue;
            }
            len = p;
            ensure(6 + end - i);
            d = buf;
            p = escape(d, p, b[i++]);
        }
        d[p++] = '"';
        len = p;
    }

    private static boolean escapes(byte c) {
        return (c >= 0 && c < 0x20) || c == '"' || c == '\\';
    }

    /** True when some byte of the word is below 0x20, a quote or a backslash. */
    static boolean needsEscape(long x) {
        return escapeMask(x) != 0;
    }

    /**
     * The high bit of each byte of the word that is below 0x20, a quote or a backslash; a byte above a flagged one may
     * be flagged too (a borrow), but the lowest flagged byte is always one that matches, and a word with no match has
     * no flag: a borrow only starts at a byte that matches, and bytes >= 0x80 (UTF-8 sequences) never match.
     */
    static long escapeMask(long x) {
        long control = (x - 0x2020202020202020L) & ~x;
        long q = x ^ 0x2222222222222222L;
        long quote = (q - ONES) & ~q;
        long s = x ^ 0x5C5C5C5C5C5C5C5CL;
        long backslash = (s - ONES) & ~s;
        return (control | quote | backslash) & HIGHS;
    }

    /**
     * Writes the RFC 8785 escape of {@code c} (quote, backslash or a control byte) at {@code p}: the short forms for the
     * seven characters that have one, lower-case {@code \\u00xx} for other controls. Returns the new end. Shared with
     * {@code integrity.CanonicalWriter}, so the chain's writer and the verifier escape alike.
     */
    public static int escape(byte[] d, int p, byte c) {
        d[p++] = '\\';
        switch (c) {
            case '"' -> d[p++] = '"';
            case '\\' -> d[p++] = '\\';
            case '\b' -> d[p++] = 'b';
            case '\t' -> d[p++] = 't';
            case '\n' -> d[p++] = 'n';
            case '\f' -> d[p++] = 'f';
            case '\r' -> d[p++] = 'r';
            default -> {
                d[p++] = 'u';
                d[p++] = '0';
                d[p++] = '0';
                d[p++] = HEX[c >> 4];
                d[p++] = HEX[c & 0xF];
            }
        }
        return p;
    }

    /** Escapes an ASCII character that needs it (quote, backslash, control), for {@link #string}. */
    private void escape(char c) {
        ensure(6);
        len = escape(buf, len, (byte) c);
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }
}
