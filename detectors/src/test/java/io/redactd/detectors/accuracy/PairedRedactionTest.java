package io.redactd.detectors.accuracy;

import io.redactd.detectors.CustomDetector;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.Finding;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.catalog.Catalog;
import io.redactd.detectors.engine.Plans;
import io.redactd.detectors.synthetic.SyntheticLog;
import io.redactd.detectors.testing.SampleLines;
import io.redactd.detectors.testing.Settings;
import io.redactd.detectors.DetectionPlan;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Redacting lines two at a time ({@link Redactor#redactPair} / {@link Redactor#redactSecond}, the paired DFA scan)
 * must give exactly what redacting them one at a time gives: the same clean/dropped flags, output bytes, findings and
 * errors, line by line. Lines: all of LogHub (read in place, as ranges inside each file's bytes), the labeled
 * generators (PHI of every shape, hard negatives, JSON), and edge cases (empty, one byte, very long, invalid UTF-8,
 * JSON with PHI); pairings: in order, in batches of even and odd sizes (as the pipeline pairs a batch's events, an odd
 * one last alone), and every line next to a much longer or an empty partner, on either side. Failures name line indexes
 * only, never content.
 */
class PairedRedactionTest {
    /** A line as a range of a (shared) array, as the pipeline and LogHub reading hand them over. */
    private record Line(byte[] buf, int off, int len) {
        static Line of(byte[] b) {
            return new Line(b, 0, b.length);
        }
    }

    /** Everything a caller can observe of one line's redaction. */
    private record Outcome(boolean clean, boolean dropped, String output, List<Finding> findings, String error) {
        static Outcome of(LineResult r) {
            List<Finding> f = new ArrayList<>();
            for (int i = 0; i < r.findingCount(); i++) {
                f.add(r.finding(i));
            }
            String out = new String(r.output(), r.outputOffset(), r.outputLength(), StandardCharsets.ISO_8859_1);
            return new Outcome(r.clean(), r.dropped(), out, f, null);
        }

        static Outcome failed(RuntimeException e) {
            return new Outcome(false, false, null, List.of(), e.getClass().getName() + ": " + e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void pairsGiveExactlyTheSingleLineResults(EngineChoice engine) throws Exception {
        assumeTrue(engine != EngineChoice.HYPERSCAN || Plans.hyperscanAvailable(),
                "hyperscan runs on x86-64 Linux only");
        // field rules and a custom detector with context words: every path of the redactor
        DetectionPlan plan = Plans.compile(Settings.of(engine)
                .withFieldRules(Map.of("*.ssn", "SSN"))
                .withCustom(List.of(new CustomDetector("acme", "ACME_ID", "\\bAC-\\d{6}\\b", null, List.of("acct"),
                        null))).s(), Catalog.builtIn());
        List<Line> lines = corpus();
        Redactor single = plan.newRedactor();
        List<Outcome> expected = new ArrayList<>(lines.size());
        int changed = 0;
        int failed = 0;
        for (Line l : lines) {
            Outcome o = redact(single, l);
            expected.add(o);
            changed += o.clean() ? 0 : 1;
            failed += o.error() != null ? 1 : 0;
        }
        // the corpus must exercise clean, redacted and refused lines, or agreement proves little
        assertThat(changed).isGreaterThan(3_000);
        assertThat(lines.size() - changed).isGreaterThan(20_000);
        assertThat(failed).isEqualTo(1);

        Redactor paired = plan.newRedactor();
        for (int batch : new int[] {64, 3, 7}) {
            for (int from = 0; from < lines.size(); from += batch) {
                int to = Math.min(lines.size(), from + batch);
                int i = from;
                for (; i + 1 < to; i += 2) {
                    Outcome[] got = pair(paired, lines.get(i), lines.get(i + 1));
                    assertThat(got[0]).as("batch %d, line %d (first of a pair)", batch, i).isEqualTo(expected.get(i));
                    assertThat(got[1]).as("batch %d, line %d (second of a pair)", batch, i + 1)
                            .isEqualTo(expected.get(i + 1));
                }
                if (i < to) {
                    assertThat(redact(paired, lines.get(i))).as("batch %d, line %d (alone)", batch, i)
                            .isEqualTo(expected.get(i));
                }
            }
        }
        // partners of very different lengths, on either side: the common prefix is walked together, the rest alone
        Line empty = Line.of(new byte[0]);
        Line longLine = Line.of(("2026-11-27T03:17:53Z host=web-1 " + "lorem ipsum 10.1.2.3 dolor ".repeat(40))
                .getBytes(StandardCharsets.UTF_8));
        Outcome emptyOutcome = redact(single, empty);
        Outcome longOutcome = redact(single, longLine);
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < lines.size(); i += 1 + rnd.nextInt(6)) {
            Line partner = rnd.nextBoolean() ? empty : longLine;
            Outcome partnerOutcome = partner == empty ? emptyOutcome : longOutcome;
            Outcome[] got = pair(paired, lines.get(i), partner);
            assertThat(got[0]).as("line %d before a partner", i).isEqualTo(expected.get(i));
            assertThat(got[1]).as("partner after line %d", i).isEqualTo(partnerOutcome);
            got = pair(paired, partner, lines.get(i));
            assertThat(got[0]).as("partner before line %d", i).isEqualTo(partnerOutcome);
            assertThat(got[1]).as("line %d after a partner", i).isEqualTo(expected.get(i));
        }
    }

    private static Outcome redact(Redactor r, Line l) {
        try {
            return Outcome.of(r.redact(l.buf(), l.off(), l.len()));
        } catch (RuntimeException e) {
            return Outcome.failed(e);
        }
    }

    private static Outcome[] pair(Redactor r, Line a, Line b) {
        Outcome first;
        try {
            first = Outcome.of(r.redactPair(a.buf(), a.off(), a.len(), b.buf(), b.off(), b.len()));
        } catch (RuntimeException e) {
            first = Outcome.failed(e);
        }
        Outcome second;
        try {
            second = Outcome.of(r.redactSecond());
        } catch (RuntimeException e) {
            second = Outcome.failed(e);
        }
        return new Outcome[] {first, second};
    }

    private static List<Line> corpus() throws Exception {
        List<Line> lines = new ArrayList<>();
        for (Path file : LoghubCorpus.logFiles(LoghubCorpus.locate())) {
            byte[] data = Files.readAllBytes(file); // raw bytes: not guaranteed valid UTF-8
            for (int start = 0; start < data.length; ) {
                int nl = start;
                while (nl < data.length && data[nl] != '\n') {
                    nl++;
                }
                lines.add(new Line(data, start, nl - start));
                start = nl + 1;
            }
        }
        lines.addAll(SampleLines.generate(4_000, 42).stream().map(Line::of).toList());
        SyntheticLog gen = new SyntheticLog(7, 0.4, 0.3);
        for (int i = 0; i < 6_000; i++) {
            lines.add(Line.of(gen.next().text().getBytes(StandardCharsets.UTF_8)));
        }
        SplittableRandom rnd = new SplittableRandom(3);
        byte[] invalid = {'s', 's', 'n', ' ', '1', '2', '3', '-', '4', '5', '-', '6', '7', '8', '9', ' ', (byte) 0xC3,
                (byte) 0x28, ' ', (byte) 0xFF, 'x', (byte) 0xE2, (byte) 0x82};
        List<byte[]> edge = List.of(new byte[0], new byte[] {'x'}, new byte[] {(byte) 0xFF}, invalid,
                "{\"user\":{\"ssn\":\"123-45-6789\"},\"msg\":\"mail bob@example.org\"}".getBytes(StandardCharsets.UTF_8),
                "{\"msg\":\"not closed\"".getBytes(StandardCharsets.UTF_8),
                ("acct AC-123456 " + "x".repeat(5_000) + " 4111 1111 1111 1111").getBytes(StandardCharsets.UTF_8),
                "patient MRN 12345678 \u00e9\u00e8 call 555-867-5309".getBytes(StandardCharsets.UTF_8));
        // spread the edge cases through the corpus, so they meet many different partners and positions
        for (int k = 0; k < 400; k++) {
            lines.add(rnd.nextInt(lines.size()), Line.of(edge.get(k % edge.size())));
        }
        // one line over the size limit: refused (DetectionException) alone and in a pair alike
        lines.add(rnd.nextInt(lines.size()), Line.of(new byte[(1 << 20) + 1]));
        return lines;
    }
}
