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
    private static final int MAX_STATES = 4096;

    private final ByteNfa nfa;
    private final int classes;
    private final int[] transitions;
    private final List<int[]> stateSets = new ArrayList<>();
    private final Map<Key, Integer> ids = new HashMap<>();
    private final long[][] accepts = new long[MAX_STATES][];
    private final int words;

    LazyDfa(ByteNfa nfa) {
        this.nfa = nfa;
        this.classes = nfa.classCount;
        this.words = Math.max(1, (nfa.patternCount + 63) >>> 6);
        this.transitions = new int[MAX_STATES * classes];
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
            out.addAll(accepts[0]);
        }
        for (int i = off, end = off + len; i < end; i++) {
            int c = cls[buf[i] & 0xff];
            int t = trans[state * classes + c];
            if (t < 0) {
                t = step(state, c);
                trans = transitions;
            }
            state = t;
            long[] acc = accepts[state];
            if (acc != null) {
                out.addAll(acc);
            }
        }
    }

    private int step(int state, int c) {
        int[] current = stateSets.get(state);
        if (stateSets.size() >= MAX_STATES - 1) {
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
        long[] acc = null;
        for (int s : set) {
            int m = nfa.stateMatch[s];
            if (m >= 0) {
                if (acc == null) {
                    acc = new long[words];
                }
                acc[m >>> 6] |= 1L << m;
            }
        }
        accepts[newId] = acc;
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
