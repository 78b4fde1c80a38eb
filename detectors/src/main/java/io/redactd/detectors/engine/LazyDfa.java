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
    private static final int DEFAULT_MAX_STATES = 4096;

    private final int maxStates;

    private final ByteNfa nfa;
    private final int classes;
    private final int[] transitions;
    private final List<int[]> stateSets = new ArrayList<>();
    private final Map<Key, Integer> ids = new HashMap<>();
    /** Per state, the patterns whose match ends on entering it (null for most states). */
    private final int[][] accepts;

    LazyDfa(ByteNfa nfa) {
        this(nfa, DEFAULT_MAX_STATES);
    }

    LazyDfa(ByteNfa nfa, int maxStates) {
        this.nfa = nfa;
        this.maxStates = maxStates;
        this.classes = nfa.classCount;
        this.accepts = new int[maxStates][];
        this.transitions = new int[maxStates * classes];
        reset();
    }

    private void reset() {
        Arrays.fill(transitions, -1);
        stateSets.clear();
        ids.clear();
        Arrays.fill(accepts, null);
        intern(nfa.initialClosure);
    }

    /** Adds to {@code out} every pattern the approximation matches somewhere in the range. */
    void scan(byte[] buf, int off, int len, PatternSet out) {
        int[] cls = nfa.classOf;
        int[] trans = transitions;
        int state = 0;
        if (accepts[0] != null) {
            addEnds(accepts[0], 0, out);
        }
        for (int i = off, end = off + len; i < end; i++) {
            int c = cls[buf[i] & 0xff];
            int t = trans[state * classes + c];
            if (t < 0) {
                t = step(state, c);
                trans = transitions;
            }
            state = t;
            int[] acc = accepts[state];
            if (acc != null) {
                addEnds(acc, i + 1 - off, out);
            }
        }
    }

    /**
     * Runs a DFA built from reversed patterns backwards over {@code buf[off, end)}, from {@code end} down; returns the
     * smallest offset (relative to {@code off}) at which one of them accepts, i.e. where a match can start, or -1.
     */
    int leftmostStart(byte[] buf, int off, int end) {
        int[] cls = nfa.classOf;
        int state = 0;
        int best = accepts[0] != null ? end - off : -1;
        for (int i = end - 1; i >= off; i--) {
            int c = cls[buf[i] & 0xff];
            int t = transitions[state * classes + c];
            if (t < 0) {
                t = step(state, c);
            }
            state = t;
            if (accepts[state] != null) {
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

    private int step(int state, int c) {
        int[] current = stateSets.get(state);
        if (stateSets.size() >= maxStates - 1) {
            reset();
            state = intern(current);
        }
        int[] seeds = new int[current.length];
        int n = 0;
        for (int s : current) {
            int set = nfa.stateSet[s];
            if (set >= 0 && nfa.classInSet[set][c]) {
                seeds[n++] = nfa.stateNext[s];
            }
        }
        int[] closed = nfa.closure(Arrays.copyOf(seeds, n), nfa.startClosure, false);
        int target = intern(closed);
        transitions[state * classes + c] = target;
        return target;
    }

    private int intern(int[] set) {
        Key key = new Key(set);
        Integer id = ids.get(key);
        if (id != null) {
            return id;
        }
        int newId = stateSets.size();
        stateSets.add(set);
        ids.put(key, newId);
        int[] acc = new int[0];
        for (int s : set) {
            int m = nfa.stateMatch[s];
            if (m >= 0 && Arrays.stream(acc).noneMatch(x -> x == m)) {
                acc = Arrays.copyOf(acc, acc.length + 1);
                acc[acc.length - 1] = m;
            }
        }
        accepts[newId] = acc.length == 0 ? null : acc;
        return newId;
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
