package io.redactd.detectors.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Parses an RE2-syntax regex into a byte-level approximation that matches a superset of what RE2/J matches on the
 * same UTF-8 bytes. It feeds the portable engine's prefilter, so a wider language only costs a needless RE2/J run,
 * while a narrower one would lose a detection: every simplification widens. Anchors and word boundaries become empty;
 * a non-ASCII literal, and a class with a few non-ASCII members ({@code [０-９]}), become their exact UTF-8 bytes; any
 * other non-ASCII character becomes "a byte >= 0x80 followed by continuation bytes"; large counted repetitions become
 * open-ended. Syntax it does not know raises {@link Unsupported}; that pattern is then run on every line.
 */
final class ByteRegex {

    /** A node of the approximated regex. */
    sealed interface Node permits Bytes, Cat, Alt, Repeat, Begin, NonAscii {
    }

    /** Any non-ASCII character, or a stray invalid byte (RE2/J reads it as U+FFFD): lead byte + continuations. */
    record NonAscii() implements Node {
    }

    /** {@code ^} (without multi-line mode) or {@code \A}: only at the start of the line. */
    record Begin() implements Node {
    }

    /** One byte from a set (256 bits). */
    record Bytes(long[] set) implements Node {
    }

    record Cat(List<Node> items) implements Node {
    }

    record Alt(List<Node> branches) implements Node {
    }

    /** {@code max < 0} means unbounded. */
    record Repeat(Node node, int min, int max) implements Node {
    }

    static final class Unsupported extends Exception {
        Unsupported(String message) {
            super(message);
        }
    }

    static final Node EMPTY = new Cat(List.of());

    private final String re;
    private int pos;
    private final Deque<Boolean> caseless = new ArrayDeque<>();
    private boolean multiline;

    private ByteRegex(String re) {
        this.re = re;
    }

    static Node parse(String regex) throws Unsupported {
        ByteRegex p = new ByteRegex(regex);
        p.caseless.push(false);
        Node n = p.alternation();
        if (p.pos != regex.length()) {
            throw new Unsupported("unbalanced ')' at offset " + p.pos);
        }
        return n;
    }

    private Node alternation() throws Unsupported {
        List<Node> branches = new ArrayList<>();
        branches.add(concatenation());
        while (pos < re.length() && re.charAt(pos) == '|') {
            pos++;
            branches.add(concatenation());
        }
        return branches.size() == 1 ? branches.get(0) : new Alt(branches);
    }

    private Node concatenation() throws Unsupported {
        List<Node> items = new ArrayList<>();
        while (pos < re.length() && re.charAt(pos) != '|' && re.charAt(pos) != ')') {
            Node atom = atom();
            if (atom != null) {
                items.add(quantified(atom));
            }
        }
        return items.size() == 1 ? items.get(0) : new Cat(items);
    }

    private Node quantified(Node atom) throws Unsupported {
        Node n = atom;
        while (pos < re.length()) {
            char c = re.charAt(pos);
            int min;
            int max;
            if (c == '*') {
                min = 0;
                max = -1;
                pos++;
            } else if (c == '+') {
                min = 1;
                max = -1;
                pos++;
            } else if (c == '?') {
                min = 0;
                max = 1;
                pos++;
            } else if (c == '{') {
                int close = re.indexOf('}', pos);
                String body = close < 0 ? "" : re.substring(pos + 1, close);
                if (!body.matches("\\d+(,\\d*)?")) {
                    break; // RE2 reads a '{' that is no repetition as a literal
                }
                int comma = body.indexOf(',');
                if (comma < 0) {
                    min = max = Integer.parseInt(body);
                } else {
                    min = Integer.parseInt(body.substring(0, comma));
                    max = comma == body.length() - 1 ? -1 : Integer.parseInt(body.substring(comma + 1));
                }
                pos = close + 1;
            } else {
                break;
            }
            if (pos < re.length() && re.charAt(pos) == '?') {
                pos++; // non-greedy: same language
            }
            n = new Repeat(n, min, max);
        }
        return n;
    }

