package io.redactd.detectors.engine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Nominates the built-in catalog's class-led patterns (digit runs and upper-case codes: SSN, card, phone, NPI, IPv4,
 * IPv6, DEA, MBI, IBAN, VIN) from one pass over the line's alphanumeric tokens, for the Hyperscan engine: Hyperscan
 * has no literal to anchor these on and runs them in its NFA engines, which was most of its time per line (measured:
 * benchmarks/RESULTS.md, "Hyperscan engine, branch hyperscan").
 *
 * <p>Every rule is a necessary condition of its regex, written against that exact regex text (a changed catalog
 * pattern is not claimed and goes back to Hyperscan): each of these patterns' values starts where an alphanumeric
 * token starts, because every one of their left boundaries refuses a letter or digit before the value. The rule reads
 * a few bytes at that token (run lengths, separators) and, when the regex could match there, reports the range in
 * which that match would end. Over the line each pattern gets the smallest first and the largest last end, so every
 * true match ends within [firstEnd, lastEnd] and the exact confirmation reads only that stretch. Candidates may be too
 * many (the confirmation decides), never too few; {@code CandidateEnginesTest} checks it against RE2/J pattern by
 * pattern. ASCII lines only (the Hyperscan engine sends other lines to the portable engine).
 */
final class TokenNominator {
    /** The catalog regexes the rules are written for, exactly as {@code Catalog} builds them. */
    enum Rule {
        SSN_FORMATTED("(?:^|[^0-9A-Za-z_.-])(\\d{3}-\\d{2}-\\d{4}|\\d{3} \\d{2} \\d{4})\\b"),
        SSN_BARE("(?:^|[^0-9A-Za-z_.-])(\\d{9})\\b"),
        CARD("(?:^|[^0-9A-Za-z_.-])(3\\d{13,18}|4\\d{12,18}|5[1-5]\\d{14}|2[2-7]\\d{14}|6\\d{15,18}|[2-6]\\d{3}"
                + "(?:[ -]\\d{4}){2}[ -]\\d{1,4}(?:[ -]\\d{1,3})?|3\\d{3}[ -]\\d{6}[ -]\\d{4,5})\\b"),
        PHONE_PAREN("(?:^|[^0-9A-Za-z_.-])(\\(\\d{3}\\)[ .-]?\\d{3}[-. ]\\d{4})\\b"),
        PHONE_SEPARATED("(?:^|[^0-9A-Za-z_.-])(\\d{3}-\\d{3}-\\d{4}|\\d{3}\\.\\d{3}\\.\\d{4})\\b"),
        PHONE_PLUS1("(?:^|[^0-9A-Za-z_+])(\\+1[ .-]?(?:\\(\\d{3}\\) ?|\\d{3}[ .-]?)\\d{3}[ .-]?\\d{4})\\b"),
        PHONE_ONE("(?:^|[^0-9A-Za-z_.-])(1-\\d{3}-\\d{3}-\\d{4}|1 \\(\\d{3}\\) ?\\d{3}[-. ]\\d{4})\\b"),
        PHONE_BARE("(?:^|[^0-9A-Za-z_.-])(1?[2-9]\\d{9}|[2-9]\\d{2} \\d{3} \\d{4})\\b"),
        IPV4("(?:^|[^0-9A-Za-z.])((?:\\d{1,3}\\.){3}\\d{1,3}(?:\\.[0-9A-Za-z]+|-[A-Za-z][0-9A-Za-z]*)*)\\b"),
        IPV6("(?:^|[^0-9A-Za-z:])((?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\\b|(?:[0-9A-Fa-f]{1,4}:){1,6}"
                + "(?::[0-9A-Fa-f]{1,4}){1,6}\\b|::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4}\\b"
                + "|(?:[0-9A-Fa-f]{1,4}:){1,7}:)"),
        NPI("(?:^|[^0-9A-Za-z_.-])([12]\\d{9})\\b"),
        DEA("(?:^|[^0-9A-Za-z_])([ABCDEFGHJKLMPRSTUX][A-Z9]\\d{7})\\b"),
        MBI("(?:^|[^0-9A-Za-z_-])([1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\\d-?[AC-HJKMNP-RT-Y]"
                + "[AC-HJKMNP-RT-Y0-9]\\d-?[AC-HJKMNP-RT-Y]{2}\\d{2})\\b"),
        IBAN("(?:^|[^0-9A-Za-z_])([A-Z]{2}\\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?))\\b"),
        VIN("(?:^|[^0-9A-Za-z_-])([A-HJ-NPR-Z0-9]{17})\\b");

