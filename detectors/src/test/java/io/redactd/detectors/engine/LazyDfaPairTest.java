package io.redactd.detectors.engine;

import io.redactd.detectors.catalog.Catalog;
import io.redactd.detectors.catalog.DetectorSpec;
import io.redactd.detectors.synthetic.SyntheticLog;
import io.redactd.detectors.testing.SampleLines;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LazyDfa#scanPair} must nominate exactly what two {@link LazyDfa#scan} calls do (patterns, first and last
 * match ends), including when the state cache is flushed in the middle of a pair (a cache of a few states flushes
 * all the time: the other line's state must survive the renumbering), and for partners of any lengths.
 */
class LazyDfaPairTest {

    @ParameterizedTest
    @ValueSource(ints = {8, 12, 64, 16384})
    void pairedScanNominatesAsTwoScans(int maxStates) throws Exception {
        List<ByteRegex.Node> nodes = new ArrayList<>();
        for (DetectorSpec spec : Catalog.builtIn()) {
            for (String regex : spec.patterns()) {
                try {
                    nodes.add(ByteRegex.parse(regex));
                } catch (ByteRegex.Unsupported | RuntimeException e) {
                    nodes.add(null); // as PortableEngine does: that pattern is nominated on every line instead
                }
            }
        }
        int patterns = nodes.size();
        ByteNfa nfa = ByteNfa.build(nodes);
        LazyDfa single = new LazyDfa(nfa, maxStates);
        LazyDfa paired = new LazyDfa(nfa, maxStates);
        List<byte[]> lines = lines();
        PatternSet expectA = new PatternSet(patterns);
        PatternSet expectB = new PatternSet(patterns);
        PatternSet gotA = new PatternSet(patterns);
        PatternSet gotB = new PatternSet(patterns);
        SplittableRandom rnd = new SplittableRandom(5);
        int nominated = 0;
        int pairs = maxStates < 100 ? 1_500 : 12_000; // a tiny cache rebuilds states all the time: slow
        for (int n = 0; n < pairs; n++) {
            byte[] a = lines.get(rnd.nextInt(lines.size()));
            byte[] b = lines.get(rnd.nextInt(lines.size()));
            // sub-ranges too: offsets into the array, as the pipeline and LogHub reading pass them
            int offA = a.length == 0 ? 0 : rnd.nextInt(Math.min(a.length, 8));
            int offB = b.length == 0 ? 0 : rnd.nextInt(Math.min(b.length, 8));
            int lenA = a.length - offA;
            int lenB = b.length - offB;
            expectA.clear();
            expectB.clear();
            single.scan(a, offA, lenA, expectA);
            single.scan(b, offB, lenB, expectB);
            gotA.clear();
            gotB.clear();
            paired.scanPair(a, offA, lenA, gotA, b, offB, lenB, gotB);
            assertSame(expectA, gotA, patterns, n);
            assertSame(expectB, gotB, patterns, n);
            nominated += expectA.isEmpty() ? 0 : 1;
        }
        assertThat(nominated).isBetween(pairs / 10, pairs - pairs / 10); // both outcomes, or agreement proves little
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7})
    void aCacheTooSmallForTwoChainsIsRefused(int maxStates) {
        ByteNfa nfa;
        try {
            nfa = ByteNfa.build(List.of(ByteRegex.parse("\\d{3}")));
        } catch (ByteRegex.Unsupported e) {
            throw new AssertionError(e);
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LazyDfa(nfa, maxStates))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too small");
    }

    private static void assertSame(PatternSet expected, PatternSet got, int patterns, int n) {
        for (int p = 0; p < patterns; p++) {
            assertThat(got.contains(p)).as("pair %d pattern %d", n, p).isEqualTo(expected.contains(p));
            assertThat(got.firstEnd(p)).as("pair %d pattern %d first end", n, p).isEqualTo(expected.firstEnd(p));
            assertThat(got.lastEnd(p)).as("pair %d pattern %d last end", n, p).isEqualTo(expected.lastEnd(p));
        }
    }

    private static List<byte[]> lines() {
        List<byte[]> lines = new ArrayList<>(SampleLines.generate(2_000, 9));
        SyntheticLog gen = new SyntheticLog(13, 0.5, 0.3);
        for (int i = 0; i < 2_000; i++) {
            lines.add(gen.next().text().getBytes(StandardCharsets.UTF_8));
        }
        lines.add(new byte[0]);
        lines.add(new byte[] {(byte) 0xC3, (byte) 0x28, '1', '2', '3', '-', '4', '5', '-', '6', '7', '8', '9'});
        lines.add(("ip 10.0.0.1 " + "y".repeat(3_000) + " ssn 123-45-6789").getBytes(StandardCharsets.UTF_8));
        return lines;
    }
}