    private Node atom() throws Unsupported {
        char c = re.charAt(pos);
        switch (c) {
            case '(':
                return group();
            case '[':
                return charClass();
            case '.':
                pos++;
                return anyChar();
            case '^':
                pos++;
                return multiline ? EMPTY : new Begin();
            case '$':
                pos++;
                return EMPTY;
            case '\\':
                return escape();
            default:
                int cp = re.codePointAt(pos);
                pos += Character.charCount(cp);
                return literal(cp);
        }
    }

    private Node group() throws Unsupported {
        pos++;
        boolean ci = caseless.peek();
        if (re.startsWith("?", pos)) {
            pos++;
            if (re.startsWith("P<", pos) || re.startsWith("<", pos)) {
                int close = re.indexOf('>', pos);
                if (close < 0) {
                    throw new Unsupported("unterminated group name");
                }
                pos = close + 1;
            } else {
                // (?flags) or (?flags:...)
                boolean on = true;
                boolean newCi = ci;
                while (pos < re.length() && re.charAt(pos) != ')' && re.charAt(pos) != ':') {
                    char f = re.charAt(pos++);
                    if (f == '-') {
                        on = false;
                    } else if (f == 'i') {
                        newCi = on;
                    } else if (f == 'm') {
                        multiline |= on; // from here on '^' may follow a newline: treat it as empty (wider)
                    } else if (f != 's' && f != 'U') {
                        throw new Unsupported("unknown group flag '" + f + "'");
                    }
                }
                if (pos >= re.length()) {
                    throw new Unsupported("unterminated group");
                }
                if (re.charAt(pos) == ')') {
                    pos++;
                    caseless.pop();
                    caseless.push(newCi); // applies to the rest of the enclosing group
                    return null;
                }
                pos++; // ':'
                ci = newCi;
            }
        }
        caseless.push(ci);
        Node inner = alternation();
        caseless.pop();
        if (pos >= re.length() || re.charAt(pos) != ')') {
            throw new Unsupported("missing ')'");
        }
        pos++;
        return inner;
    }

    private Node escape() throws Unsupported {
        if (pos + 1 >= re.length()) {
            throw new Unsupported("trailing backslash");
        }
        char e = re.charAt(pos + 1);
        pos += 2;
        switch (e) {
            case 'A':
                return new Begin();
            case 'b', 'B', 'z':
                return EMPTY;
            case 'd', 'D', 'w', 'W', 's', 'S':
                return classNode(perlClass(e), Character.isUpperCase(e));
            case 'p', 'P':
                skipUnicodeClassName();
                return anyChar();
            case 'C':
                return anyChar();
            case 'Q': {
                int end = re.indexOf("\\E", pos);
                String lit = end < 0 ? re.substring(pos) : re.substring(pos, end);
                pos = end < 0 ? re.length() : end + 2;
                List<Node> items = new ArrayList<>();
                lit.codePoints().forEach(cp -> items.add(literal(cp)));
                return new Cat(items);
            }
            default:
                pos -= 2;
                return literal(escapedChar());
        }
    }

    private void skipUnicodeClassName() {
        if (pos < re.length() && re.charAt(pos) == '{') {
            int close = re.indexOf('}', pos);
            pos = close < 0 ? re.length() : close + 1;
        } else {
            pos++;
        }
    }

    /** Reads an escape denoting one character, at {@code pos} (pointing at the backslash). */
    private int escapedChar() throws Unsupported {
        char e = re.charAt(pos + 1);
        pos += 2;
        switch (e) {
            case 'n':
                return '\n';
            case 't':
                return '\t';
            case 'r':
                return '\r';
            case 'f':
                return '\f';
            case 'v':
                return 0x0B;
            case 'a':
                return 0x07;
            case 'x': {
                if (pos < re.length() && re.charAt(pos) == '{') {
                    int close = re.indexOf('}', pos);
                    if (close < 0) {
                        throw new Unsupported("bad \\x{...}");
                    }
                    int cp = Integer.parseInt(re.substring(pos + 1, close), 16);
                    pos = close + 1;
                    return cp;
                }
                if (pos + 2 > re.length()) {
                    throw new Unsupported("bad \\x");
                }
                int cp = Integer.parseInt(re.substring(pos, pos + 2), 16);
                pos += 2;
                return cp;
            }
            default:
                if (e >= '0' && e <= '7') {
                    int v = e - '0';
                    for (int k = 0; k < 2 && pos < re.length() && re.charAt(pos) >= '0' && re.charAt(pos) <= '7'; k++) {
                        v = v * 8 + (re.charAt(pos++) - '0');
                    }
                    return v;
                }
                if (Character.isLetterOrDigit(e)) {
                    throw new Unsupported("unknown escape \\" + e);
                }
                return e;
        }
    }

