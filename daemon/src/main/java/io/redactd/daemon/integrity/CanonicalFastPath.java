package io.redactd.daemon.integrity;

import java.nio.charset.StandardCharsets;

/**
 * Reads an event that is stored exactly as the daemon wrote it (the file output) without a JSON parser: one pass over
 * the bytes that proves they are canonical JSON, finds the {@code "hash":"..","prev":"..",} splice at the start of
 * the chain object, and picks out the chain, event.kind, checkpoint and chain_restart members. The hashed bytes are
 * then the stored bytes minus the splice, with no copy.
 *
 * <p>It declines (returns null) on anything it does not prove canonical, which the caller then handles on the
 * general path ({@link ChainedDoc#parse}): keys with escapes or non-ASCII, fractions and exponents, a chain object that
 * does not begin with the splice, nesting deeper than 64. So it can only be faster, never more lenient.
 */
final class CanonicalFastPath {
    /** Length of {@code "hash":"<64>","prev":"<64>",}. */
    static final int SPLICE = HashChain.SPLICE_LENGTH;
    private static final int MAX_DEPTH = 64;
    private static final byte[] HASH_OPEN = "\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PREV_OPEN = "\",\"prev\":\"".getBytes(StandardCharsets.US_ASCII);

    /** Control flow only: not canonical, use the general path. */
    private static final class Decline extends Exception {
        Decline() {
            super(null, null, false, false);
        }
    }

    private static final Decline DECLINE = new Decline();

    private enum Scope { TOP, CHAIN, EVENT, CHECKPOINT, RESTART, OTHER }

    private final byte[] b;
    private final int end;
    private int p;
    private int splice = -1;
    private String stream;
    private long seq = -1;
    private String prev;
    private String hash;
    private String kind;
    private String restartReason;
    private String previousStream;
    private String cpStream;
    private String cpHeadHash;
    private String cpMac;
    private String cpSig;
    private long cpHeadSeq = -1;
    private long cpCount = -1;
    private long cpKeyIndex = -1;

    private CanonicalFastPath(byte[] b, int off, int len) {
        this.b = b;
        this.p = off;
        this.end = off + len;
    }

    /**
     * @param spliceAt receives at [0] the offset of the 148-byte splice to leave out of the hash
     * @return the event, or null if the bytes are not provably canonical (use {@link ChainedDoc#parse})
     */
    static ChainedDoc tryParse(byte[] buf, int off, int len, int[] spliceAt) {
        CanonicalFastPath f = new CanonicalFastPath(buf, off, len);
        try {
            f.expect('{');
            f.object(Scope.TOP, 1);
            if (f.p != f.end || f.splice < 0 || f.seq < 1 || f.stream == null) {
                return null;
            }
        } catch (Decline | ArrayIndexOutOfBoundsException d) {
            return null;
        }
        spliceAt[0] = f.splice;
        Checkpoint cp = null;
        if (ChainedDoc.KIND_CHECKPOINT.equals(f.kind) && f.cpStream != null && f.cpHeadHash != null && f.cpMac != null
                && f.cpHeadSeq >= 0 && f.cpCount >= 0 && f.cpKeyIndex >= 0) {
            cp = new Checkpoint(f.cpStream, f.cpHeadSeq, f.cpHeadHash, f.cpCount, f.cpKeyIndex, f.cpMac, f.cpSig);
        }
        return new ChainedDoc(f.stream, f.seq, f.prev, f.hash, f.kind, cp, f.restartReason, f.previousStream);
    }

    private byte at(int i) throws Decline {
        if (i >= end) {
            throw DECLINE;
        }
        return b[i];
    }

    private void expect(char c) throws Decline {
        if (at(p) != c) {
            throw DECLINE;
        }
        p++;
    }

    /** p is just past '{'. */
    private void object(Scope scope, int depth) throws Decline {
        if (depth > MAX_DEPTH) {
            throw DECLINE;
        }
        if (at(p) == '}') {
            p++;
            if (scope == Scope.CHAIN) {
                throw DECLINE;
            }
            return;
        }
        int prevKeyStart = -1;
        int prevKeyEnd = -1;
        boolean first = true;
        while (true) {
            if (first && scope == Scope.CHAIN) {
                readSplice();
                first = false;
                prevKeyStart = -2; // "prev" was the last key
            }
            if (at(p) != '"') {
                throw DECLINE;
            }
            int keyStart = p + 1;
            plainString();
            int keyEnd = p - 1;
            if (prevKeyStart == -2) {
                if (compare(PREV_KEY, 0, PREV_KEY.length, b, keyStart, keyEnd) >= 0) {
                    throw DECLINE;
                }
            } else if (prevKeyStart >= 0 && compare(b, prevKeyStart, prevKeyEnd, b, keyStart, keyEnd) >= 0) {
                throw DECLINE; // out of order or duplicate
            }
            prevKeyStart = keyStart;
            prevKeyEnd = keyEnd;
            first = false;
            expect(':');
            Scope inner = Scope.OTHER;
            if (scope == Scope.TOP && at(p) == '{') {
                inner = topScope(keyStart, keyEnd);
            }
            if (scope == Scope.CHAIN && (is(keyStart, keyEnd, "hash") || is(keyStart, keyEnd, "prev"))) {
                throw DECLINE;
            }
            value(scope, keyStart, keyEnd, inner, depth);
            byte c = at(p++);
            if (c == '}') {
                return;
            }
            if (c != ',') {
                throw DECLINE;
            }
        }
    }

