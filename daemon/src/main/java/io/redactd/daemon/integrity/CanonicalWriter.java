package io.redactd.daemon.integrity;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer that writes RFC 8785 canonical JSON tokens. It does not sort keys: the caller writes members
 * in canonical order (by UTF-16 code units; for ASCII keys that is plain byte order). Reuse one instance per thread
 * with {@link #reset()} so the hot path allocates nothing.
 */
public final class CanonicalWriter {
    private byte[] buf;
    private int size;

    public CanonicalWriter() {
        this(512);
    }

    public CanonicalWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public CanonicalWriter reset() {
        size = 0;
        return this;
    }

    public int size() {
        return size;
    }

    /** The backing array; valid bytes are {@code [0, size())}. */
    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** Appends one structural byte such as '{', ':' or ','. */
    public CanonicalWriter raw(char c) {
        ensure(1);
        buf[size++] = (byte) c;
        return this;
    }

    /** Appends ASCII text verbatim (structural text like {@code ,"chain":{}); the caller guarantees it is canonical. */
    public CanonicalWriter raw(String ascii) {
        int n = ascii.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) ascii.charAt(i);
        }
        return this;
    }

    public CanonicalWriter raw(byte[] bytes, int off, int len) {
        ensure(len);
        System.arraycopy(bytes, off, buf, size, len);
        size += len;
        return this;
    }

    /** Appends {@code "name":} for a key the caller knows needs no escaping (ASCII letters, digits, '_', '.', '@'). */
    public CanonicalWriter key(String plainAsciiName) {
        ensure(plainAsciiName.length() + 3);
        buf[size++] = '"';
        raw(plainAsciiName);
        buf[size++] = '"';
        buf[size++] = ':';
        return this;
    }

    /** Appends a string literal from well-formed UTF-8 bytes, escaped per RFC 8785. */
    public CanonicalWriter string(byte[] utf8, int off, int len) {
        // Worst case every byte becomes a 6-byte \\u00xx escape.
        ensure(len * 6 + 2);
        byte[] b = buf;
        int p = size;
        b[p++] = '"';
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte c = utf8[i];
            if (c >= 0x20 && c != '"' && c != '\\') {
                b[p++] = c; // ASCII printable and every byte of a multi-byte sequence (negative) are literal
            } else if (c < 0) {
                b[p++] = c;
            } else {
                p = io.redactd.daemon.event.CanonicalJson.escape(b, p, c);
            }
        }
        b[p++] = '"';
        size = p;
        return this;
    }

    public CanonicalWriter string(byte[] utf8) {
        return string(utf8, 0, utf8.length);
    }

    /** Appends a string literal from UTF-16 text; unpaired surrogates are rejected as RFC 8785 requires. */
    public CanonicalWriter string(CharSequence s) {
        return string(s, 0, s.length());
    }

    public CanonicalWriter string(CharSequence s, int off, int len) {
        ensure(len * 6 + 2);
        buf[size++] = '"';
        appendChars(s, off, len);
        buf[size++] = '"';
        return this;
    }

    /** Same as {@link #string(CharSequence)} for a char[] region (what Jackson's parser exposes without copying). */
    public CanonicalWriter string(char[] chars, int off, int len) {
        ensure(len * 6 + 2);
        buf[size++] = '"';
        int end = off + len;
        for (int i = off; i < end; i++) {
            char c = chars[i];
            if (c < 0x80) {
                ascii(c);
            } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(chars[i + 1])) {
                codePoint(Character.toCodePoint(c, chars[++i]));
            } else {
                codePoint(checkNotSurrogate(c));
            }
        }
        buf[size++] = '"';
        return this;
    }

    /** Appends an integer; the chain only writes integers, which are canonical as plain digits within 2^53. */
    public CanonicalWriter number(long value) {
        if (Math.abs(value) > CanonicalJson.MAX_SAFE_INTEGER) {
            return raw(CanonicalJson.formatNumber((double) value));
        }
        ensure(20);
        if (value == 0) {
            buf[size++] = '0';
            return this;
        }
        if (value < 0) {
            buf[size++] = '-';
            value = -value;
        }
        int digits = 0;
        for (long v = value; v != 0; v /= 10) {
            digits++;
        }
        int p = size + digits;
        for (long v = value; v != 0; v /= 10) {
            buf[--p] = (byte) ('0' + (v % 10));
        }
        size += digits;
        return this;
    }

    /** Appends lowercase hex of {@code bytes} as a string literal. */
    public CanonicalWriter hexString(byte[] bytes) {
        ensure(bytes.length * 2 + 2);
        buf[size++] = '"';
        Hex.encode(bytes, 0, bytes.length, buf, size);
        size += bytes.length * 2;
        buf[size++] = '"';
        return this;
    }

    private void appendChars(CharSequence s, int off, int len) {
        int end = off + len;
        for (int i = off; i < end; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                ascii(c);
            } else if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
                codePoint(Character.toCodePoint(c, s.charAt(++i)));
            } else {
                codePoint(checkNotSurrogate(c));
            }
        }
    }

    private static char checkNotSurrogate(char c) {
        if (Character.isSurrogate(c)) {
            throw new IllegalArgumentException(
                    "string holds an unpaired surrogate U+" + Integer.toHexString(c) + " (not I-JSON, RFC 8785 3.2.2)");
        }
        return c;
    }

    private void ascii(char c) {
        if (c >= 0x20 && c != '"' && c != '\\') {
            buf[size++] = (byte) c;
        } else {
            size = io.redactd.daemon.event.CanonicalJson.escape(buf, size, (byte) c);
        }
    }

    private void codePoint(int cp) {
        if (cp < 0x800) {
            buf[size++] = (byte) (0xC0 | (cp >> 6));
            buf[size++] = (byte) (0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            buf[size++] = (byte) (0xE0 | (cp >> 12));
            buf[size++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            buf[size++] = (byte) (0x80 | (cp & 0x3F));
        } else {
            buf[size++] = (byte) (0xF0 | (cp >> 18));
            buf[size++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            buf[size++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            buf[size++] = (byte) (0x80 | (cp & 0x3F));
        }
    }


    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    @Override
    public String toString() {
        return new String(buf, 0, size, StandardCharsets.UTF_8);
    }
}