    private Node charClass() throws Unsupported {
        pos++;
        boolean negated = false;
        if (pos < re.length() && re.charAt(pos) == '^') {
            negated = true;
            pos++;
        }
        long[] set = new long[4];
        boolean nonAscii = false;
        List<int[]> nonAsciiRanges = new ArrayList<>(); // explicit members >= U+0080, as {lo, hi}
        boolean first = true;
        while (true) {
            if (pos >= re.length()) {
                throw new Unsupported("missing ']'");
            }
            char c = re.charAt(pos);
            if (c == ']' && !first) {
                pos++;
                break;
            }
            first = false;
            if (c == '[' && re.startsWith("[:", pos)) {
                int close = re.indexOf(":]", pos);
                if (close < 0) {
                    throw new Unsupported("bad POSIX class");
                }
                String name = re.substring(pos + 2, close);
                pos = close + 2;
                long[] posix = posixClass(name.startsWith("^") ? name.substring(1) : name);
                if (name.startsWith("^")) {
                    posix = complementAscii(posix);
                    nonAscii = true;
                }
                or(set, posix);
                continue;
            }
            int lo;
            if (c == '\\') {
                char e = pos + 1 < re.length() ? re.charAt(pos + 1) : 0;
                if ("dDwWsS".indexOf(e) >= 0) {
                    pos += 2;
                    long[] perl = perlClass(e);
                    if (Character.isUpperCase(e)) {
                        perl = complementAscii(perl);
                        nonAscii = true;
                    }
                    or(set, perl);
                    continue;
                }
                if (e == 'p' || e == 'P') {
                    pos += 2;
                    skipUnicodeClassName();
                    addRange(set, 0, 127);
                    nonAscii = true;
                    continue;
                }
                lo = escapedChar();
            } else {
                lo = re.codePointAt(pos);
                pos += Character.charCount(lo);
            }
            int hi = lo;
            if (pos + 1 < re.length() && re.charAt(pos) == '-' && re.charAt(pos + 1) != ']') {
                pos++;
                if (re.charAt(pos) == '\\') {
                    hi = escapedChar();
                } else {
                    hi = re.codePointAt(pos);
                    pos += Character.charCount(hi);
                }
            }
            if (lo < 128) {
                addRange(set, lo, Math.min(hi, 127));
            }
            if (hi >= 128) {
                nonAsciiRanges.add(new int[] {Math.max(lo, 128), hi});
            }
        }
        if (caseless.peek()) {
            foldCase(set);
            if (contains(set, 'k') || contains(set, 's')) {
                nonAscii = true; // RE2 folds k to U+212A and s to U+017F
            }
            nonAscii |= !nonAsciiRanges.isEmpty(); // non-ASCII case folding is not modelled: any character
        }
        if (negated) {
            set = complementAscii(set);
            nonAscii = true;
        }
        if (!nonAscii && !nonAsciiRanges.isEmpty()) {
            Node exact = exactNonAscii(nonAsciiRanges);
            if (exact == null) {
                return classNode(set, true);
            }
            boolean anyAscii = (set[0] | set[1]) != 0;
            return anyAscii ? new Alt(List.of(new Bytes(set), exact)) : exact;
        }
        return classNode(set, nonAscii);
    }

    /** Classes with at most this many non-ASCII members are matched exactly; larger ones as any non-ASCII character. */
    private static final int MAX_EXACT_NON_ASCII = 256;

