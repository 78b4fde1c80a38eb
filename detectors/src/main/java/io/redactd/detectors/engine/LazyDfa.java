package io.redactd.detectors.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A per-thread DFA built on demand from a shared {@link ByteNfa}: one table lookup per input byte once warm. The
 * search is unanchored (every state includes the NFA's start closure), and a state records which patterns have
 * matched by then. The cache is bounded; when full it is flushed and rebuilt, which costs time, never correctness.
 */
final class LazyDfa {
    /*
     * PHI-dense traffic (SyntheticLog at 50 % PHI) needs ~5,000-7,000 states of the full catalog's DFA: at 4,096 the
     * cache was flushed over and over (2-5 MB per CPU-second). The table is states x classes ints, grown as states are
     * built: at most ~5.5 MB per redactor (per worker thread) for the built-in catalog's 84 byte classes.
     */
    private static final int DEFAULT_MAX_STATES = 16384;
    /** The tables start at this many states and double as states are built, so a quiet redactor stays small. */
    private static final int INITIAL_STATES = 512;
    /*
     * A transition holds the target state's row offset (state * classes), so the scan loop needs no multiply, with
     * ACCEPTING set when the target accepts, so it needs no second table lookup per byte; UNKNOWN = not built yet.
     * Both are caught by one test against RARE. maxStates * classes stays far below 2^30.
     */
    private static final int UNKNOWN = -1;
    private static final int ACCEPTING = 1 << 30;
    private static final int RARE = Integer.MIN_VALUE | ACCEPTING;

    private final int maxStates;

    private final ByteNfa nfa;
    private final int classes;
    private int[] transitions;
    private final List<int[]> stateSets = new ArrayList<>();
    private final Map<Key, Integer> ids = new HashMap<>();
    private final ByteNfa.Scratch scratch;
    private int[] seeds = new int[64];
    /** Per state, the patterns whose match ends on entering it (null for most states). */
    private int[][] accepts;
    /** Times the cache was flushed: {@link #scanPair} re-interns its other chain's state after a flush. */
    private int flushCount;
    /** The two states where {@link #walkPair} stopped (fields: a method returns one value). */
    private int pairA;
    private int pairB;

    LazyDfa(ByteNfa nfa) {
        this(nfa, DEFAULT_MAX_STATES);
    }

    LazyDfa(ByteNfa nfa, int maxStates) {
        this.nfa = nfa;
        this.maxStates = maxStates;
        this.classes = nfa.classCount;
        int initial = Math.min(maxStates, INITIAL_STATES);
        this.accepts = new int[initial][];
        if (maxStates < 8) { // scanPair may add a state for its second chain right after a flush
            throw new IllegalArgumentException("DFA cache too small: " + maxStates + " states");
        }
        if ((long) maxStates * classes >= ACCEPTING) {
            throw new IllegalArgumentException("DFA table too large: " + maxStates + " states x " + classes
                    + " classes");
        }
        this.transitions = new int[initial * classes];
        this.scratch = new ByteNfa.Scratch(nfa);
        reset();
    }

    private void reset() {
        Arrays.fill(transitions, UNKNOWN);
        stateSets.clear();
        ids.clear();
        Arrays.fill(accepts, null);
        intern(nfa.initialOwn);
    }

    /** Adds to {@code out} every pattern the approximation matches somewhere in the range. */
    void scan(byte[] buf, int off, int len, PatternSet out) {
        int[] cls = nfa.classOf;
        int[] trans = transitions;
        int base = 0; // state 0
        if (accepts[0] != null) {
            addEnds(accepts[0], 0, out);
        }
        for (int i = off, end = off + len; i < end; i++) {
            int t = trans[base + cls[buf[i] & 0xff]];
            if ((t & RARE) == 0) { // the common case: a known, non-accepting transition
                base = t;
                continue;
            }
            if (t == UNKNOWN) {
                t = step(base / classes, cls[buf[i] & 0xff]);
                trans = transitions;
            }
            base = t & ~ACCEPTING;
            if ((t & ACCEPTING) != 0) {
                addEnds(accepts[base / classes], i + 1 - off, out);
            }
        }
    }

    /**
     * {@link #scan} of two ranges in one loop: the same nominations in {@code outA} and {@code outB} as two scans. One
     * scan waits on one dependent table load per byte; here the two lines' state chains are independent, so the CPU
     * overlaps their loads. The common prefix of the two lengths is walked together, the rest of the longer one alone.
     */
    void scanPair(byte[] a, int offA, int lenA, PatternSet outA, byte[] b, int offB, int lenB, PatternSet outB) {
        if (accepts[0] != null) {
            addEnds(accepts[0], 0, outA);
            addEnds(accepts[0], 0, outB);
        }
        int n = Math.min(lenA, lenB);
        int k = walkPair(a, offA, b, offB, 0, n, 0, 0);
        while (k < n) {
            long both = rarePair(a, offA, outA, pairA, b, offB, outB, pairB, k);
            k = walkPair(a, offA, b, offB, k + 1, n, (int) (both >>> 32), (int) both);
        }
        if (lenA > n) {
            scanFrom(a, offA, lenA, n, pairA, outA);
        } else if (lenB > n) {
            scanFrom(b, offB, lenB, n, pairB, outB);
        }
    }

    /**
     * The hot loop of {@link #scanPair}, kept apart from the rare steps so that C2 compiles it tight (with the cache
     * building inlined into it, the pair loop ran slower than one line at a time): walks both chains from relative
     * offset k while both transitions are built and neither accepts. Returns the offset where it stopped (n when
     * done), with the two states reached in {@link #pairA} and {@link #pairB}.
     */
    private int walkPair(byte[] a, int offA, byte[] b, int offB, int k, int n, int baseA, int baseB) {
        int[] cls = nfa.classOf;
        int[] trans = transitions;
        for (; k < n; k++) {
            int ta = trans[baseA + cls[a[offA + k] & 0xff]];
            int tb = trans[baseB + cls[b[offB + k] & 0xff]];
            if (((ta | tb) & RARE) != 0) {
                break;
            }
            baseA = ta;
            baseB = tb;
        }
        pairA = baseA;
        pairB = baseB;
        return k;
    }

    /**
     * The step at offset k of {@link #scanPair} when one transition is not built yet or accepts; returns the two new
     * row offsets, A's in the high half. Building a state may flush the cache, which renumbers every state: the other
     * chain's state is then interned again from its NFA set (kept before the step), as {@link #flush} does for the
     * chain that stepped.
     */
    private long rarePair(byte[] a, int offA, PatternSet outA, int baseA,
                          byte[] b, int offB, PatternSet outB, int baseB, int k) {
        int[] cls = nfa.classOf;
        int ca = cls[a[offA + k] & 0xff];
        int cb = cls[b[offB + k] & 0xff];
        int ta = transitions[baseA + ca];
        int tb = transitions[baseB + cb];
        if (ta == UNKNOWN) {
            int[] setB = stateSets.get(baseB / classes);
            int flushes = flushCount;
            ta = step(baseA / classes, ca);
            if (flushCount != flushes) {
                baseB = intern(setB) * classes;
            }
            tb = transitions[baseB + cb]; // read again: the table may have grown or been flushed
        }
        int nextA = ta & ~ACCEPTING;
        if ((ta & ACCEPTING) != 0) {
            addEnds(accepts[nextA / classes], k + 1, outA);
        }
        if (tb == UNKNOWN) {
            int[] setA = stateSets.get(nextA / classes);
            int flushes = flushCount;
            tb = step(baseB / classes, cb);
            if (flushCount != flushes) {
                nextA = intern(setA) * classes;
            }
        }
        int nextB = tb & ~ACCEPTING;
        if ((tb & ACCEPTING) != 0) {
            addEnds(accepts[nextB / classes], k + 1, outB);
        }
        return (long) nextA << 32 | nextB;
    }

    /**
     * The rest of the longer line of {@link #scanPair}: {@link #scan}'s loop from relative offset {@code from}, in the
     * state at row {@code base}. A copy rather than shared with scan, so that the two keep separate profiles (shared,
     * the single-line scan ran at about half speed in some JVM runs).
     */
    private void scanFrom(byte[] buf, int off, int len, int from, int base, PatternSet out) {
        int[] cls = nfa.classOf;
        int[] trans = transitions;
        for (int i = off + from, end = off + len; i < end; i++) {
            int t = trans[base + cls[buf[i] & 0xff]];
            if ((t & RARE) == 0) {
                base = t;
                continue;
            }
            if (t == UNKNOWN) {
                t = step(base / classes, cls[buf[i] & 0xff]);
                trans = transitions;
            }
            base = t & ~ACCEPTING;
            if ((t & ACCEPTING) != 0) {
                addEnds(accepts[base / classes], i + 1 - off, out);
            }
        }
    }

    /**
     * Runs a DFA built from reversed patterns backwards over {@code buf[off, end)}, from {@code end} down; returns the
     * smallest offset (relative to {@code off}) at which one of them accepts, i.e. where a match can start, or -1.
     */
    int leftmostStart(byte[] buf, int off, int end) {
        int[] cls = nfa.classOf;
        int base = 0;
        int best = accepts[0] != null ? end - off : -1;
        for (int i = end - 1; i >= off; i--) {
            int c = cls[buf[i] & 0xff];
            int t = transitions[base + c];
            if (t == UNKNOWN) {
                t = step(base / classes, c);
            }
            base = t & ~ACCEPTING;
            if ((t & ACCEPTING) != 0) {
                best = i - off;
            }
        }
        return best;
    }

    private static void addEnds(int[] acc, int end, PatternSet out) {
        for (int p : acc) {
            out.addEnd(p, end);
        }
    }

    /** Builds the transition of {@code state} on class {@code c}; returns it encoded as stored. */
    private int step(int state, int c) {
        int[] current = stateSets.get(state);
        if (stateSets.size() >= maxStates - 1) {
            state = flush(current);
        }
        // a state stands for its own NFA states plus the start closure (see ByteNfa.inStart)
        int[] fromStart = nfa.startSeeds[c];
        if (seeds.length < current.length + fromStart.length) {
            seeds = new int[current.length + fromStart.length];
        }
        int n = 0;
        for (int s : current) {
            int set = nfa.stateSet[s];
            if (set >= 0 && nfa.classInSet[set][c]) {
                seeds[n++] = nfa.stateNext[s];
            }
        }
        System.arraycopy(fromStart, 0, seeds, n, fromStart.length);
        n += fromStart.length;
        int[] closed = nfa.ownClosure(seeds, n, scratch);
        int target = intern(closed);
        int encoded = target * classes | (accepts[target] != null ? ACCEPTING : 0);
        transitions[state * classes + c] = encoded;
        return encoded;
    }

    /** The cache is full: starts over with the state being left as the only state beside the start. Rare. */
    private int flush(int[] current) {
        flushCount++;
        reset();
        return intern(current);
    }

    /** Doubles the tables (up to maxStates): a row offset stays valid, so only the arrays are copied. Rare. */
    private void grow() {
        int n = Math.min(maxStates, accepts.length * 2);
        int old = transitions.length;
        transitions = Arrays.copyOf(transitions, n * classes);
        Arrays.fill(transitions, old, transitions.length, UNKNOWN);
        accepts = Arrays.copyOf(accepts, n);
    }

    private int intern(int[] set) {
        Key key = new Key(set);
        Integer id = ids.get(key);
        if (id != null) {
            return id;
        }
        int newId = stateSets.size();
        if (newId >= accepts.length) {
            grow();
        }
        stateSets.add(set);
        ids.put(key, newId);
        accepts[newId] = accepting(set);
        return newId;
    }

    /*
     * The patterns a state accepts, in the order first seen (start matches, then the set's match states), or null.
     * A plain loop rather than a stream: this runs for every new state, and with the stream pipeline inlined C2
     * compiled step() to 29 KB of code (17 KB without).
     */
    private int[] accepting(int[] set) {
        int[] acc = nfa.startMatches;
        for (int s : set) {
            int m = nfa.stateMatch[s];
            if (m >= 0 && !contains(acc, m)) {
                acc = Arrays.copyOf(acc, acc.length + 1);
                acc[acc.length - 1] = m;
            }
        }
        return acc.length == 0 ? null : acc;
    }

    private static boolean contains(int[] a, int x) {
        for (int v : a) {
            if (v == x) {
                return true;
            }
        }
        return false;
    }

    private record Key(int[] states) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(states, k.states);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(states);
        }
    }
}
