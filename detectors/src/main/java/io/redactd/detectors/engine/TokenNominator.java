package io.redactd.detectors.engine;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Nominates the built-in catalog's class-led patterns (digit runs and upper-case codes: SSN, card, phone, NPI, IPv4,
 * IPv6, DEA, MBI, IBAN, VIN, and the street address, which starts with its house number) from one pass over the line's
 * alphanumeric tokens, and the plain e-mail pattern from its {@code @}, for the Hyperscan engine: Hyperscan
 * has no literal to anchor these on and runs them in its NFA engines, which was most of its time per line (measured:
 * benchmarks/RESULTS.md, "Hyperscan engine, branch hyperscan").
 *
 * <p>Every rule is a necessary condition of its regex, written against that exact regex text (a changed catalog
 * pattern is not claimed and goes back to Hyperscan): each of these patterns' values starts where an alphanumeric
 * token starts, because every one of their left boundaries refuses a letter or digit before the value (an underscore
 * or a dash may glue it to a word: neither is alphanumeric). Two land elsewhere: the e-mail
 * rule on the {@code @} (Hyperscan spent a quarter of its time on that pattern, measured by
 * HyperscanPatternCosts), and the dashed SSN glued to a letter ({@code user123-45-6789}), whose first group is inside
 * a token, on its middle group, which starts one. The rule reads
 * a few bytes at that token (run lengths, separators) and, when the regex could match there, reports the range in
 * which that match would end. Over the line each pattern gets the smallest first and the largest last end, so every
 * true match ends within [firstEnd, lastEnd] and the exact confirmation reads only that stretch. Candidates may be too
 * many (the confirmation decides), never too few; {@code CandidateEnginesTest} checks it against RE2/J pattern by
 * pattern. ASCII lines only (the Hyperscan engine sends other lines to the portable engine).
 */
final class TokenNominator {
    /*
     * Pieces of the catalog's regexes, written out as Catalog writes them. The no-break and thin spaces between digit
     * groups never occur on the ASCII lines this pass reads, so the rules below are those of the ASCII patterns.
     */
    private static final String NUM_GLUED = "(?:^|[^0-9A-Za-z.-]|[A-Za-z][.-])";
    private static final String NUM = "(?:^|[^0-9A-Za-z_.-])";
    /** A word boundary or an underscore after the value: such a rule's match may end one byte after its value. */
    private static final String NUM_END = "(?:\\b|_)";
    private static final String BLANK = "(?: |\u00A0|\u202F|\u2009|\u2007|\u200A)";
    private static final String DASH_OR_BLANK = "(?:[ -]|\u00A0|\u202F|\u2009|\u2007|\u200A|\u2011)";
    private static final String PHONE_SEP = "(?:[ .-]|\u00A0|\u202F|\u2009|\u2007|\u200A|\u2011)";
    private static final String CARD_DIGITS_16 = "3\\d{13,15}|4\\d{12,15}|5[1-5]\\d{14}|2[2-7]\\d{14}|6\\d{15}";
    private static final String CARD_GROUPED = "[2-6]\\d{3}(?:" + DASH_OR_BLANK + "\\d{4}){2}" + DASH_OR_BLANK
            + "\\d{1,4}(?:" + DASH_OR_BLANK + "\\d{1,3})?|3\\d{3}" + DASH_OR_BLANK + "\\d{6}" + DASH_OR_BLANK
            + "\\d{4,5}";