    /**
     * The UTF-8 byte sequences of the code points in {@code ranges} (all >= U+0080), as an alternation grouped by
     * everything but the last byte: {@code [０-９]} becomes EF BC [90-99]. Null when there are too many members (the
     * caller then takes any non-ASCII character, a superset). Surrogates are not characters and match nothing.
     */
    private static Node exactNonAscii(List<int[]> ranges) {
        long members = 0;
        for (int[] r : ranges) {
            members += (long) r[1] - r[0] + 1;
        }
        if (members > MAX_EXACT_NON_ASCII) {
            return null;
        }
        java.util.Map<String, long[]> lastByPrefix = new java.util.LinkedHashMap<>();
        for (int[] r : ranges) {
            for (int cp = r[0]; cp <= r[1]; cp++) {
                if (cp >= 0xD800 && cp <= 0xDFFF || cp > Character.MAX_CODE_POINT) {
                    continue;
                }
                byte[] utf8 = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                String prefix = new String(utf8, 0, utf8.length - 1, java.nio.charset.StandardCharsets.ISO_8859_1);
                addRange(lastByPrefix.computeIfAbsent(prefix, k -> new long[4]), utf8[utf8.length - 1] & 0xff,
                        utf8[utf8.length - 1] & 0xff);
            }
        }
        List<Node> branches = new ArrayList<>();
        for (java.util.Map.Entry<String, long[]> e : lastByPrefix.entrySet()) {
            List<Node> items = new ArrayList<>();
            for (char c : e.getKey().toCharArray()) {
                long[] b = new long[4];
                addRange(b, c, c);
                items.add(new Bytes(b));
            }
            items.add(new Bytes(e.getValue()));
            branches.add(new Cat(items));
        }
        if (branches.isEmpty()) {
            return new Bytes(new long[4]); // matches nothing
        }
        return branches.size() == 1 ? branches.get(0) : new Alt(branches);
    }

    /**
     * Whether the approximation matches some text made of ASCII bytes only. When it does not, neither does the
     * pattern (the approximation is a superset), so an engine that only ever sees ASCII lines can leave it out.
     */
    static boolean matchesAscii(Node node) {
        if (node instanceof Bytes b) {
            return (b.set()[0] | b.set()[1]) != 0;
        }
        if (node instanceof NonAscii) {
            return false;
        }
        if (node instanceof Begin) {
            return true;
        }
        if (node instanceof Cat c) {
            return c.items().stream().allMatch(ByteRegex::matchesAscii);
        }
        if (node instanceof Alt a) {
            return a.branches().stream().anyMatch(ByteRegex::matchesAscii);
        }
        Repeat r = (Repeat) node;
        return r.min() == 0 || matchesAscii(r.node());
    }

    private Node literal(int cp) {
        if (cp >= 128) {
            if (caseless.peek()) {
                return nonAsciiChar();
            }
            byte[] utf8 = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            List<Node> items = new ArrayList<>();
            for (byte b : utf8) {
                long[] s = new long[4];
                addRange(s, b & 0xff, b & 0xff);
                items.add(new Bytes(s));
            }
            return new Cat(items);
        }
        long[] set = new long[4];
        addRange(set, cp, cp);
        boolean nonAscii = false;
        if (caseless.peek()) {
            foldCase(set);
            nonAscii = cp == 'k' || cp == 'K' || cp == 's' || cp == 'S';
        }
        return classNode(set, nonAscii);
    }

    private static Node anyChar() {
        long[] ascii = new long[4];
        addRange(ascii, 0, 127);
        return classNode(ascii, true);
    }

    private static Node classNode(long[] asciiSet, boolean nonAscii) {
        if (!nonAscii) {
            return new Bytes(asciiSet);
        }
        return new Alt(List.of(new Bytes(asciiSet), nonAsciiChar()));
    }

    private static Node nonAsciiChar() {
        return new NonAscii();
    }

    /** Lead byte, then any continuation bytes: how {@link NonAscii} is matched. */
    static Node nonAsciiBytes() {
        long[] lead = new long[4];
        addRange(lead, 0x80, 0xFF);
        long[] cont = new long[4];
        addRange(cont, 0x80, 0xBF);
        return new Cat(List.of(new Bytes(lead), new Repeat(new Bytes(cont), 0, -1)));
    }

