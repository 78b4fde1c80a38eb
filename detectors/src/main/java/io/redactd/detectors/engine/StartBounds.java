package io.redactd.detectors.engine;

import java.util.List;

/**
 * Where RE2/J must start searching for a nominated pattern. Every true match ends within the [firstEnd, lastEnd] the
 * engine reported. A pattern with a longest match (maxLength) cannot start before firstEnd - maxLength; for an
 * unbounded one (an e-mail's domain, a name after its label) the reversed, widened pattern is run backwards from
 * lastEnd, and the leftmost place it accepts is where the leftmost match can start at the earliest. Either way the
 * search gives the same matches as a search of the whole line, over a fraction of it.
 */
public final class StartBounds {
    /** Reverse DFA caches are small: they only ever see the bytes before a few candidate matches. */
    private static final int REVERSE_MAX_STATES = 512;

    private final ByteNfa[] reversed;

    public StartBounds(List<CompiledPattern> patterns) {
        reversed = new ByteNfa[patterns.size()];
        for (CompiledPattern p : patterns) {
            if (p.isContext() || p.maxLength() >= 0) {
                continue;
            }
            try {
                reversed[p.index()] = ByteNfa.build(List.of(ByteRegex.reverse(ByteRegex.parse(p.regex()))));
            } catch (ByteRegex.Unsupported e) {
                // left null: searched from the start of the line
            }
        }
    }

    public Scan newScan() {
        return new Scan(this);
    }

    /** Per-thread reverse DFAs, built on first use. */
    public static final class Scan {
        private final StartBounds bounds;
        private final LazyDfa[] dfas;

        private Scan(StartBounds bounds) {
            this.bounds = bounds;
            this.dfas = new LazyDfa[bounds.reversed.length];
        }

        /** Offset in {@code text} from which RE2/J's search for pattern {@code p} finds every match. */
        public int searchFrom(CompiledPattern p, PatternSet candidates, byte[] text) {
            int firstEnd = candidates.firstEnd(p.index());
            if (firstEnd < 0) {
                return 0;
            }
            if (p.maxLength() >= 0) {
                return charStart(text, Math.max(0, firstEnd - p.maxLength()));
            }
            ByteNfa nfa = bounds.reversed[p.index()];
            if (nfa == null) {
                return 0;
            }
            LazyDfa dfa = dfas[p.index()];
            if (dfa == null) {
                dfa = new LazyDfa(nfa, REVERSE_MAX_STATES);
                dfas[p.index()] = dfa;
            }
            int end = Math.min(candidates.lastEnd(p.index()), text.length);
            int start = dfa.leftmostStart(text, 0, end);
            return start < 0 ? 0 : charStart(text, start);
        }

        /**
         * The start of the character holding byte i ({@code text} is valid UTF-8 by now). RE2/J must not start a
         * search inside a character: from a continuation byte it misreads what follows and can miss a match after
         * it (measured: "日日  123-45-6789", searched from the middle of the second 日, found nothing). Starting a
         * few bytes earlier finds the same matches, since none starts before i.
         */
        private static int charStart(byte[] text, int i) {
            while (i > 0 && i < text.length && (text[i] & 0xC0) == 0x80) {
                i--;
            }
            return i;
        }
    }
}
