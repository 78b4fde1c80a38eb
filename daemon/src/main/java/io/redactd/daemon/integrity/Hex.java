package io.redactd.daemon.integrity;

/** Lowercase hex without allocation in the hot path ({@link java.util.HexFormat} allocates a String per call). */
final class Hex {
    static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {
    }

    static void encode(byte[] src, int off, int len, byte[] dst, int dstOff) {
        for (int i = 0; i < len; i++) {
            int v = src[off + i] & 0xFF;
            dst[dstOff + 2 * i] = (byte) DIGITS[v >>> 4];
            dst[dstOff + 2 * i + 1] = (byte) DIGITS[v & 0xF];
        }
    }

    static String encode(byte[] src) {
        byte[] out = new byte[src.length * 2];
        encode(src, 0, src.length, out, 0);
        return new String(out, java.nio.charset.StandardCharsets.US_ASCII);
    }

    /** Decodes hex of exactly {@code bytes} bytes, or throws naming what was expected (never echoing the input). */
    static byte[] decode(String hex, int bytes, String what) {
        String s = hex.strip();
        if (s.length() != bytes * 2) {
            throw new IllegalArgumentException(what + " must be " + bytes * 2 + " hex digits, got " + s.length()
                    + " characters");
        }
        byte[] out = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException(what + " is not hex (bad character at position " + 2 * i + ")");
            }
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    /** True if {@code s} is exactly 64 lowercase hex digits (a SHA-256 as the chain writes it). */
    static boolean isSha256Hex(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