    private static final byte[] PREV_KEY = "prev".getBytes(StandardCharsets.US_ASCII);

    private void readSplice() throws Decline {
        if (end - p < SPLICE || !regionEquals(p, HASH_OPEN) || !regionEquals(p + 72, PREV_OPEN)
                || b[p + SPLICE - 2] != '"' || b[p + SPLICE - 1] != ',') {
            throw DECLINE;
        }
        hash = hex64(p + 8);
        prev = hex64(p + 82);
        splice = p;
        p += SPLICE;
    }

    private String hex64(int from) throws Decline {
        for (int i = from; i < from + 64; i++) {
            byte c = b[i];
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                throw DECLINE;
            }
        }
        return new String(b, from, 64, StandardCharsets.US_ASCII);
    }

    private Scope topScope(int ks, int ke) {
        if (is(ks, ke, "chain")) {
            return Scope.CHAIN;
        } else if (is(ks, ke, "event")) {
            return Scope.EVENT;
        } else if (is(ks, ke, "checkpoint")) {
            return Scope.CHECKPOINT;
        } else if (is(ks, ke, "chain_restart")) {
            return Scope.RESTART;
        }
        return Scope.OTHER;
    }

    private void value(Scope scope, int ks, int ke, Scope inner, int depth) throws Decline {
        byte c = at(p);
        switch (c) {
            case '{' -> {
                p++;
                object(inner, depth + 1);
            }
            case '[' -> {
                p++;
                if (depth + 1 > MAX_DEPTH) {
                    throw DECLINE;
                }
                if (at(p) == ']') {
                    p++;
                    return;
                }
                while (true) {
                    value(Scope.OTHER, 0, 0, Scope.OTHER, depth + 1);
                    byte d = at(p++);
                    if (d == ']') {
                        return;
                    }
                    if (d != ',') {
                        throw DECLINE;
                    }
                }
            }
            case '"' -> {
                int start = p + 1;
                boolean plain = string();
                if (scope != Scope.OTHER && scope != Scope.TOP) {
                    captureString(scope, ks, ke, plain ? new String(b, start, p - 1 - start, StandardCharsets.UTF_8)
                            : null);
                }
            }
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                long v = integer();
                if (scope != Scope.OTHER && scope != Scope.TOP) {
                    captureLong(scope, ks, ke, v);
                }
            }
        }
    }

    private void captureString(Scope scope, int ks, int ke, String v) throws Decline {
        boolean wanted = switch (scope) {
            case CHAIN -> is(ks, ke, "stream");
            case EVENT -> is(ks, ke, "kind");
            case RESTART -> is(ks, ke, "reason") || is(ks, ke, "previous_stream");
            case CHECKPOINT -> is(ks, ke, "stream") || is(ks, ke, "head_hash") || is(ks, ke, "mac") || is(ks, ke, "sig");
            default -> false;
        };
        if (!wanted) {
            return;
        }
        if (v == null) {
            throw DECLINE; // an escaped value in a field we read: let the general path decode it
        }
        switch (scope) {
            case CHAIN -> stream = v;
            case EVENT -> kind = v;
            case RESTART -> {
                if (is(ks, ke, "reason")) {
                    restartReason = v;
                } else {
                    previousStream = v;
                }
            }
            case CHECKPOINT -> {
                if (is(ks, ke, "stream")) {
                    cpStream = v;
                } else if (is(ks, ke, "head_hash")) {
                    cpHeadHash = v;
                } else if (is(ks, ke, "mac")) {
                    cpMac = v;
                } else {
                    cpSig = v;
                }
            }
            default -> {
            }
        }
    }

    private void captureLong(Scope scope, int ks, int ke, long v) {
        if (scope == Scope.CHAIN && is(ks, ke, "seq")) {
            seq = v;
        } else if (scope == Scope.CHECKPOINT) {
            if (is(ks, ke, "head_seq")) {
                cpHeadSeq = v;
            } else if (is(ks, ke, "count")) {
                cpCount = v;
            } else if (is(ks, ke, "key_index")) {
                cpKeyIndex = v;
            }
        }
    }

    private void literal(String word) throws Decline {
        for (int i = 0; i < word.length(); i++) {
            if (at(p + i) != word.charAt(i)) {
                throw DECLINE;
            }
        }
        p += word.length();
    }

    /** A canonical integer: no leading zeros, no "-0", within 2^53; fractions and exponents decline. */
    private long integer() throws Decline {
        boolean negative = at(p) == '-';
        if (negative) {
            p++;
        }
        byte c = at(p);
        if (c < '0' || c > '9') {
            throw DECLINE;
        }
        long v = 0;
        int digits = 0;
        if (c == '0') {
            p++;
            if (negative) {
                throw DECLINE;
            }
        } else {
            while (p < end && b[p] >= '0' && b[p] <= '9') {
                if (++digits > 16) {
                    throw DECLINE;
                }
                v = v * 10 + (b[p++] - '0');
            }
        }
        if (p < end && (b[p] == '.' || b[p] == 'e' || b[p] == 'E')) {
            throw DECLINE;
        }
        if (v > CanonicalJson.MAX_SAFE_INTEGER) {
            throw DECLINE;
        }
        return negative ? -v : v;
    }

    /** A member name: ASCII without escapes only (anything else takes the general path). */
    private void plainString() throws Decline {
        if (!string()) {
            throw DECLINE;
        }
    }

    /**
     * A canonical string literal; p at the opening quote, left after the closing one. Returns true if it holds only
     * printable ASCII without escapes.
     */
    private boolean string() throws Decline {
        p++;
        boolean plain = true;
        while (true) {
            byte c = at(p);
            if (c == '"') {
                p++;
                return plain;
            }
            if (c == '\\') {
                plain = false;
                escape();
            } else if (c < 0) {
                plain = false;
                utf8();
            } else if (c < 0x20) {
                throw DECLINE;
            } else {
                p++;
            }
        }
    }

    private void escape() throws Decline {
        byte e = at(p + 1);
        switch (e) {
            case '"', '\\', 'b', 'f', 'n', 'r', 't' -> p += 2;
            case 'u' -> {
                // Only controls without a short form are written as \\u00xx, in lowercase.
                if (at(p + 2) != '0' || at(p + 3) != '0') {
                    throw DECLINE;
                }
                int hi = at(p + 4);
                int lo = at(p + 5);
                int lv = lo >= '0' && lo <= '9' ? lo - '0' : lo >= 'a' && lo <= 'f' ? lo - 'a' + 10 : -1;
                if (hi != '0' && hi != '1' || lv < 0) {
                    throw DECLINE;
                }
                int v = (hi - '0') * 16 + lv;
                if (v == 8 || v == 9 || v == 10 || v == 12 || v == 13) {
                    throw DECLINE;
                }
                p += 6;
            }
            default -> throw DECLINE;
        }
    }

    /** One well-formed UTF-8 sequence (no overlongs, no surrogates, at most U+10FFFF). */
    private void utf8() throws Decline {
        int c = b[p] & 0xFF;
        int n;
        int min2 = 0x80;
        int max2 = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0) {
                min2 = 0xA0;
            } else if (c == 0xED) {
                max2 = 0x9F;
            }
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0) {
                min2 = 0x90;
            } else if (c == 0xF4) {
                max2 = 0x8F;
            }
        } else {
            throw DECLINE;
        }
        int c2 = at(p + 1) & 0xFF;
        if (c2 < min2 || c2 > max2) {
            throw DECLINE;
        }
        for (int i = 2; i <= n; i++) {
            if ((at(p + i) & 0xC0) != 0x80) {
                throw DECLINE;
            }
        }
        p += n + 1;
    }

    private boolean is(int from, int to, String ascii) {
        int n = ascii.length();
        if (to - from != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[from + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean regionEquals(int from, byte[] lit) {
        for (int i = 0; i < lit.length; i++) {
            if (b[from + i] != lit[i]) {
                return false;
            }
        }
        return true;
    }

    /** Byte order equals UTF-16 order for ASCII, which is all plainString admits. */
    private static int compare(byte[] x, int xs, int xe, byte[] y, int ys, int ye) {
        int n = Math.min(xe - xs, ye - ys);
        for (int i = 0; i < n; i++) {
            int d = x[xs + i] - y[ys + i];
            if (d != 0) {
                return d;
            }
        }
        return (xe - xs) - (ye - ys);
    }
}
