package io.redactd.detectors.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Thompson NFA over bytes for many patterns at once, built from {@link ByteRegex} approximations. Immutable and
 * shared; each thread runs it through its own {@link LazyDfa}. Bytes are grouped into equivalence classes (bytes no
 * pattern tells apart) so DFA rows stay short.
 */
final class ByteNfa {
    /** Repetition counts above this become open-ended: keeps the DFA small and only widens the language. */
    private static final int MAX_COUNTED = 24;
    /** A repetition range wider than this becomes open-ended for the same reason. */
    private static final int MAX_OPTIONAL = 4;

    // per state: a byte transition (set >= 0), an epsilon fan-out, or a match
    private final List<long[]> byteSets = new ArrayList<>();
    private final List<Integer> setOf = new ArrayList<>();
    private final List<Integer> next = new ArrayList<>();
    private final List<int[]> eps = new ArrayList<>();
    private final List<Integer> matchOf = new ArrayList<>();
    private final List<Boolean> beginOnly = new ArrayList<>();
    private final List<Integer> starts = new ArrayList<>();

    // frozen form
    int[] stateSet;      // index into sets, -1 when not a byte state
    int[] stateNext;
    int[][] stateEps;
    int[] stateMatch;    // pattern id, -1 when not a match state
    boolean[] stateBegin; // an epsilon passable only at the start of the line
    long[][] sets;
    int[] classOf;       // byte -> class
    int classCount;
    boolean[][] classInSet; // [set][class]
    int[] startClosure;   // start states as re-entered at every later position
    int[] initialClosure; // start states at position 0, where '^' holds
    /*
     * Every DFA state holds the start closure (the search is unanchored), which is most of the NFA for a big
     * catalog. So a DFA state is keyed and stored by its own states only, and what the start closure contributes is
     * precomputed once: its successors per byte class and its match states.
     */
    boolean[] inStart;
    int[][] startSeeds;   // per class: targets of the start closure's byte states on that class
    int[] startMatches;   // patterns the start closure itself accepts (nullable patterns)
    int[] initialOwn;     // initialClosure without the start closure
    int patternCount;

    private ByteNfa() {
    }

    /** Builds one NFA; {@code patterns} holds the parsed approximation per pattern id (null = never nominated here). */
    static ByteNfa build(List<ByteRegex.Node> patterns) {
        ByteNfa nfa = new ByteNfa();
        nfa.patternCount = patterns.size();
        for (int id = 0; id < patterns.size(); id++) {
            ByteRegex.Node node = patterns.get(id);
            if (node == null) {
                continue;
            }
            int[] f = nfa.fragment(node);
            int m = nfa.newState(-1, -1, id);
            nfa.addEps(f[1], m);
            nfa.starts.add(f[0]);
        }
        nfa.freeze();
        return nfa;
    }

    private int newState(int set, int nextState, int match) {
        setOf.add(set);
        next.add(nextState);
        eps.add(new int[0]);
        matchOf.add(match);
        beginOnly.add(false);
        return setOf.size() - 1;
    }