        final String regex;

        Rule(String regex) {
            this.regex = regex;
        }
    }

    private static final Rule[] RULES = Rule.values();
    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final Map<String, Rule> BY_REGEX = new HashMap<>();

    // byte classes of the token pass
    private static final byte OTHER = 0;
    private static final byte UPPER = 1;
    private static final byte DIGIT = 2;
    private static final byte LPAREN = 3;
    private static final byte PLUS = 4;
    private static final byte COLON = 5;
    private static final byte[] CLASS = new byte[256];
    private static final boolean[] ALNUM = new boolean[256];
    private static final boolean[] UPPER_OR_DIGIT = new boolean[256];
    private static final boolean[] HEX = new boolean[256];
    /** What the IPv4 pattern's value can hold: its trailing {@code (?:\.[0-9A-Za-z]+|-[A-Za-z][0-9A-Za-z]*)*}. */
    private static final boolean[] IPV4_TAIL = new boolean[256];

    static {
        for (Rule r : RULES) {
            BY_REGEX.put(r.regex, r);
        }
        for (int b = 0; b < 256; b++) {
            boolean digit = b >= '0' && b <= '9';
            boolean upper = b >= 'A' && b <= 'Z';
            boolean lower = b >= 'a' && b <= 'z';
            ALNUM[b] = digit || upper || lower;
            UPPER_OR_DIGIT[b] = digit || upper;
            HEX[b] = digit || (b >= 'A' && b <= 'F') || (b >= 'a' && b <= 'f');
            IPV4_TAIL[b] = ALNUM[b] || b == '.' || b == '-';
            CLASS[b] = digit ? DIGIT : upper ? UPPER : b == '(' ? LPAREN : b == '+' ? PLUS : b == ':' ? COLON
                    : OTHER; // ')' and '*' fall in the word test's '(' to '+' range and are passed over
        }
    }

    /**
     * The high bit of each byte of {@code word} (eight ASCII bytes, the first at the lowest address) that a rule reads:
     * a digit or upper-case letter that starts a token (no letter or digit before it; {@code afterAlnum} says whether
     * the byte before the word is one), a colon, or one of {@code ( ) * +}. No carry crosses a byte because every byte
     * is below 0x80. (Leaving out colons with no hex digit next to them cost more mask arithmetic than it saved:
     * measured.)
     */
    static long interesting(long word, boolean afterAlnum) {
        long digitOrUpper = between(word, '0', '9') | between(word, 'A', 'Z');
        long alnum = (digitOrUpper | between(word, 'a', 'z')) & HIGHS;
        long prevAlnum = (alnum << 8) | (afterAlnum ? 0x80L : 0L);
        return ((digitOrUpper & ~prevAlnum) | between(word, ':', ':') | between(word, '(', '+')) & HIGHS;
    }

    private static long between(long word, int lo, int hi) {
        return (word + (0x80 - lo) * ONES) & ~(word + (0x7F - hi) * ONES);
    }

    /** Bit k: some rule reads a digit run of length k that ends its token (1, 3, 4, 9-11, 13-19). */
    private static final long RUN_LENGTHS = 1L << 1 | 1L << 3 | 1L << 4 | 1L << 9 | 1L << 10 | 1L << 11
            | 0x7FL << 13;

    /** Per rule, the plan's pattern index, or -1 when the plan does not have that pattern. */
    private final int[] patternOf = new int[RULES.length];

    private TokenNominator() {
        java.util.Arrays.fill(patternOf, -1);
    }

    /**
     * A nominator for the patterns of {@code patterns} that a rule covers ({@code claimed[i]} is set for those), or
     * null when none is covered.
     */
    static TokenNominator forPatterns(List<CompiledPattern> patterns, boolean[] claimed) {
        TokenNominator n = new TokenNominator();
        boolean any = false;
        for (CompiledPattern p : patterns) {
            Rule r = p.isContext() ? null : BY_REGEX.get(p.regex());
            if (r != null && n.patternOf[r.ordinal()] < 0) {
                n.patternOf[r.ordinal()] = p.index();
                claimed[p.index()] = true;
                any = true;
            }
        }
        return any ? n : null;
    }

