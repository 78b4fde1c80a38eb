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

    LazyDfa(ByteNfa nfa) {
        this(nfa, DEFAULT_MAX_STATES);
    }

    LazyDfa(ByteNfa nfa, int maxStates) {
        this.nfa = nfa;
        this.maxStates = maxStates;
        this.classes = nfa.classCount;
        int initial = Math.min(maxStates, INITIAL_STATES);
        this.accepts = new int[initial][];
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