    /** The catalog regexes the rules are written for, exactly as {@code Catalog} builds them. */
    enum Rule {
        SSN_FORMATTED(NUM_GLUED + "(\\d{3}-\\d{2}-\\d{4}|\\d{3}" + BLANK + "\\d{2}" + BLANK + "\\d{4}|\\d{3}\u2011\\d{2}\u2011\\d{4})"
                + NUM_END),
        /** The one rule whose value does not start a token: it lands on the middle group's token instead. */
        SSN_LETTER("[A-Za-z](\\d{3}-\\d{2}-\\d{4})" + NUM_END),
        SSN_BARE(NUM_GLUED + "(\\d{9})" + NUM_END),
        CARD("(?:^|[^0-9A-Za-z_.-])(3\\d{13,18}|4\\d{12,18}|5[1-5]\\d{14}|2[2-7]\\d{14}|6\\d{15,18}|"
                + CARD_GROUPED + ")\\b"),
        CARD_GLUED("(?:_|[A-Za-z][.-])(3\\d{13,15}|4\\d{12,15}|5[1-5]\\d{14}|2[2-7]\\d{14}|6\\d{15}|"
                + CARD_GROUPED + ")" + NUM_END),
        /**
         * Glued to a word on the left ({@code card4111...}): the value starts inside a token, after a letter; its
         * digit runs are found by the word loop's letter-then-digit bits, and inside tokens it passes over whole.
         */
        CARD_WORD_LEFT("(?:[G-WYZg-wyz]|[^0-9][Xx]|^[Xx])[A-Za-z]{0,30}(" + CARD_DIGITS_16 + "|" + CARD_GROUPED
                + ")(?:\\b|_|[A-Za-z])"),
        /** Glued to a word on the right ({@code 4111...x}): one to four letters after the value are matched. */
        CARD_WORD_RIGHT("(?:^|[^0-9A-Za-z.-]|[A-Za-z][.-])(" + CARD_DIGITS_16 + "|" + CARD_GROUPED
                + ")[A-Fa-f]{0,3}[G-Zg-z]"),
        /** SSN groups joined by underscores (123_45_6789). */
        SSN_UNDERSCORE("(?:^|[^0-9A-Za-z_.-]|[A-Za-z][_.-])(\\d{3}_\\d{2}_\\d{4})" + NUM_END),
        /** Glued on the right only: the value ends where the underscore starts. */
        CARD_RIGHT(NUM + "(3\\d{13,15}|4\\d{12,15}|5[1-5]\\d{14}|2[2-7]\\d{14}|6\\d{15}|" + CARD_GROUPED + ")_"),
        PHONE_PAREN(NUM_GLUED + "(\\(\\d{3}\\)" + PHONE_SEP + "?\\d{3}" + PHONE_SEP + "\\d{4})" + NUM_END),
        PHONE_SEPARATED(NUM_GLUED + "(\\d{3}-\\d{3}-\\d{4}|\\d{3}\\.\\d{3}\\.\\d{4}|\\d{3}\u2011\\d{3}\u2011\\d{4})"
                + NUM_END),
        PHONE_PLUS1("(?:^|[^0-9A-Za-z+])(\\+1" + PHONE_SEP + "?(?:\\(\\d{3}\\)" + BLANK + "?|\\d{3}" + PHONE_SEP
                + "?)\\d{3}" + PHONE_SEP + "?\\d{4})" + NUM_END),
        PHONE_ONE(NUM_GLUED + "(1-\\d{3}-\\d{3}-\\d{4}|1" + BLANK + "\\(\\d{3}\\)" + BLANK + "?\\d{3}" + PHONE_SEP
                + "\\d{4})" + NUM_END),
        PHONE_BARE(NUM_GLUED + "(1?[2-9]\\d{9}|[2-9]\\d{2}" + BLANK + "\\d{3}" + BLANK + "\\d{4})" + NUM_END),
        IPV4("(?:^|[^0-9A-Za-z.])((?:\\d{1,3}\\.){3}\\d{1,3}(?:\\.[0-9A-Za-z]+|-[A-Za-z][0-9A-Za-z]*)*)\\b"),
        IPV6("(?:^|[^0-9A-Za-z:])((?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\\b|(?:[0-9A-Fa-f]{1,4}:){1,6}"
                + "(?::[0-9A-Fa-f]{1,4}){1,6}\\b|::(?:[0-9A-Fa-f]{1,4}:){0,6}[0-9A-Fa-f]{1,4}\\b"
                + "|(?:[0-9A-Fa-f]{1,4}:){1,7}:)"),
        NPI(NUM_GLUED + "([12]\\d{9})" + NUM_END),
        DEA("(?:^|[^0-9A-Za-z_])([ABCDEFGHJKLMPRSTUX][A-Z9]\\d{7})\\b"),
        MBI("(?:^|[^0-9A-Za-z_-])([1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\\d-?[AC-HJKMNP-RT-Y]"
                + "[AC-HJKMNP-RT-Y0-9]\\d-?[AC-HJKMNP-RT-Y]{2}\\d{2})\\b"),
        IBAN("(?:^|[^0-9A-Za-z_])([A-Z]{2}\\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?))\\b"),
        VIN("(?:^|[^0-9A-Za-z_-])([A-HJ-NPR-Z0-9]{17})\\b"),
        /*
         * Its classes are [^<other ASCII>], which also take any non-ASCII character; on the ASCII lines this pass
         * reads they are exactly [A-Za-z0-9._%+-] (local part) and [A-Za-z0-9-] (labels), and the top-level domain
         * that needs a non-ASCII character never matches, so the rule below is the one for the ASCII pattern.
         */
        EMAIL("(?:^|[^A-Za-z0-9._%+-]|[A-Za-z0-9._%+-])"
                + "([^\\x00-\\x24\\x26-\\x2A\\x2C\\x2F\\x3A-\\x40\\x5B-\\x5E\\x60\\x7B-\\x7F]{1,64}@"
                + "[^\\x00-\\x2C\\x2E\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7F]+"
                + "(?:\\.[^\\x00-\\x2C\\x2E\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7F]+)*"
                + "\\.(?:[A-Za-z]{2,24}\\b|[A-Za-z]*[^\\x00-\\x7F][^\\x00-\\x40\\x5B-\\x60\\x7B-\\x7F]*))"),
        /** The same, its ASCII top-level domain followed by an underscore (consumed, outside the value). */
        EMAIL_RIGHT("(?:^|[^A-Za-z0-9._%+-]|[A-Za-z0-9._%+-])"
                + "([^\\x00-\\x24\\x26-\\x2A\\x2C\\x2F\\x3A-\\x40\\x5B-\\x5E\\x60\\x7B-\\x7F]{1,64}@"
                + "[^\\x00-\\x2C\\x2E\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7F]+"
                + "(?:\\.[^\\x00-\\x2C\\x2E\\x2F\\x3A-\\x40\\x5B-\\x60\\x7B-\\x7F]+)*"
                + "\\.[A-Za-z]{2,24})_"),
        ADDRESS("(?:^|[^0-9A-Za-z_.-])(\\d{1,6}[A-Z]? (?:[NSEW]\\.? |(?:North|South|East|West) )?(?:[A-Z][a-z]+|\\d{1,3}"
                + "(?:st|nd|rd|th))(?: [A-Z][a-z]+){0,3} "
                + "(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Drive|Dr|Lane|Ln"
                + "|Court|Ct|Way|Place|Pl|Terrace|Ter|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Square|Sq|Trail|Trl|Pike"
                + "|Loop|Plaza)" + "\\.?"
                + "(?:,? (?:Apt|Suite|Ste|Unit|Fl|Floor|Rm|Room|#)\\.? ?#?[0-9A-Za-z-]{1,6})?"
                + "(?:,? [A-Z][a-z]+(?: [A-Z][a-z]+){0,2},? [A-Z]{2}(?: \\d{5}(?:-\\d{4})?)?)?)\\b");