    Scan newScan() {
        return new Scan(patternOf);
    }

    /** Per-thread state: the end range found so far per rule, for one line. */
    static final class Scan {
        private final int[] patternOf;
        private final int[] lo = new int[RULES.length];
        private final int[] hi = new int[RULES.length];
        private int touched;
        private int start;
        private int end;
        /** The IPv6 check reads a whole hex-and-colon run at its first colon; colons before this are done. */
        private int ipv6Done;

        private Scan(int[] patternOf) {
            this.patternOf = patternOf.clone();
        }

        /** Adds to {@code out} the covered patterns that may match {@code buf[off, off+len)}, with end ranges. */
        void candidates(byte[] buf, int off, int len, PatternSet out) {
            start = off;
            end = off + len;
            ipv6Done = off;
            if (len >= 8) {
                words(buf);
            } else {
                for (int i = off; i < end; ) {
                    i = CLASS[buf[i] & 0xff] == OTHER ? i + 1 : visit(buf, i);
                }
            }
            if (touched != 0) {
                for (int r = 0; r < RULES.length; r++) {
                    if ((touched & (1 << r)) != 0) {
                        int p = patternOf[r];
                        if (p >= 0) {
                            out.addEnd(p, lo[r] - off);
                            out.addEnd(p, hi[r] - off);
                        }
                    }
                }
                touched = 0;
            }
        }

        /**
         * Eight bytes at a time to the next byte a rule reads (most log bytes are lower-case letters, blanks and
         * punctuation, or letters and digits inside a token, which no rule reads); the last word overlaps the one
         * before it so that no byte is read outside the line.
         */
        private void words(byte[] buf) {
            int next = start; // bytes before this are read (a rule may read on past its landing byte)
            int lastWord = end - 8;
            int w = start;
            while (true) {
                long word = (long) LONGS.get(buf, w);
                long m = (word & HIGHS) == 0
                        ? interesting(word, w > start && ALNUM[buf[w - 1] & 0xff])
                        : bytewise(buf, w);
                if (next > w) {
                    m &= -1L << ((next - w) << 3); // next - w < 8 here
                }
                while (m != 0) {
                    next = visit(buf, w + (Long.numberOfTrailingZeros(m) >>> 3));
                    if (next >= w + 8) {
                        break;
                    }
                    m &= -1L << ((next - w) << 3);
                }
                if (w == lastWord) {
                    return;
                }
                w = Math.min(Math.max(w + 8, next), lastWord);
                if (next >= end) {
                    return;
                }
            }
        }

        /** The landing bits of eight bytes that are not all ASCII: any byte a rule may read. */
        private static long bytewise(byte[] buf, int w) {
            long m = 0;
            for (int k = 0; k < 8; k++) {
                if (CLASS[buf[w + k] & 0xff] != OTHER) {
                    m |= 0x80L << (k << 3);
                }
            }
            return m;
        }

        /** Reads the byte at i (a digit, an upper-case letter, a colon, or one of ( ) * +); returns where to go on. */
        private int visit(byte[] buf, int i) {
            byte c = CLASS[buf[i] & 0xff];
            if (c == DIGIT || c == UPPER) {
                if (i > start && ALNUM[buf[i - 1] & 0xff]) {
                    return skipAlnum(buf, i + 1); // inside a token: no value starts here
                }
                return c == DIGIT ? digitToken(buf, i) : upperToken(buf, i);
            }
            if (c == LPAREN) {
                // (\d{3})[ .-]?\d{3}[-. ]\d{4}: 13 or 14 bytes
                if (digits(buf, i + 1, 3) && at(buf, i + 4) == ')') {
                    add(Rule.PHONE_PAREN, i + 13, i + 14);
                }
            } else if (c == PLUS) {
                // \+1[ .-]?(?:\(\d{3}\) ?|\d{3}[ .-]?)\d{3}[ .-]?\d{4}: 12 to 17 bytes
                if (at(buf, i + 1) == '1') {
                    add(Rule.PHONE_PLUS1, i + 12, i + 17);
                }
            } else if (c == COLON) {
                return colon(buf, i);
            }
            return i + 1;
        }

