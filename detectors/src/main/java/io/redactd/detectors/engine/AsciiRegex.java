package io.redactd.detectors.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * An exact RE2 matcher for ASCII text: the same leftmost-first matches and capture groups as RE2/J, for the regex
 * syntax the built-in catalog uses. It exists because RE2/J's Pike VM (and its per-call allocation) was the largest
 * cost in a PHI line; this is a backtracker over a compiled program with a visited bit per (instruction, position), as
 * RE2's BitState: linear in program size times text length, nothing allocated once its buffers have grown.
 *
 * <p>ASCII only, on purpose: on text whose bytes are all below 0x80 every character is one byte, {@code \b} and case
 * folding are ASCII in RE2 anyway, and non-ASCII parts of the pattern simply never match. Lines holding any other byte
 * go to RE2/J. Syntax outside the subset (Unicode classes, POSIX classes, {@code (?U)}, nullable loop bodies, a
 * pattern that can match the empty string) makes {@link #compile} return null, and RE2/J stays in charge of that
 * pattern. Proven against RE2/J pattern by pattern in {@code AsciiRegexDifferentialTest}.
 */
public final class AsciiRegex {
    static final int BYTE = 0;
    static final int SPLIT = 1;
    static final int JMP = 2;
    static final int SAVE = 3;
    static final int ASSERT = 4;
    static final int MATCH = 5;

    static final int BEGIN_TEXT = 0;
    static final int END_TEXT = 1;
    static final int BEGIN_LINE = 2;
    static final int END_LINE = 3;
    static final int WORD_BOUNDARY = 4;
    static final int NOT_WORD_BOUNDARY = 5;

    /** Beyond this the program (and its visited bitmap) is not worth it: RE2/J runs the pattern. */
    private static final int MAX_INSTRUCTIONS = 4000;
    private static final long MAX_VISITED_BITS = 1L << 22;

    private final int[] op;
    private final int[] arg1; // BYTE: -; SPLIT: preferred target; JMP: target; SAVE: slot; ASSERT: kind
    private final int[] arg2; // SPLIT: other target
    private final long[] lo;  // BYTE: bytes 0-63
    private final long[] hi;  // BYTE: bytes 64-127
    private final int groupCount;
    /** Whether an assertion looks at the byte after it ($, \b, \B): then RE2/J's group pass can differ (see Matcher). */
    private final boolean rightContext;
    private final long firstLo;
    private final long firstHi;

    private AsciiRegex(Program p, int groupCount) {
        int n = p.op.size();
        op = new int[n];
        arg1 = new int[n];
        arg2 = new int[n];
        lo = new long[n];
        hi = new long[n];
        boolean right = false;
        for (int i = 0; i < n; i++) {
            op[i] = p.op.get(i);
            arg1[i] = p.arg1.get(i);
            arg2[i] = p.arg2.get(i);
            lo[i] = p.lo.get(i);
            hi[i] = p.hi.get(i);
            if (op[i] == ASSERT && arg1[i] != BEGIN_TEXT && arg1[i] != BEGIN_LINE) {
                right = true;
            }
        }
        this.groupCount = groupCount;
        this.rightContext = right;
        long[] first = new long[2];
        firstBytes(0, new boolean[n], first);
        firstLo = first[0];
        firstHi = first[1];
    }

    /** The program for {@code regex}, or null when it uses syntax this matcher does not claim. */
    public static AsciiRegex compile(String regex) {
        try {
            Parser parser = new Parser(regex);
            Node root = parser.parse();
            if (nullable(root)) {
                return null; // an empty match would need RE2/J's "nudge forward" rules
            }
            Program p = new Program();
            p.emit(root);
            p.add(MATCH, 0, 0, 0, 0);
            if (p.op.size() > MAX_INSTRUCTIONS) {
                return null;
            }
            return new AsciiRegex(p, parser.groups);
        } catch (Unsupported e) {
            return null;
        }
    }

    /**
     * Whether a search over {@code span} bytes keeps the visited bitmap (instructions x positions) within 4 Mi bits
     * (512 KiB per thread). Longer stretches of a long line go to RE2/J instead, as RE2 itself limits BitState.
     */
    public boolean fits(int span) {
        return (long) op.length * (span + 1) <= MAX_VISITED_BITS;
    }

    public int groupCount() {
        return groupCount;
    }

    /** Bytes a match can start with: the pattern is not nullable, so every match consumes one of them first. */
    private void firstBytes(int pc, boolean[] seen, long[] out) {
        if (seen[pc]) {
            return;
        }
        seen[pc] = true;
        switch (op[pc]) {
            case BYTE -> {
                out[0] |= lo[pc];
                out[1] |= hi[pc];
            }
            case SPLIT -> {
                firstBytes(arg1[pc], seen, out);
                firstBytes(arg2[pc], seen, out);
            }
            case JMP -> firstBytes(arg1[pc], seen, out);
            case SAVE, ASSERT -> firstBytes(pc + 1, seen, out);
            default -> {
            }
        }
    }

    /**
     * Per-thread search state. {@link #find} mirrors RE2/J's {@code Matcher.find(from)} followed by
     * {@code start(group)}: a first unanchored pass over the whole text gives the match, then, as RE2/J does when a
     * group is asked for, the groups come from a pass over the text cut one byte after that match (which can differ
     * from the first pass when an assertion reads that cut end).
     */
    public static final class Matcher {
        private long[] visited = new long[64];
        private int[] stack = new int[64];
        private int[] cap = new int[4];
        private int[] found = new int[4];
        private int matchStart;
        private int matchEnd;

        public Matcher() {
        }

        /**
         * Finds the leftmost-first match of {@code re} in {@code text} starting in {@code [from, maxStart]}. True
         * when found; then {@link #start(int)} and {@link #end(int)} give group offsets (group 0 = the match).
         */
        public boolean find(AsciiRegex re, byte[] text, int from, int maxStart, boolean groups) {
            int slots = 2 * (re.groupCount + 1);
            if (cap.length < slots) {
                cap = new int[slots];
                found = new int[slots];
            }
            if (!search(re, text, from, Math.min(maxStart, text.length), text.length)) {
                return false;
            }
            if (groups && re.rightContext && matchEnd + 1 < text.length) {
                if (!searchAt(re, text, matchStart, matchEnd + 1)) {
                    throw new IllegalStateException("group pass found no match"); // cannot happen: fail closed
                }
            }
            return true;
        }

        public int start(int group) {
            return group == 0 ? matchStart : found[2 * group];
        }

        public int end(int group) {
            return group == 0 ? matchEnd : found[2 * group + 1];
        }

        /*
         * Unanchored and anchored searches are separate methods (they were one, with a flag): the rare anchored call
         * made C2 deoptimize the unanchored loop, inlined into SpanFinder.find, and compile that again.
         */
        private boolean search(AsciiRegex re, byte[] text, int from, int maxStart, int limit) {
            int width = clearVisited(re, from, limit);
            // No empty matches: a match needs a byte, so it starts before limit. The bound is taken before the loop
            // (a test inside it, true only on its last step, was speculated away by C2 and deoptimized it).
            int last = Math.min(maxStart, limit - 1);
            for (int p = from; p <= last; p++) {
                int b = text[p];
                if (b < 0 || ((b < 64 ? re.firstLo >>> b : re.firstHi >>> (b - 64)) & 1L) == 0) {
                    continue;
                }
                if (run(re, text, p, from, width, limit)) {
                    matchStart = p;
                    return true;
                }
            }
            return false;
        }

        /** A match starting exactly at {@code start} and ending by {@code limit}. */
        private boolean searchAt(AsciiRegex re, byte[] text, int start, int limit) {
            int width = clearVisited(re, start, limit);
            if (run(re, text, start, start, width, limit)) {
                matchStart = start;
                return true;
            }
            return false;
        }

        /** Clears the visited bits of positions [from, limit] and returns their count. */
        private int clearVisited(AsciiRegex re, int from, int limit) {
            int width = limit - from + 1;
            long bits = (long) re.op.length * width;
            int words = (int) ((bits + 63) >>> 6);
            if (visited.length < words) {
                visited = new long[Math.max(words, visited.length * 2)];
            } else {
                Arrays.fill(visited, 0, words, 0L);
            }
            return width;
        }

        /** Backtracking in priority order from {@code start}; a (pc, pos) already seen cannot lead to a match. */
        private boolean run(AsciiRegex re, byte[] text, int start, int from, int width, int limit) {
            int[] op = re.op;
            int[] a1 = re.arg1;
            int[] a2 = re.arg2;
            long[] lo = re.lo;
            long[] hi = re.hi;
            Arrays.fill(cap, 0, 2 * (re.groupCount + 1), -1);
            int sp = 0;
            sp = push(sp, 0, start);
            while (sp > 0) {
                sp -= 2;
                int pc = stack[sp];
                int pos = stack[sp + 1];
                if (pc < 0) {
                    cap[-pc - 1] = pos; // undo a SAVE on the way back
                    continue;
                }
                while (true) {
                    long bit = (long) pc * width + (pos - from);
                    int w = (int) (bit >>> 6);
                    long mask = 1L << bit;
                    if ((visited[w] & mask) != 0) {
                        break;
                    }
                    visited[w] |= mask;
                    int o = op[pc];
                    if (o == BYTE) {
                        if (pos >= limit) {
                            break;
                        }
                        int b = text[pos];
                        if (b < 0 || ((b < 64 ? lo[pc] >>> b : hi[pc] >>> (b - 64)) & 1L) == 0) {
                            break;
                        }
                        pc++;
                        pos++;
                    } else if (o == SPLIT) {
                        sp = push(sp, a2[pc], pos);
                        pc = a1[pc];
                    } else if (o == JMP) {
                        pc = a1[pc];
                    } else if (o == SAVE) {
                        int slot = a1[pc];
                        sp = push(sp, -slot - 1, cap[slot]);
                        cap[slot] = pos;
                        pc++;
                    } else if (o == ASSERT) {
                        if (!holds(a1[pc], text, pos, limit)) {
                            break;
                        }
                        pc++;
                    } else { // MATCH
                        matchEnd = pos;
                        System.arraycopy(cap, 0, found, 0, 2 * (re.groupCount + 1));
                        return true;
                    }
                }
            }
            return false;
        }

        private int push(int sp, int a, int b) {
            if (sp + 2 > stack.length) {
                stack = Arrays.copyOf(stack, stack.length * 2);
            }
            stack[sp] = a;
            stack[sp + 1] = b;
            return sp + 2;
        }

        private static boolean holds(int kind, byte[] text, int pos, int limit) {
            switch (kind) {
                case BEGIN_TEXT:
                    return pos == 0;
                case END_TEXT:
                    return pos == limit;
                case BEGIN_LINE:
                    return pos == 0 || text[pos - 1] == '\n';
                case END_LINE:
                    return pos == limit || text[pos] == '\n';
                default:
                    boolean before = pos > 0 && isWord(text[pos - 1]);
                    boolean after = pos < limit && isWord(text[pos]);
                    return (before != after) == (kind == WORD_BOUNDARY);
            }
        }

        private static boolean isWord(byte b) {
            return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || b == '_';
        }
    }

    // ---- parsing ---------------------------------------------------------------------------------------------------

    private static final class Unsupported extends Exception {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    private sealed interface Node permits Set, Cat, Alt, Rep, Group, Assert {
    }

    /** One byte from {@code [0, 128)}; an empty set never matches (a non-ASCII literal, on ASCII text). */
    private record Set(long lo, long hi) implements Node {
    }

    private record Cat(List<Node> items) implements Node {
    }

    private record Alt(List<Node> branches) implements Node {
    }

    /** {@code max < 0}: unbounded. */
    private record Rep(Node node, int min, int max, boolean greedy) implements Node {
    }

    private record Group(int index, Node node) implements Node {
    }

    private record Assert(int kind) implements Node {
    }

    /** Whether the node cannot match any ASCII text (it needs a byte from an empty set). */
    private static boolean impossible(Node n) {
        if (n instanceof Set s) {
            return s.lo() == 0 && s.hi() == 0;
        }
        if (n instanceof Assert) {
            return false;
        }
        if (n instanceof Group g) {
            return impossible(g.node());
        }
        if (n instanceof Rep r) {
            return r.min() > 0 && impossible(r.node());
        }
        if (n instanceof Cat c) {
            return c.items().stream().anyMatch(AsciiRegex::impossible);
        }
        return ((Alt) n).branches().stream().allMatch(AsciiRegex::impossible);
    }

    private static boolean nullable(Node n) {
        if (n instanceof Set) {
            return false;
        }
        if (n instanceof Assert) {
            return true;
        }
        if (n instanceof Group g) {
            return nullable(g.node());
        }
        if (n instanceof Rep r) {
            return r.min() == 0 || nullable(r.node());
        }
        if (n instanceof Cat c) {
            for (Node item : c.items()) {
                if (!nullable(item)) {
                    return false;
                }
            }
            return true;
        }
        for (Node b : ((Alt) n).branches()) {
            if (nullable(b)) {
                return true;
            }
        }
        return false;
    }

    private static final class Parser {
        private static final int FOLD = 1;
        private static final int MULTILINE = 2;
        private static final int DOT_NL = 4;

        private final String re;
        private int pos;
        private int groups;
        private final Deque<Integer> flags = new ArrayDeque<>();

        Parser(String re) {
            this.re = re;
        }

        Node parse() throws Unsupported {
            flags.push(0);
            Node n = alternation();
            if (pos != re.length()) {
                throw new Unsupported();
            }
            return n;
        }

        /**
         * Branches that cannot match ASCII text (a non-ASCII character in them: the catalog's no-break spaces between
         * digit groups) are left out, and one-byte branches become one set: a space or dash, or U+00A0, or U+202F is
         * {@code [ -]} here. Same matches: a left-out branch never matches, and of one-byte branches leftmost-first
         * takes the same byte whichever branch it is. Without it every such group cost a split per branch per try.
         */
        private Node alternation() throws Unsupported {
            List<Node> branches = new ArrayList<>();
            branches.add(concatenation());
            while (pos < re.length() && re.charAt(pos) == '|') {
                pos++;
                branches.add(concatenation());
            }
            List<Node> possible = new ArrayList<>();
            for (Node b : branches) {
                if (!impossible(b)) {
                    possible.add(b);
                }
            }
            if (possible.isEmpty()) {
                return branches.get(0); // never matches
            }
            if (possible.size() > 1 && possible.stream().allMatch(b -> b instanceof Set)) {
                long lo = 0;
                long hi = 0;
                for (Node b : possible) {
                    lo |= ((Set) b).lo();
                    hi |= ((Set) b).hi();
                }
                return new Set(lo, hi);
            }
            return possible.size() == 1 ? possible.get(0) : new Alt(possible);
        }

        private Node concatenation() throws Unsupported {
            List<Node> items = new ArrayList<>();
            while (pos < re.length() && re.charAt(pos) != '|' && re.charAt(pos) != ')') {
                char c = re.charAt(pos);
                if (c == '*' || c == '+' || c == '?') {
                    throw new Unsupported(); // repetition of nothing, or of a repetition
                }
                Node atom = atom();
                if (atom != null) {
                    items.add(quantified(atom));
                }
            }
            return items.size() == 1 ? items.get(0) : new Cat(items);
        }

        private Node quantified(Node atom) throws Unsupported {
            if (pos >= re.length()) {
                return atom;
            }
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
                if (!body.matches("\\d{1,4}(,\\d{0,4})?")) {
                    return atom; // RE2 reads a '{' that is no repetition as a literal
                }
                int comma = body.indexOf(',');
                if (comma < 0) {
                    min = max = Integer.parseInt(body);
                } else {
                    min = Integer.parseInt(body.substring(0, comma));
                    max = comma == body.length() - 1 ? -1 : Integer.parseInt(body.substring(comma + 1));
                }
                if (min > 1000 || max > 1000 || (max >= 0 && max < min)) {
                    throw new Unsupported();
                }
                pos = close + 1;
            } else {
                return atom;
            }
            boolean greedy = true;
            if (pos < re.length() && re.charAt(pos) == '?') {
                pos++;
                greedy = false;
            }
            if (pos < re.length() && "*+?".indexOf(re.charAt(pos)) >= 0) {
                throw new Unsupported(); // RE2 rejects or simplifies stacked repetitions: not claimed
            }
            if (pos < re.length() && re.charAt(pos) == '{' && re.substring(pos).matches("\\{\\d+(,\\d*)?}.*")) {
                throw new Unsupported();
            }
            if ((max < 0 || max > 1) && nullable(atom)) {
                throw new Unsupported(); // empty iterations: RE2's simplification rules, not claimed
            }
            return new Rep(atom, min, max, greedy);
        }

        private Node atom() throws Unsupported {
            char c = re.charAt(pos);
            switch (c) {
                case '(':
                    return group();
                case '[':
                    return charClass();
                case '.': {
                    pos++;
                    long[] s = range(0, 127);
                    if ((flags.peek() & DOT_NL) == 0) {
                        s[0] &= ~(1L << '\n');
                    }
                    return new Set(s[0], s[1]);
                }
                case '^':
                    pos++;
                    return new Assert((flags.peek() & MULTILINE) != 0 ? BEGIN_LINE : BEGIN_TEXT);
                case '$':
                    pos++;
                    return new Assert((flags.peek() & MULTILINE) != 0 ? END_LINE : END_TEXT);
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
            int f = flags.peek();
            int index = -1;
            if (re.startsWith("?", pos)) {
                pos++;
                if (re.startsWith("P<", pos)) {
                    int close = re.indexOf('>', pos);
                    if (close < 0) {
                        throw new Unsupported();
                    }
                    pos = close + 1;
                    index = ++groups;
                } else {
                    boolean on = true;
                    int nf = f;
                    while (pos < re.length() && re.charAt(pos) != ')' && re.charAt(pos) != ':') {
                        char g = re.charAt(pos++);
                        int bit;
                        if (g == '-') {
                            on = false;
                            continue;
                        } else if (g == 'i') {
                            bit = FOLD;
                        } else if (g == 'm') {
                            bit = MULTILINE;
                        } else if (g == 's') {
                            bit = DOT_NL;
                        } else {
                            throw new Unsupported(); // U (ungreedy) and anything else
                        }
                        nf = on ? nf | bit : nf & ~bit;
                    }
                    if (pos >= re.length()) {
                        throw new Unsupported();
                    }
                    if (re.charAt(pos) == ')') {
                        pos++;
                        flags.pop();
                        flags.push(nf); // applies to the rest of the enclosing group
                        return null;
                    }
                    pos++; // ':'
                    f = nf;
                }
            } else {
                index = ++groups;
            }
            flags.push(f);
            Node inner = alternation();
            flags.pop();
            if (pos >= re.length() || re.charAt(pos) != ')') {
                throw new Unsupported();
            }
            pos++;
            return index < 0 ? inner : new Group(index, inner);
        }

        private Node escape() throws Unsupported {
            if (pos + 1 >= re.length()) {
                throw new Unsupported();
            }
            char e = re.charAt(pos + 1);
            switch (e) {
                case 'A':
                    pos += 2;
                    return new Assert(BEGIN_TEXT);
                case 'z':
                    pos += 2;
                    return new Assert(END_TEXT);
                case 'b':
                    pos += 2;
                    return new Assert(WORD_BOUNDARY);
                case 'B':
                    pos += 2;
                    return new Assert(NOT_WORD_BOUNDARY);
                case 'd', 'D', 'w', 'W', 's', 'S': {
                    pos += 2;
                    long[] s = perlClass(e); // case folding leaves these unchanged
                    return new Set(s[0], s[1]);
                }
                default:
                    return literal(escapedChar());
            }
        }

        /** Reads an escape denoting one character, at {@code pos} (the backslash). */
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
                    if (pos + 2 > re.length() || !re.substring(pos, pos + 2).matches("[0-9A-Fa-f]{2}")) {
                        throw new Unsupported();
                    }
                    int cp = Integer.parseInt(re.substring(pos, pos + 2), 16);
                    pos += 2;
                    return cp;
                }
                default:
                    if (e < 128 && !Character.isLetterOrDigit(e)) {
                        return e; // escaped punctuation
                    }
                    throw new Unsupported(); // octal, \p, \Q, \C and the rest: left to RE2/J
            }
        }

        private Node charClass() throws Unsupported {
            pos++;
            boolean negated = false;
            if (pos < re.length() && re.charAt(pos) == '^') {
                negated = true;
                pos++;
            }
            long[] set = new long[2];
            boolean first = true;
            while (true) {
                if (pos >= re.length()) {
                    throw new Unsupported();
                }
                char c = re.charAt(pos);
                if (c == ']' && !first) {
                    pos++;
                    break;
                }
                first = false;
                if (c == '[' && re.startsWith("[:", pos)) {
                    throw new Unsupported();
                }
                int lo;
                if (c == '\\') {
                    char e = pos + 1 < re.length() ? re.charAt(pos + 1) : 0;
                    if ("dDwWsS".indexOf(e) >= 0) {
                        pos += 2;
                        long[] perl = perlClass(e);
                        set[0] |= perl[0];
                        set[1] |= perl[1];
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
                    if (hi < lo) {
                        throw new Unsupported();
                    }
                }
                if (lo < 128) {
                    long[] r = range(lo, Math.min(hi, 127));
                    set[0] |= r[0];
                    set[1] |= r[1];
                }
            }
            if ((flags.peek() & FOLD) != 0) {
                fold(set);
            }
            if (negated) {
                // RE2's Perl flags let a negated class match a newline; bytes >= 0x80 are not in ASCII text
                set[0] = ~set[0];
                set[1] = ~set[1];
            }
            return new Set(set[0], set[1]);
        }

        private Node literal(int cp) {
            if (cp >= 128) {
                return new Set(0, 0);
            }
            long[] set = range(cp, cp);
            if ((flags.peek() & FOLD) != 0) {
                fold(set);
            }
            return new Set(set[0], set[1]);
        }

        private static long[] perlClass(char e) {
            long[] s = new long[2];
            switch (Character.toLowerCase(e)) {
                case 'd' -> or(s, range('0', '9'));
                case 'w' -> {
                    or(s, range('0', '9'));
                    or(s, range('A', 'Z'));
                    or(s, range('a', 'z'));
                    or(s, range('_', '_'));
                }
                default -> { // \s in RE2: [\t\n\f\r ]
                    or(s, range('\t', '\n'));
                    or(s, range('\f', '\r'));
                    or(s, range(' ', ' '));
                }
            }
            if (Character.isUpperCase(e)) {
                s[0] = ~s[0];
                s[1] = ~s[1];
            }
            return s;
        }

        private static void fold(long[] set) {
            for (int b = 'A'; b <= 'Z'; b++) {
                if (has(set, b) || has(set, b + 32)) {
                    or(set, range(b, b));
                    or(set, range(b + 32, b + 32));
                }
            }
        }

        private static boolean has(long[] set, int b) {
            return ((b < 64 ? set[0] >>> b : set[1] >>> (b - 64)) & 1L) != 0;
        }

        private static long[] range(int lo, int hi) {
            long[] s = new long[2];
            for (int b = lo; b <= hi; b++) {
                if (b < 64) {
                    s[0] |= 1L << b;
                } else {
                    s[1] |= 1L << (b - 64);
                }
            }
            return s;
        }

        private static void or(long[] into, long[] from) {
            into[0] |= from[0];
            into[1] |= from[1];
        }
    }

    // ---- compiling -------------------------------------------------------------------------------------------------

    /** Instructions in order; a fragment falls through to the instruction after it. */
    private static final class Program {
        final List<Integer> op = new ArrayList<>();
        final List<Integer> arg1 = new ArrayList<>();
        final List<Integer> arg2 = new ArrayList<>();
        final List<Long> lo = new ArrayList<>();
        final List<Long> hi = new ArrayList<>();

        int add(int o, int a1, int a2, long l, long h) throws Unsupported {
            if (op.size() > MAX_INSTRUCTIONS) {
                throw new Unsupported();
            }
            op.add(o);
            arg1.add(a1);
            arg2.add(a2);
            lo.add(l);
            hi.add(h);
            return op.size() - 1;
        }

        int here() {
            return op.size();
        }

        void emit(Node n) throws Unsupported {
            if (n instanceof Set s) {
                add(BYTE, 0, 0, s.lo(), s.hi());
            } else if (n instanceof Assert a) {
                add(ASSERT, a.kind(), 0, 0, 0);
            } else if (n instanceof Group g) {
                add(SAVE, 2 * g.index(), 0, 0, 0);
                emit(g.node());
                add(SAVE, 2 * g.index() + 1, 0, 0, 0);
            } else if (n instanceof Cat c) {
                for (Node item : c.items()) {
                    emit(item);
                }
            } else if (n instanceof Alt a) {
                List<Integer> jumps = new ArrayList<>();
                List<Node> b = a.branches();
                for (int i = 0; i < b.size(); i++) {
                    if (i < b.size() - 1) {
                        int split = add(SPLIT, 0, 0, 0, 0);
                        arg1.set(split, split + 1);
                        emit(b.get(i));
                        jumps.add(add(JMP, 0, 0, 0, 0));
                        arg2.set(split, here());
                    } else {
                        emit(b.get(i));
                    }
                }
                for (int j : jumps) {
                    arg1.set(j, here());
                }
            } else {
                Rep r = (Rep) n;
                for (int i = 0; i < r.min(); i++) {
                    emit(r.node());
                }
                if (r.max() < 0) {
                    // L: split(body, exit); body; jmp L
                    int split = add(SPLIT, 0, 0, 0, 0);
                    emit(r.node());
                    add(JMP, split, 0, 0, 0);
                    setSplit(split, split + 1, here(), r.greedy());
                } else {
                    // (x(x(x)?)?)? for max - min optional copies, each reachable only after the one before
                    List<Integer> splits = new ArrayList<>();
                    for (int i = r.min(); i < r.max(); i++) {
                        int split = add(SPLIT, 0, 0, 0, 0);
                        splits.add(split);
                        emit(r.node());
                    }
                    for (int split : splits) {
                        setSplit(split, split + 1, here(), r.greedy());
                    }
                }
            }
        }

        private void setSplit(int split, int body, int exit, boolean greedy) {
            arg1.set(split, greedy ? body : exit);
            arg2.set(split, greedy ? exit : body);
        }
    }

    @Override
    public String toString() {
        return "AsciiRegex[" + op.length + " instructions, " + groupCount + " groups]";
    }
}
