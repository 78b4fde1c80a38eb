package io.redactd.detectors.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The pure-Java engine: one lazily built multi-pattern DFA over bytes nominates the patterns whose (widened) language
 * occurs in a line, so a clean line costs one table lookup per byte and no regex. Patterns the approximation cannot
 * read are nominated on every line (slower, still exact).
 */
final class PortableEngine implements CandidateEngine {
    private static final Logger LOG = LoggerFactory.getLogger(PortableEngine.class);

    private final ByteNfa nfa;
    private final long[] alwaysOn;

    PortableEngine(List<CompiledPattern> patterns, List<CompiledDetector> detectors) {
        List<ByteRegex.Node> nodes = new ArrayList<>();
        PatternSet always = new PatternSet(patterns.size());
        for (CompiledPattern p : patterns) {
            try {
                nodes.add(ByteRegex.parse(p.regex()));
            } catch (ByteRegex.Unsupported | RuntimeException e) {
                nodes.add(null);
                always.add(p.index());
                LOG.warn("detector {} pattern {}: prefilter cannot read it ({}); it runs on every line",
                        detectors.get(p.detector()).id(), p.index(), e.getMessage());
            }
        }
        this.nfa = ByteNfa.build(nodes);
        this.alwaysOn = always.isEmpty() ? null : always.toWords();
    }

    @Override
    public String name() {
        return "portable";
    }

    @Override
    public Scan newScan() {
        return new DfaScan(new LazyDfa(nfa), alwaysOn);
    }

    /** One thread's scan: its own lazy DFA, plus the patterns nominated on every line. */
    private static final class DfaScan implements Scan {
        private final LazyDfa dfa;
        private final long[] alwaysOn;

        DfaScan(LazyDfa dfa, long[] alwaysOn) {
            this.dfa = dfa;
            this.alwaysOn = alwaysOn;
        }

        @Override
        public void candidates(byte[] buf, int off, int len, PatternSet out) {
            dfa.scan(buf, off, len, out);
            if (alwaysOn != null) {
                out.addAll(alwaysOn);
            }
        }

        @Override
        public void candidatesPair(byte[] a, int offA, int lenA, PatternSet outA,
                                   byte[] b, int offB, int lenB, PatternSet outB) {
            dfa.scanPair(a, offA, lenA, outA, b, offB, lenB, outB);
            if (alwaysOn != null) {
                outA.addAll(alwaysOn);
                outB.addAll(alwaysOn);
            }
        }
    }

    @Override
    public void close() {
        // nothing native
    }
}
