package io.redactd.detectors.engine;

import io.redactd.detectors.catalog.DetectorSpec;
import io.redactd.detectors.catalog.Catalog;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The byte classes of the NFA built for the whole catalog are exactly the bytes with the same membership in every
 * byte set, numbered in order of first occurrence (what the refinement by a map of (class, in set) keys gave).
 */
class ByteNfaClassesTest {
    @Test
    void classesAreTheMembershipSignaturesNumberedByFirstOccurrence() throws Exception {
        List<ByteRegex.Node> nodes = new ArrayList<>();
        for (DetectorSpec s : Catalog.builtIn()) {
            for (String p : s.patterns()) {
                try {
                    nodes.add(ByteRegex.parse(p));
                } catch (ByteRegex.Unsupported | RuntimeException e) {
                    nodes.add(null);
                }
            }
        }
        ByteNfa nfa = ByteNfa.build(nodes);
        assertThat(nfa.sets.length).isGreaterThan(10);

        Map<String, Integer> bySignature = new HashMap<>();
        int[] expected = new int[256];
        for (int b = 0; b < 256; b++) {
            StringBuilder sig = new StringBuilder(nfa.sets.length);
            for (long[] set : nfa.sets) {
                sig.append(ByteRegex.contains(set, b) ? '1' : '0');
            }
            expected[b] = bySignature.computeIfAbsent(sig.toString(), k -> bySignature.size());
        }
        assertThat(nfa.classOf).containsExactly(expected);
        assertThat(nfa.classCount).isEqualTo(bySignature.size()).isGreaterThan(10);
        for (int s = 0; s < nfa.sets.length; s++) {
            for (int b = 0; b < 256; b++) {
                assertThat(nfa.classInSet[s][nfa.classOf[b]]).isEqualTo(ByteRegex.contains(nfa.sets[s], b));
            }
        }
    }
}