        /** A match of {@code rule} may end anywhere in [from, to] (absolute offsets); beyond the line it cannot. */
        private void add(Rule rule, int from, int to) {
            if (from > end) {
                return;
            }
            int r = rule.ordinal();
            int t = Math.min(to, end);
            int bit = 1 << r;
            if ((touched & bit) == 0) {
                touched |= bit;
                lo[r] = from;
                hi[r] = t;
            } else {
                lo[r] = Math.min(lo[r], from);
                hi[r] = Math.max(hi[r], t);
            }
        }

        private int at(byte[] buf, int i) {
            return i < end ? buf[i] : -1;
        }

        private boolean digits(byte[] buf, int from, int n) {
            if (from + n > end) {
                return false;
            }
            for (int i = from; i < from + n; i++) {
                if (buf[i] < '0' || buf[i] > '9') {
                    return false;
                }
            }
            return true;
        }

        private boolean upperOrDigits(byte[] buf, int from, int n) {
            if (from + n > end) {
                return false;
            }
            for (int i = from; i < from + n; i++) {
                if (!UPPER_OR_DIGIT[buf[i] & 0xff]) {
                    return false;
                }
            }
            return true;
        }

        private int skipAlnum(byte[] buf, int i) {
            while (i < end && ALNUM[buf[i] & 0xff]) {
                i++;
            }
            return i;
        }

        /** A token starting with an upper-case letter at s: DEA, IBAN, VIN. Returns the token's end. */
        private int upperToken(byte[] buf, int s) {
            int u = s + 1;
            while (u < end && UPPER_OR_DIGIT[buf[u] & 0xff]) {
                u++;
            }
            int e = skipAlnum(buf, u);
            if (u == e) {
                if (e - s == 17) {
                    add(Rule.VIN, e, e); // [A-HJ-NPR-Z0-9]{17}\b: the whole token
                } else if (e - s == 9 && digits(buf, s + 2, 7)) {
                    add(Rule.DEA, e, e); // [A-Z][A-Z9]\d{7}\b: the whole token
                }
            }
            // [A-Z]{2}\d{2} then [A-Z0-9]{11,30} in the same token, or ( [A-Z0-9]{4}){2,7} after a 4-byte token
            if (u - s >= 4 && buf[s + 1] >= 'A' && buf[s + 1] <= 'Z' && digits(buf, s + 2, 2)
                    && (u - s >= 15 || (e == s + 4 && at(buf, s + 4) == ' ' && upperOrDigits(buf, s + 5, 4)))) {
                add(Rule.IBAN, s + 14, s + 43);
            }
            return e;
        }