    private void addEps(int from, int to) {
        int[] old = eps.get(from);
        int[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = to;
        eps.set(from, grown);
    }

    /** Returns {start, end}; end is an epsilon state with no edges yet. */
    private int[] fragment(ByteRegex.Node node) {
        if (node instanceof ByteRegex.NonAscii) {
            return fragment(ByteRegex.nonAsciiBytes());
        }
        if (node instanceof ByteRegex.Begin) {
            int s = newState(-1, -1, -1);
            int e = newState(-1, -1, -1);
            beginOnly.set(s, true);
            addEps(s, e);
            return new int[] {s, e};
        }
        if (node instanceof ByteRegex.Bytes b) {
            byteSets.add(b.set());
            int e = newState(-1, -1, -1);
            int s = newState(byteSets.size() - 1, e, -1);
            return new int[] {s, e};
        }
        if (node instanceof ByteRegex.Cat c) {
            if (c.items().isEmpty()) {
                int e = newState(-1, -1, -1);
                return new int[] {e, e};
            }
            int[] first = fragment(c.items().get(0));
            int end = first[1];
            for (int i = 1; i < c.items().size(); i++) {
                int[] f = fragment(c.items().get(i));
                addEps(end, f[0]);
                end = f[1];
            }
            return new int[] {first[0], end};
        }
        if (node instanceof ByteRegex.Alt a) {
            int s = newState(-1, -1, -1);
            int e = newState(-1, -1, -1);
            for (ByteRegex.Node branch : a.branches()) {
                int[] f = fragment(branch);
                addEps(s, f[0]);
                addEps(f[1], e);
            }
            return new int[] {s, e};
        }
        ByteRegex.Repeat r = (ByteRegex.Repeat) node;
        int[] bounds = approximateBounds(r.min(), r.max());
        int min = bounds[0];
        int max = bounds[1];
        int s = newState(-1, -1, -1);
        int end = s;
        for (int i = 0; i < min; i++) {
            int[] f = fragment(r.node());
            addEps(end, f[0]);
            end = f[1];
        }
        if (max < 0) {
            int loop = newState(-1, -1, -1);
            int e = newState(-1, -1, -1);
            addEps(end, loop);
            int[] f = fragment(r.node());
            addEps(loop, f[0]);
            addEps(loop, e);
            addEps(f[1], loop);
            return new int[] {s, e};
        }
        int e = newState(-1, -1, -1);
        for (int i = min; i < max; i++) {
            int[] f = fragment(r.node());
            addEps(end, f[0]);
            addEps(end, e);
            end = f[1];
        }
        addEps(end, e);
        return new int[] {s, e};
    }

    /** {min, max} of a repetition after widening; max -1 = open-ended. */
    static int[] approximateBounds(int min, int max) {
        int m = Math.min(min, MAX_COUNTED);
        if (m < min || (max >= 0 && max - m > MAX_OPTIONAL)) {
            return new int[] {m, -1};
        }
        return new int[] {m, max};
    }

    private void freeze() {
        int n = setOf.size();
        stateSet = new int[n];
        stateNext = new int[n];
        stateEps = new int[n][];
        stateMatch = new int[n];
        stateBegin = new boolean[n];
        for (int i = 0; i < n; i++) {
            stateBegin[i] = beginOnly.get(i);
            stateSet[i] = setOf.get(i);
            stateNext[i] = next.get(i);
            stateEps[i] = eps.get(i);
            stateMatch[i] = matchOf.get(i);
        }
        sets = byteSets.toArray(new long[0][]);
        // byte classes: refine the partition by every set
        // (class, in set) -> new class, numbered in order of first occurrence. An array rather than a map of boxed
        // keys: with thousands of sets this loop was a third of the start-up's CPU.
        classOf = new int[256];
        int count = 1;
        int[] split = new int[512];
        int[] refined = new int[256];
        for (long[] set : sets) {
            Arrays.fill(split, 0, 2 * count, -1);
            int size = 0;
            for (int b = 0; b < 256; b++) {
                int key = (classOf[b] << 1) | (ByteRegex.contains(set, b) ? 1 : 0);
                int id = split[key];
                if (id < 0) {
                    id = size++;
                    split[key] = id;
                }
                refined[b] = id;
            }
            int[] t = classOf;
            classOf = refined;
            refined = t;
            count = size;
        }
        classCount = count;
        classInSet = new boolean[sets.length][classCount];
        for (int s = 0; s < sets.length; s++) {
            for (int b = 0; b < 256; b++) {
                if (ByteRegex.contains(sets[s], b)) {
                    classInSet[s][classOf[b]] = true;
                }
            }
        }
        int[] startStates = starts.stream().mapToInt(Integer::intValue).toArray();
        startClosure = closure(startStates, new int[0], false);
        initialClosure = closure(startStates, new int[0], true);
        inStart = new boolean[n];
        for (int st : startClosure) {
            inStart[st] = true;
        }
        startSeeds = new int[classCount][];
        for (int c = 0; c < classCount; c++) {
            int[] t = new int[startClosure.length];
            int k = 0;
            for (int st : startClosure) {
                if (stateSet[st] >= 0 && classInSet[stateSet[st]][c] && !inStart[stateNext[st]]) {
                    t[k++] = stateNext[st];
                }
            }
            startSeeds[c] = Arrays.copyOf(t, k);
        }
        startMatches = Arrays.stream(startClosure).map(st -> stateMatch[st]).filter(m -> m >= 0).distinct().toArray();
        initialOwn = Arrays.stream(initialClosure).filter(st -> !inStart[st]).toArray();
    }

    /** Per-thread scratch space for {@link #ownClosure}, so building a DFA state allocates only its result. */
    static final class Scratch {
        final int[] seen;
        int stamp;
        int[] stack;
        final int[] out;

        Scratch(ByteNfa nfa) {
            seen = new int[nfa.stateSet.length];
            stack = new int[64];
            out = new int[nfa.stateSet.length];
        }
    }

    /**
     * Epsilon closure of {@code seeds[0, n)} (not at the start of the line) without the start closure's states, which
     * every DFA state implies: sorted byte and match states.
     */
    int[] ownClosure(int[] seeds, int n, Scratch sc) {
        int stamp = ++sc.stamp;
        if (stamp == Integer.MAX_VALUE) {
            Arrays.fill(sc.seen, 0);
            sc.stamp = stamp = 1;
        }
        int[] seen = sc.seen;
        int[] stack = sc.stack;
        int sp = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (sp == stack.length) {
                stack = sc.stack = Arrays.copyOf(stack, sp * 2);
            }
            stack[sp++] = seeds[i];
        }
        while (sp > 0) {
            int st = stack[--sp];
            if (seen[st] == stamp || inStart[st]) {
                continue; // the start closure is closed: nothing it reaches is missing
            }
            seen[st] = stamp;
            if (stateSet[st] >= 0 || stateMatch[st] >= 0) {
                sc.out[count++] = st;
            }
            if (stateBegin[st]) {
                continue;
            }
            for (int t : stateEps[st]) {
                if (seen[t] != stamp && !inStart[t]) {
                    if (sp == stack.length) {
                        stack = sc.stack = Arrays.copyOf(stack, sp * 2);
                    }
                    stack[sp++] = t;
                }
            }
        }
        int[] result = Arrays.copyOf(sc.out, count);
        Arrays.sort(result);
        return result;
    }

    /** Epsilon closure of {@code seeds} plus the already-closed {@code base}: sorted byte and match states. */
    int[] closure(int[] seeds, int[] base, boolean atStart) {
        boolean[] seen = new boolean[stateSet.length];
        int[] stack = new int[stateSet.length + seeds.length];
        int sp = 0;
        int[] out = new int[stateSet.length];
        int count = 0;
        for (int b : base) {
            seen[b] = true;
            out[count++] = b;
        }
        for (int s : seeds) {
            stack[sp++] = s;
        }
        while (sp > 0) {
            int s = stack[--sp];
            if (seen[s]) {
                continue;
            }
            seen[s] = true;
            if (stateSet[s] >= 0 || stateMatch[s] >= 0) {
                out[count++] = s;
            }
            if (stateBegin[s] && !atStart) {
                continue;
            }
            for (int t : stateEps[s]) {
                if (!seen[t]) {
                    stack[sp++] = t;
                }
            }
        }
        int[] result = Arrays.copyOf(out, count);
        Arrays.sort(result);
        return result;
    }
}
