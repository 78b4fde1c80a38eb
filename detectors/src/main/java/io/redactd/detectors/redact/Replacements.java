package io.redactd.detectors.redact;

import io.redactd.detectors.Action;
import io.redactd.detectors.catalog.DetectorSpec.Normalization;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;

/**
 * Writes the text that stands in for a detected value. Every form is printable ASCII without quotes or backslashes,
 * so it is also safe inside a JSON string:
 * <ul>
 *   <li>MASK: {@code [REDACTED:SSN]}</li>
 *   <li>PARTIAL: {@code [REDACTED:SSN:6789]}, the last four letters/digits of the value (a full-width digit as its
 *       ASCII digit); values with fewer than eight letters/digits are masked entirely, since four characters would be
 *       half of them</li>
 *   <li>TOKENIZE: {@code [TOKEN:SSN:k1:3f9a0c...]}, the first 16 hex digits of HMAC-SHA-256(key, TYPE 0x00
 *       normalized-value); the type keeps equal digit strings of different types apart</li>
 * </ul>
 * One instance per redactor (the MAC is stateful).
 */
final class Replacements {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int PARTIAL_KEEP = 4;
    private static final int PARTIAL_MIN = 8;
    private static final int TOKEN_HEX = 16;

    private final Mac mac;
    private final String keyId;
    private final ByteBuf normalized = new ByteBuf(64);
    private final byte[] digest = new byte[32];
    private final byte[] keep = new byte[PARTIAL_KEEP];

    Replacements(byte[] tokenKey, String keyId) {
        this.keyId = keyId;
        if (tokenKey == null) {
            mac = null;
            return;
        }
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(tokenKey, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JRE", e);
        }
    }

    void write(ByteBuf out, Action action, byte[] typeBytes, Normalization norm, byte[] value, int start, int end) {
        switch (action) {
            case PARTIAL -> partial(out, typeBytes, value, start, end);
            case TOKENIZE -> token(out, typeBytes, norm, value, start, end);
            default -> mask(out, typeBytes);
        }
    }

    private static void mask(ByteBuf out, byte[] typeBytes) {
        out.writeAscii("[REDACTED:");
        out.write(typeBytes, 0, typeBytes.length);
        out.write(']');
    }

    private void partial(ByteBuf out, byte[] typeBytes, byte[] value, int start, int end) {
        int total = 0;
        for (int i = start; i < end; i++) {
            if (isAlnum(value[i]) || fullWidthDigitEndingAt(value, start, i) >= 0) {
                total++;
            }
        }
        if (total < PARTIAL_MIN) {
            mask(out, typeBytes);
            return;
        }
        int k = PARTIAL_KEEP;
        for (int i = end - 1; i >= start && k > 0; i--) {
            if (isAlnum(value[i])) {
                keep[--k] = value[i];
            } else {
                int d = fullWidthDigitEndingAt(value, start, i);
                if (d >= 0) {
                    keep[--k] = (byte) ('0' + d); // kept as its ASCII digit: the replacement stays ASCII
                    i -= 2;
                }
            }
        }
        out.writeAscii("[REDACTED:");
        out.write(typeBytes, 0, typeBytes.length);
        out.write(':');
        out.write(keep, 0, PARTIAL_KEEP);
        out.write(']');
    }

    private void token(ByteBuf out, byte[] typeBytes, Normalization norm, byte[] value, int start, int end) {
        if (mac == null) {
            // Plans refuses TOKENIZE without a key; masking is the fail-closed answer should one slip through.
            mask(out, typeBytes);
            return;
        }
        normalize(norm, value, start, end);
        mac.update(typeBytes);
        mac.update((byte) 0);
        mac.update(normalized.array(), 0, normalized.length());
        try {
            mac.doFinal(digest, 0);
        } catch (javax.crypto.ShortBufferException e) {
            throw new IllegalStateException("digest buffer too small", e);
        }
        out.writeAscii("[TOKEN:");
        out.write(typeBytes, 0, typeBytes.length);
        out.write(':');
        out.writeAscii(keyId);
        out.write(':');
        for (int i = 0; i < TOKEN_HEX / 2; i++) {
            out.write(HEX[(digest[i] >> 4) & 0xf]);
            out.write(HEX[digest[i] & 0xf]);
        }
        out.write(']');
    }

    /** See {@link Normalization}; LOWER also decodes {@code %40} so an URL-encoded e-mail tokenizes like the plain one. */
    void normalize(Normalization norm, byte[] v, int start, int end) {
        normalized.reset();
        switch (norm) {
            case DIGITS -> {
                for (int i = start; i < end; i++) {
                    if (v[i] >= '0' && v[i] <= '9') {
                        normalized.write(v[i]);
                    } else {
                        int d = fullWidthDigitEndingAt(v, start, i);
                        if (d >= 0) {
                            normalized.write('0' + d); // ４１１１... and 4111... give one token
                        }
                    }
                }
            }
            case ALNUM_UPPER -> {
                for (int i = start; i < end; i++) {
                    byte b = v[i];
                    if (isAlnum(b) || b < 0) {
                        normalized.write(b >= 'a' && b <= 'z' ? b - 32 : b);
                    }
                }
            }
            case LOWER -> {
                for (int i = start; i < end; i++) {
                    if (v[i] == '%' && i + 2 < end && v[i + 1] == '4' && v[i + 2] == '0') {
                        normalized.write('@');
                        i += 2;
                    } else {
                        normalized.write(lower(v[i]));
                    }
                }
            }
            default -> {
                boolean pendingSpace = false;
                for (int i = start; i < end; i++) {
                    byte b = v[i];
                    if (b == ' ' || (b >= '\t' && b <= '\r')) {
                        pendingSpace = normalized.length() > 0;
                        continue;
                    }
                    if (pendingSpace) {
                        normalized.write(' ');
                        pendingSpace = false;
                    }
                    normalized.write(lower(b));
                }
            }
        }
    }

    byte[] normalizedArray() {
        return normalized.array();
    }

    int normalizedLength() {
        return normalized.length();
    }

    /** The value of the full-width digit (U+FF10-FF19, EF BC 90-99) whose last byte is at i, or -1. */
    private static int fullWidthDigitEndingAt(byte[] v, int start, int i) {
        int b = v[i] & 0xff;
        if (b >= 0x90 && b <= 0x99 && i - 2 >= start && v[i - 1] == (byte) 0xBC && v[i - 2] == (byte) 0xEF) {
            return b - 0x90;
        }
        return -1;
    }

    private static boolean isAlnum(byte b) {
        return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }
}