        final String regex;
        /** The regex may consume an underscore after the value, so a match may end one byte after it. */
        final boolean underscoreEnd;

        Rule(String regex) {
            this.regex = regex;
            this.underscoreEnd = regex.endsWith(NUM_END) || regex.endsWith(")_");
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
    private static final byte AT = 6;
    private static final byte[] CLASS = new byte[256];
    private static final boolean[] ALNUM = new boolean[256];
    private static final boolean[] LETTER = new boolean[256];
    private static final boolean[] UPPER_OR_DIGIT = new boolean[256];
    private static final boolean[] HEX = new boolean[256];
    /** What the IPv4 pattern's value can hold: its trailing {@code (?:\.[0-9A-Za-z]+|-[A-Za-z][0-9A-Za-z]*)*}. */
    private static final boolean[] IPV4_TAIL = new boolean[256];
    /** The e-mail pattern's local-part bytes ({@code [A-Za-z0-9._%+-]}) and domain bytes ({@code [A-Za-z0-9.-]}). */
    private static final boolean[] EMAIL_LOCAL = new boolean[256];
    private static final boolean[] EMAIL_DOMAIN = new boolean[256];

    static {
        for (Rule r : RULES) {
            BY_REGEX.put(r.regex, r);
        }
        for (int b = 0; b < 256; b++) {
            boolean digit = b >= '0' && b <= '9';
            boolean upper = b >= 'A' && b <= 'Z';
            boolean lower = b >= 'a' && b <= 'z';
            ALNUM[b] = digit || upper || lower;
            LETTER[b] = upper || lower;
            UPPER_OR_DIGIT[b] = digit || upper;
            HEX[b] = digit || (b >= 'A' && b <= 'F') || (b >= 'a' && b <= 'f');
            IPV4_TAIL[b] = ALNUM[b] || b == '.' || b == '-';
            EMAIL_LOCAL[b] = ALNUM[b] || b == '.' || b == '_' || b == '%' || b == '+' || b == '-';
            EMAIL_DOMAIN[b] = IPV4_TAIL[b];
            CLASS[b] = digit ? DIGIT : upper ? UPPER : b == '(' ? LPAREN : b == '+' ? PLUS : b == ':' ? COLON : b == '@' ? AT
                    : OTHER; // ')' and '*' fall in the word test's '(' to '+' range and are passed over
        }
    }

    /**
     * The high bit of each byte of {@code word} (eight ASCII bytes, the first at the lowest address) that a rule reads:
     * a digit or upper-case letter that starts a token (no letter or digit before it; {@code afterAlnum} says whether
     * the byte before the word is one), a digit right after a letter (a card glued to a word; {@code afterLetter}: the
     * byte before the word is a letter), a colon, or one of {@code ( ) * +}. No carry crosses a byte because every byte
     * is below 0x80. (Leaving out colons with no hex digit next to them cost more mask arithmetic than it saved:
     * measured.)
     */
    static long interesting(long word, boolean afterAlnum, boolean afterLetter) {
        long digit = between(word, '0', '9') & HIGHS;
        long digitOrUpper = digit | between(word, 'A', 'Z');
        long alnum = (digitOrUpper | between(word, 'a', 'z')) & HIGHS;
        long prevAlnum = (alnum << 8) | (afterAlnum ? 0x80L : 0L);
        long prevLetter = ((alnum & ~digit) << 8) | (afterLetter ? 0x80L : 0L);
        return ((digitOrUpper & ~prevAlnum) | (digit & prevLetter) | between(word, ':', ':') | between(word, '(', '+')
                | between(word, '@', '@')) & HIGHS;
    }

    private static long between(long word, int lo, int hi) {
        return (word + (0x80 - lo) * ONES) & ~(word + (0x7F - hi) * ONES);
    }

    /*
     * Run ends, eight bytes at a time: a token's run length is what a landing reads most, and a byte loop there
     * mispredicts its exit once per run. These take any bytes: each is masked to seven bits (so no carry crosses a
     * byte), and bytes >= 0x80 are then left out of the class.
     */

    /** High bit of each byte of {@code word} that is an ASCII digit. */
    static long digitBits(long word) {
        return between(word & ~HIGHS, '0', '9') & ~word & HIGHS;
    }

    /** High bit of each byte of {@code word} that is an ASCII digit or upper-case letter. */
    static long upperOrDigitBits(long word) {
        long a = word & ~HIGHS;
        return (between(a, '0', '9') | between(a, 'A', 'Z')) & ~word & HIGHS;
    }

    /** High bit of each byte of {@code word} that is an ASCII letter or digit. */
    static long alnumBits(long word) {
        long a = word & ~HIGHS;
        return (between(a, '0', '9') | between(a, 'A', 'Z') | between(a, 'a', 'z')) & ~word & HIGHS;
    }

    /**
     * Bit k: some rule reads a digit run of length k that ends its token whatever byte follows it (9-11, 13-19).
     * Shorter runs are read only before a blank, a dash or a dot (lengths 1-4 separated values; 1-3 an IPv4
     * octet; 1-6 a house number).
     */
    private static final long LONG_RUNS = 1L << 9 | 1L << 10 | 1L << 11 | 0x7FL << 13;

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

        /**
         * Adds to {@code out} the covered patterns that may match {@code buf[off, off+len)}, with end ranges, and
         * returns true; or, when the line holds a byte >= 0x80 (which the Hyperscan engine sends to the portable
         * engine), adds nothing and returns false. Checking that here, in the eight-byte loop, saves the engine a
         * separate pass over the line.
         */
        boolean candidates(byte[] buf, int off, int len, PatternSet out) {
            start = off;
            end = off + len;
            ipv6Done = off;
            boolean ascii;
            if (len >= 8) {
                ascii = words(buf);
            } else {
                ascii = true;
                for (int i = off; i < end; i++) {
                    ascii &= buf[i] >= 0;
                }
                for (int i = off; i < end && ascii; ) {
                    byte c = CLASS[buf[i] & 0xff];
                    if (c == OTHER) {
                        i++;
                    } else if ((c == DIGIT || c == UPPER) && i > start && ALNUM[buf[i - 1] & 0xff]) {
                        i = skipAlnum(buf, i + 1); // inside a token: no value starts here
                    } else {
                        i = visit(buf, i);
                    }
                }
            }
            if (!ascii) {
                touched = 0;
                return false;
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
            return true;
        }

        /**
         * Eight bytes at a time to the next byte a rule reads (most log bytes are lower-case letters, blanks and
         * punctuation, or letters and digits inside a token, which no rule reads); the last word overlaps the one
         * before it so that no byte is read outside the line. Returns false at the first word holding a byte >= 0x80.
         * Every byte of the line is either in a word tested here or was passed over by a rule, and rules pass over
         * ASCII letters, digits and separators only, so true means the line is ASCII.
         */
        private boolean words(byte[] buf) {
            int next = start; // bytes before this are read (a rule may read on past its landing byte)
            int lastWord = end - 8;
            int w = start;
            while (true) {
                long word = (long) LONGS.get(buf, w);
                if ((word & HIGHS) != 0) {
                    return false;
                }
                long m = interesting(word, w > start && ALNUM[buf[w - 1] & 0xff],
                        w > start && LETTER[buf[w - 1] & 0xff]);
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
                    return true;
                }
                w = Math.min(Math.max(w + 8, next), lastWord);
                if (next >= end) {
                    return true;
                }
            }
        }

        /**
         * Reads the byte at i (a digit or upper-case letter that starts a token, a colon, or one of ( ) * +); returns
         * where to go on.
         */
        private int visit(byte[] buf, int i) {
            byte c = CLASS[buf[i] & 0xff];
            if (c == DIGIT) {
                return i > start && LETTER[buf[i - 1] & 0xff] ? afterLetter(buf, i) : digitToken(buf, i);
            }
            if (c == UPPER) {
                return upperToken(buf, i);
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
            } else if (c == AT) {
                email(buf, i);
            }
            return i + 1;
        }

        /** A match of {@code rule} may end anywhere in [from, to] (absolute offsets); beyond the line it cannot. */
        private void add(Rule rule, int from, int to) {
            if (from > end) {
                return;
            }
            int r = rule.ordinal();
            int t = Math.min(rule.underscoreEnd ? to + 1 : to, end);
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

        /** The first offset at or after i (i <= end) that is not an ASCII letter or digit, or end. */
        private int skipAlnum(byte[] buf, int i) {
            for (; i + 8 <= end; i += 8) {
                long miss = ~alnumBits((long) LONGS.get(buf, i)) & HIGHS;
                if (miss != 0) {
                    return i + (Long.numberOfTrailingZeros(miss) >>> 3);
                }
            }
            if (i == end) {
                return i;
            }
            if (end >= 8) { // the last eight bytes, shifted so i is the lowest; the zero bytes shifted in stop the run
                long w = (long) LONGS.get(buf, end - 8) >>> ((i + 8 - end) << 3);
                return i + (Long.numberOfTrailingZeros(~alnumBits(w) & HIGHS) >>> 3);
            }
            while (i < end && ALNUM[buf[i] & 0xff]) {
                i++;
            }
            return i;
        }

        /** The first offset at or after i (i <= end) that is not an ASCII digit, or end. */
        private int skipDigits(byte[] buf, int i) {
            for (; i + 8 <= end; i += 8) {
                long miss = ~digitBits((long) LONGS.get(buf, i)) & HIGHS;
                if (miss != 0) {
                    return i + (Long.numberOfTrailingZeros(miss) >>> 3);
                }
            }
            if (i == end) {
                return i;
            }
            if (end >= 8) {
                long w = (long) LONGS.get(buf, end - 8) >>> ((i + 8 - end) << 3);
                return i + (Long.numberOfTrailingZeros(~digitBits(w) & HIGHS) >>> 3);
            }
            while (i < end && buf[i] >= '0' && buf[i] <= '9') {
                i++;
            }
            return i;
        }

        /** The first offset at or after i (i <= end) that is not an ASCII digit or upper-case letter, or end. */
        private int skipUpperOrDigits(byte[] buf, int i) {
            for (; i + 8 <= end; i += 8) {
                long miss = ~upperOrDigitBits((long) LONGS.get(buf, i)) & HIGHS;
                if (miss != 0) {
                    return i + (Long.numberOfTrailingZeros(miss) >>> 3);
                }
            }
            if (i == end) {
                return i;
            }
            if (end >= 8) {
                long w = (long) LONGS.get(buf, end - 8) >>> ((i + 8 - end) << 3);
                return i + (Long.numberOfTrailingZeros(~upperOrDigitBits(w) & HIGHS) >>> 3);
            }
            while (i < end && UPPER_OR_DIGIT[buf[i] & 0xff]) {
                i++;
            }
            return i;
        }

        /** A token starting with an upper-case letter at s: DEA, IBAN, VIN. Returns the token's end. */
        private int upperToken(byte[] buf, int s) {
            int u = skipUpperOrDigits(buf, s + 1);
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
            gluedInside(buf, s + 1, e);
            return e;
        }

        /**
         * A digit run at i right after a letter: a card glued to the word before it, 13-16 digits of a card's shape
         * ending the run, or a card's first group of four before a blank or dash. Its match ends at the value's end or
         * one byte later (an underscore or letter). Returns the run's end.
         */
        private int afterLetter(byte[] buf, int i) {
            int j = skipDigits(buf, i + 1);
            int k = j - i;
            if (k >= 13 && card16(buf[i], buf[i + 1], k)) {
                add(Rule.CARD_WORD_LEFT, j, j + 1);
            } else if (k == 4 && (at(buf, j) == ' ' || at(buf, j) == '-') && buf[i] >= '2' && buf[i] <= '6'
                    && digits(buf, j + 1, 4)) {
                add(Rule.CARD_WORD_LEFT, i + 16, i + 24); // a grouped value is 16-23 bytes
            }
            return j;
        }

        /** The digit runs right after a letter inside [from, e), a token the word loop passes over whole. */
        private void gluedInside(byte[] buf, int from, int e) {
            for (int p = from; p + 4 <= e; p++) {
                if (buf[p] >= '0' && buf[p] <= '9' && LETTER[buf[p - 1] & 0xff]) {
                    p = afterLetter(buf, p);
                }
            }
        }

        /** A token starting with a digit at s: the digit-run patterns, MBI, VIN. Returns the token's end. */
        private int digitToken(byte[] buf, int s) {
            int j = skipDigits(buf, s + 1);
            int k = j - s;
            int next = at(buf, j);
            if (next >= 0 && ALNUM[next]) {
                return digitsThenAlnum(buf, s, j, next);
            }
            if (k <= 6 ? next == ' ' || next == '-' || next == '.' || next == '_'
                    : ((LONG_RUNS >>> Math.min(k, 63)) & 1) != 0) {
                digitRun(buf, s, j, next);
            }
            // else the common case: a time, a port, a latency; no rule wants a run this long
            return j;
        }

        /*
         * The rarer cases of digitToken, in methods of their own so that the common path above stays small enough
         * for the JIT to inline it into the eight-byte loop.
         */

        /** A digit run s..j followed by a letter or digit: only MBI ([1-9][A-Z]...) and VIN (17 upper-case/digits). */
        private int digitsThenAlnum(byte[] buf, int s, int j, int next) {
            if (j - s <= 6 && next >= 'A' && next <= 'Z' && at(buf, j + 1) == ' ') {
                address(buf, s, j + 2); // \d{1,6}[A-Z]? then a blank
            }
            if (j - s == 1 && buf[s] != '0' && next >= 'A' && next <= 'Z' && at(buf, s + 3) >= '0'
                    && at(buf, s + 3) <= '9') {
                add(Rule.MBI, s + 11, s + 13);
            }
            if (LETTER[next] && card16(buf[s], buf[s + 1], j - s)) {
                add(Rule.CARD_WORD_RIGHT, j + 1, j + 4); // then [A-Fa-f]{0,3}[G-Zg-z]
            }
            int e = skipAlnum(buf, j + 1);
            if (e - s == 17 && upperOrDigits(buf, j, e - j)) {
                add(Rule.VIN, e, e);
            }
            gluedInside(buf, j + 1, e);
            return e;
        }

        /** A digit run s..j that ends its token: 9-11 or 13-19 digits, or up to 6 before a blank, dash or dot. */
        private void digitRun(byte[] buf, int s, int j, int next) {
            int k = j - s;
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
                    if (next == '_' && digits(buf, s + 4, 2) && at(buf, s + 6) == '_' && digits(buf, s + 7, 4)) {
                        add(Rule.SSN_UNDERSCORE, s + 11, s + 11); // \d{3}_\d{2}_\d{4}
                    }
                }
                case 2 -> {
                    // [A-Za-z]\d{3}-\d{2}-\d{4}: this is the middle group; the letter and first group come before it
                    if (next == '-' && s - 5 >= start && buf[s - 1] == '-' && digits(buf, s - 4, 3)
                            && LETTER[buf[s - 5] & 0xff] && digits(buf, s + 3, 4)) {
                        add(Rule.SSN_LETTER, s + 7, s + 7);
                    }
                }
                case 4 -> {
                    // [2-6]\d{3}(?:[ -]\d{4}){2}[ -]\d{1,4}(?:[ -]\d{1,3})? (16-23 bytes) or 3\d{3}[ -]\d{6}[ -]\d{4,5}
                    if ((next == ' ' || next == '-') && buf[s] >= '2' && buf[s] <= '6' && digits(buf, s + 5, 4)) {
                        add(Rule.CARD, s + 16, s + 23);
                        add(Rule.CARD_WORD_RIGHT, s + 17, s + 27); // the value, then one to four letters
                        if (glued(buf, s)) {
                            add(Rule.CARD_GLUED, s + 16, s + 23);
                        }
                        if (underscoreIn(buf, s + 16, s + 24)) {
                            add(Rule.CARD_RIGHT, s + 16, s + 23);
                        }
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
                if (card16(buf[s], buf[s + 1], k)) {
                    if (glued(buf, s)) {
                        add(Rule.CARD_GLUED, j, j);
                    }
                    if (next == '_') {
                        add(Rule.CARD_RIGHT, j, j);
                    }
                }
            }
            if (k <= 3 && next == '.') {
                ipv4(buf, s, j);
            }
            if (k <= 6 && next == ' ') {
                address(buf, s, j + 1);
            }
        }

        /**
         * {@code [A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b} (the e-mail pattern
         * on ASCII text; its left group takes the line start or any character, so nothing further left is read)
         * around the {@code @} at
         * a: a local-part byte before it, a domain byte after it; the match ends at least 5 bytes after the
         * {@code @} ({@code @a.bc}) and within the run of domain bytes ({@code [A-Za-z0-9.-]}) that follows it.
         */
        private void email(byte[] buf, int a) {
            if (a == start || !EMAIL_LOCAL[buf[a - 1] & 0xff]) {
                return;
            }
            int d = a + 1;
            while (d < end && EMAIL_DOMAIN[buf[d] & 0xff]) {
                d++;
            }
            if (d > a + 1 && buf[a + 1] != '.') {
                add(Rule.EMAIL, a + 5, d);
                if (at(buf, d) == '_') {
                    add(Rule.EMAIL_RIGHT, d, d); // the underscore right after the domain run; the rule adds it
                }
            }
        }

        /**
         * A street address's number (\d{1,6}[A-Z]?, the whole digit run, since a digit cannot follow it) starts at s
         * and a blank ends it at p - 1; what follows the blank must start {@code [NSEW]\.? }, {@code North }...,
         * {@code [A-Z][a-z]+} or {@code \d{1,3}(?:st|nd|rd|th)}. Such a match is at least 7 bytes ({@code 1 Ab St});
         * its end is unbounded ({@code [a-z]+}).
         */
        private void address(byte[] buf, int s, int p) {
            int c = at(buf, p);
            boolean may;
            if (c >= 'A' && c <= 'Z') {
                int c1 = at(buf, p + 1);
                may = c1 >= 'a' && c1 <= 'z' || (c1 == '.' || c1 == ' ') && (c == 'N' || c == 'S' || c == 'E' || c == 'W');
            } else if (c >= '0' && c <= '9') {
                int q = skipDigits(buf, p + 1);
                int c1 = at(buf, q);
                may = q - p <= 3 && (c1 == 's' || c1 == 'n' || c1 == 'r' || c1 == 't');
            } else {
                may = false;
            }
            if (may) {
                add(Rule.ADDRESS, s + 7, end);
            }
        }

        /** An underscore in [from, to), within the line: where a grouped card glued on the right may end. */
        private boolean underscoreIn(byte[] buf, int from, int to) {
            for (int i = from; i < to && i < end; i++) {
                if (buf[i] == '_') {
                    return true;
                }
            }
            return false;
        }

        /** (?:_|[A-Za-z][.-]) right before s (the token starting at s), within the line. */
        private boolean glued(byte[] buf, int s) {
            return s > start && (buf[s - 1] == '_'
                    || (buf[s - 1] == '-' || buf[s - 1] == '.') && s - 2 >= start && LETTER[buf[s - 2] & 0xff]);
        }

        /** 3\d{13,15}|4\d{12,15}|5[1-5]\d{14}|2[2-7]\d{14}|6\d{15}: the card shapes of 13-16 digits. */
        private static boolean card16(byte first, byte second, int k) {
            return k >= 13 && k <= 16 && (first != '6' || k == 16) && cardDigits(first, second, k);
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
            colonRun(buf, i);
            return i + 1;
        }

        /** The hex-and-colon run whose first colon is at i (a time of day, usually): "::" or seven colons in it? */
        private void colonRun(byte[] buf, int i) {
            int colons = 0;
            boolean pair = false; // a colon right after another one, both in the run from i
            int j = i;
            long carry = 0; // 0x80 when the byte before j, in the run from i, is a colon
            while (j + 8 <= end) { // eight bytes at a time: the colons of the run counted from a mask
                long w = (long) LONGS.get(buf, j);
                long a = w & ~HIGHS;
                long colon = between(a, ':', ':') & ~w & HIGHS;
                long hex = (between(a, '0', '9') | between(a, 'A', 'F') | between(a, 'a', 'f')) & ~w & HIGHS;
                long miss = ~(colon | hex) & HIGHS;
                long c = miss == 0 ? colon : colon & (Long.lowestOneBit(miss) - 1);
                colons += Long.bitCount(c);
                pair |= (c & ((c << 8) | carry)) != 0;
                if (miss != 0) {
                    j += Long.numberOfTrailingZeros(miss) >>> 3;
                    carry = -1; // the run ended
                    break;
                }
                carry = (c >>> 56) & 0x80L;
                j += 8;
            }
            if (carry != -1) {
                boolean prevColon = carry != 0;
                while (j < end && (HEX[buf[j] & 0xff] || buf[j] == ':')) {
                    boolean isColon = buf[j] == ':';
                    if (isColon) {
                        colons++;
                        pair |= prevColon;
                    }
                    prevColon = isColon;
                    j++;
                }
            }
            ipv6Done = j;
            if (pair || colons >= 7) {
                int rs = i; // where the run starts: the value's earliest start
                while (rs > start && HEX[buf[rs - 1] & 0xff]) {
                    rs--;
                }
                add(Rule.IPV6, rs + 3, j);
            }
        }
    }
}