        /** A token starting with a digit at s: the digit-run patterns, MBI, VIN. Returns the token's end. */
        private int digitToken(byte[] buf, int s) {
            int j = s + 1;
            while (j < end && buf[j] >= '0' && buf[j] <= '9') {
                j++;
            }
            int k = j - s;
            int next = at(buf, j);
            if (next >= 0 && ALNUM[next]) {
                // a letter right after the run: only MBI ([1-9][A-Z]...) and VIN (17 upper-case/digits) go on
                if (k == 1 && buf[s] != '0' && next >= 'A' && next <= 'Z' && at(buf, s + 3) >= '0'
                        && at(buf, s + 3) <= '9') {
                    add(Rule.MBI, s + 11, s + 13);
                }
                int e = skipAlnum(buf, j + 1);
                if (e - s == 17 && upperOrDigits(buf, j, e - j)) {
                    add(Rule.VIN, e, e);
                }
                return e;
            }
            if (((RUN_LENGTHS >>> Math.min(k, 63)) & 1) == 0 && (k > 3 || next != '.')) {
                return j; // the common case: a time, a port, a latency; no rule wants a run this long
            }
            // the run ends the token: every rule below needs a separator or \b right after it
            switch (k) {
                case 1 -> {
                    if (buf[s] == '1' && (next == '-' && digits(buf, s + 2, 3) || next == ' ' && at(buf, s + 2) == '(')) {
                        add(Rule.PHONE_ONE, s + 14, s + 16);
                    }
                }
                case 3 -> {
                    if (next == '-' || next == ' ') {
                        // \d{3}-\d{2}-\d{4} or with spaces: 11 bytes
                        if (digits(buf, s + 4, 2) && at(buf, s + 6) == next && digits(buf, s + 7, 4)) {
                            add(Rule.SSN_FORMATTED, s + 11, s + 11);
                        }
                    }
                    if ((next == '-' || next == '.' || next == ' ') && digits(buf, s + 4, 3)
                            && at(buf, s + 7) == next && digits(buf, s + 8, 4)) {
                        // \d{3}-\d{3}-\d{4}, \d{3}\.\d{3}\.\d{4}, [2-9]\d{2} \d{3} \d{4}: 12 bytes
                        add(next == ' ' ? Rule.PHONE_BARE : Rule.PHONE_SEPARATED, s + 12, s + 12);
                    }
                }
                case 4 -> {
                    // [2-6]\d{3}(?:[ -]\d{4}){2}[ -]\d{1,4}(?:[ -]\d{1,3})? (16-23 bytes) or 3\d{3}[ -]\d{6}[ -]\d{4,5}
                    if ((next == ' ' || next == '-') && buf[s] >= '2' && buf[s] <= '6' && digits(buf, s + 5, 4)) {
                        add(Rule.CARD, s + 16, s + 23);
                    }
                }
                case 9 -> add(Rule.SSN_BARE, j, j);
                case 10, 11 -> {
                    add(Rule.PHONE_BARE, j, j);
                    if (k == 10 && (buf[s] == '1' || buf[s] == '2')) {
                        add(Rule.NPI, j, j);
                    }
                }
                case 17 -> add(Rule.VIN, j, j);
                default -> {
                }
            }
            if (k >= 13 && k <= 19 && cardDigits(buf[s], buf[s + 1], k)) {
                add(Rule.CARD, j, j);
            }
            if (k <= 3 && next == '.') {
                ipv4(buf, s, j);
            }
            return j;
        }

        /** 3\d{13,18}|4\d{12,18}|5[1-5]\d{14}|2[2-7]\d{14}|6\d{15,18}: epoch milliseconds (1...) are not cards. */
        private static boolean cardDigits(byte first, byte second, int k) {
            return switch (first) {
                case '3' -> k >= 14;
                case '4' -> true;
                case '5' -> k == 16 && second >= '1' && second <= '5';
                case '2' -> k == 16 && second >= '2' && second <= '7';
                case '6' -> k >= 16;
                default -> false;
            };
        }

        /** (?:\d{1,3}\.){3}\d{1,3} from s (the first run ends at j, before a dot), then an alphanumeric/dot/dash tail. */
        private void ipv4(byte[] buf, int s, int j) {
            int p = j + 1;
            for (int octet = 2; octet <= 3; octet++) {
                int q = p;
                while (q < end && q - p < 4 && buf[q] >= '0' && buf[q] <= '9') {
                    q++;
                }
                if (q == p || q - p > 3 || at(buf, q) != '.') {
                    return;
                }
                p = q + 1;
            }
            if (!digits(buf, p, 1)) {
                return;
            }
            int t = s;
            while (t < end && IPV4_TAIL[buf[t] & 0xff]) {
                t++;
            }
            add(Rule.IPV4, s + 7, t);
        }

        /**
         * An IPv6 value lies in one maximal run of hex digits and colons, starts where it starts (its left boundary
         * refuses a letter, digit or colon before it) and holds "::" or seven colons. Checked once per run, at its
         * first colon.
         */
        private int colon(byte[] buf, int i) {
            if (i < ipv6Done) {
                return i + 1;
            }
            int next = at(buf, i + 1);
            if (next != ':' && (next < 0 || !HEX[next]) && (i == start || !HEX[buf[i - 1] & 0xff])) {
                return i + 1; // a lone colon between non-hex bytes (JSON, key: value) is no IPv6 run
            }
            int rs = i;
            while (rs > start && HEX[buf[rs - 1] & 0xff]) {
                rs--;
            }
            int colons = 0;
            boolean pair = false;
            int j = i;
            while (j < end && (HEX[buf[j] & 0xff] || buf[j] == ':')) {
                if (buf[j] == ':') {
                    colons++;
                    pair |= j > i && buf[j - 1] == ':';
                }
                j++;
            }
            ipv6Done = j;
            if (pair || colons >= 7) {
                add(Rule.IPV6, rs + 3, j);
            }
            return i + 1;
        }
    }
}