    /**
     * The approximation read right to left: matches the reversed bytes of everything the original approximation
     * matches. {@code ^} becomes empty (wider). Used to scan backwards for where a match can start.
     */
    static Node reverse(Node node) {
        if (node instanceof Bytes) {
            return node;
        }
        if (node instanceof NonAscii) {
            Cat forward = (Cat) nonAsciiBytes();
            return new Cat(List.of(forward.items().get(1), forward.items().get(0)));
        }
        if (node instanceof Begin) {
            return EMPTY;
        }
        if (node instanceof Cat c) {
            List<Node> items = new ArrayList<>();
            for (int i = c.items().size() - 1; i >= 0; i--) {
                items.add(reverse(c.items().get(i)));
            }
            return new Cat(items);
        }
        if (node instanceof Alt a) {
            return new Alt(a.branches().stream().map(ByteRegex::reverse).toList());
        }
        Repeat r = (Repeat) node;
        return new Repeat(reverse(r.node()), r.min(), r.max());
    }

    /**
     * The most bytes a match of the original regex can span (repetition bounds are exact here, a character is at
     * most 4 bytes), or -1 when unbounded or over 4096.
     */
    static int maxLength(Node node) {
        long n = maxLen(node);
        return n > 4096 ? -1 : (int) n;
    }

    private static long maxLen(Node node) {
        final long inf = Long.MAX_VALUE / 4;
        if (node instanceof Bytes) {
            return 1;
        }
        if (node instanceof NonAscii) {
            return 4;
        }
        if (node instanceof Begin) {
            return 0;
        }
        if (node instanceof Cat c) {
            long sum = 0;
            for (Node i : c.items()) {
                sum = Math.min(inf, sum + maxLen(i)); // both terms <= inf: no overflow
            }
            return sum;
        }
        if (node instanceof Alt a) {
            long max = 0;
            for (Node b : a.branches()) {
                max = Math.max(max, maxLen(b));
            }
            return max;
        }
        Repeat r = (Repeat) node;
        long inner = maxLen(r.node());
        if (inner == 0) {
            return 0;
        }
        if (r.max() < 0 || inner >= inf / Math.max(1, r.max())) {
            return inf;
        }
        return inner * r.max();
    }

    private static long[] perlClass(char e) {
        long[] s = new long[4];
        switch (Character.toLowerCase(e)) {
            case 'd' -> addRange(s, '0', '9');
            case 'w' -> {
                addRange(s, '0', '9');
                addRange(s, 'a', 'z');
                addRange(s, 'A', 'Z');
                addRange(s, '_', '_');
            }
            default -> {
                // RE2's \s is [\t\n\f\r ]; Hyperscan's also has \v. Take the union.
                addRange(s, '\t', '\r');
                addRange(s, ' ', ' ');
            }
        }
        return s;
    }

    private static long[] posixClass(String name) {
        long[] s = new long[4];
        switch (name) {
            case "digit" -> addRange(s, '0', '9');
            case "alpha" -> {
                addRange(s, 'a', 'z');
                addRange(s, 'A', 'Z');
            }
            case "alnum" -> {
                addRange(s, '0', '9');
                addRange(s, 'a', 'z');
                addRange(s, 'A', 'Z');
            }
            case "upper" -> addRange(s, 'A', 'Z');
            case "lower" -> addRange(s, 'a', 'z');
            case "xdigit" -> {
                addRange(s, '0', '9');
                addRange(s, 'a', 'f');
                addRange(s, 'A', 'F');
            }
            default -> addRange(s, 0, 127); // wider is safe
        }
        return s;
    }

    private static void foldCase(long[] set) {
        for (int c = 'a'; c <= 'z'; c++) {
            if (contains(set, c) || contains(set, c - 32)) {
                addRange(set, c, c);
                addRange(set, c - 32, c - 32);
            }
        }
    }

    private static long[] complementAscii(long[] set) {
        long[] out = new long[4];
        out[0] = ~set[0];
        out[1] = ~set[1];
        return out;
    }

    static void addRange(long[] set, int lo, int hi) {
        for (int b = lo; b <= hi; b++) {
            set[b >>> 6] |= 1L << b;
        }
    }

    static boolean contains(long[] set, int b) {
        return (set[b >>> 6] & (1L << b)) != 0;
    }

    private static void or(long[] into, long[] from) {
        for (int i = 0; i < 4; i++) {
            into[i] |= from[i];
        }
    }
}
