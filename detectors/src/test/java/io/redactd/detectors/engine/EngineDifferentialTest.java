package io.redactd.detectors.engine;

import io.redactd.detectors.CustomDetector;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.Finding;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.catalog.Catalog;
import io.redactd.detectors.catalog.DetectorSpec;
import io.redactd.detectors.testing.SampleLines;
import io.redactd.detectors.testing.Settings;
import io.redactd.detectors.synthetic.SyntheticLog;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Both engines must give byte-identical output and identical findings on every line of the test corpus. */
class EngineDifferentialTest {

    private static List<DetectorSpec> catalog() {
        return Catalog.builtIn();
    }

    /** The catalog's labeled generator (every shape, PHI, hard negatives) plus engine edge cases. */
    private static List<byte[]> corpus() {
        List<byte[]> lines = new ArrayList<>(SampleLines.generate(4_000, 42));
        SyntheticLog gen = new SyntheticLog(7, 0.4, 0.3);
        for (int i = 0; i < 6_000; i++) {
            lines.add(gen.next().text().getBytes(StandardCharsets.UTF_8));
        }
        // the e-mail patterns around 64 local-part characters before the @, plain and encoded, after a boundary,
        // a letter or a '%', and after a non-ASCII character (the portable engine's path)
        for (int n = 60; n <= 70; n++) {
            for (String before : new String[] {"to=", "to=a", "to=%", "é", ""}) {
                for (String at : new String[] {"@", "%40", "\\u0040"}) {
                    String line = before + "p.q%2".repeat(n / 5) + "x".repeat(n % 5) + at + "example.org x";
                    lines.add(line.getBytes(StandardCharsets.UTF_8));
                    lines.add(("a@b.co." + line).getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return lines;
    }

    @Test
    void autoPicksThePortableEngineAndHyperscanStaysSelectable() {
        assertThat(Plans.compile(Settings.of(EngineChoice.AUTO).s(), catalog()).engineName()).isEqualTo("portable");
        assumeTrue(Plans.hyperscanAvailable(), "hyperscan runs on x86-64 Linux only");
        assertThat(Plans.compile(Settings.of(EngineChoice.HYPERSCAN).s(), catalog()).engineName())
                .isEqualTo("hyperscan");
    }

    @Test
    void hyperscanAndPortableAgreeOnEveryLine() {
        assumeTrue(HyperscanEngine.unavailableReason() == null, "hyperscan runs on x86-64 Linux only");
        Settings s = Settings.of(EngineChoice.HYPERSCAN)
                .withFieldRules(Map.of("*.ssn", "SSN"))
                .withCustom(List.of(new CustomDetector("acme", "ACME_ID", "\\bAC-\\d{6}\\b", null, List.of("acct"),
                        null)));
        DetectionPlan hs = Plans.compile(s.s(), catalog());
        DetectionPlan portable = Plans.compile(Settings.of(EngineChoice.PORTABLE)
                .withFieldRules(s.s().fieldRules()).withCustom(s.s().custom()).s(), catalog());
        assertThat(hs.engineName()).isEqualTo("hyperscan");
        assertThat(portable.engineName()).isEqualTo("portable");
        Redactor a = hs.newRedactor();
        Redactor b = portable.newRedactor();
        int redacted = 0;
        List<byte[]> lines = corpus();
        for (byte[] line : lines) {
            LineResult ra = a.redact(line);
            byte[] outA = Arrays.copyOfRange(ra.output(), ra.outputOffset(), ra.outputOffset() + ra.outputLength());
            List<Finding> fa = findings(ra);
            LineResult rb = b.redact(line);
            byte[] outB = Arrays.copyOfRange(rb.output(), rb.outputOffset(), rb.outputOffset() + rb.outputLength());
            assertThat(outA).as("line %d", lines.indexOf(line)).isEqualTo(outB); // index only: no content
            assertThat(fa).isEqualTo(findings(rb));
            assertThat(ra.dropped()).isEqualTo(rb.dropped());
            redacted += ra.clean() ? 0 : 1;
        }
        // the corpus must exercise both outcomes, or agreement proves nothing
        assertThat(redacted).isBetween(lines.size() / 10, lines.size() - lines.size() / 10);
    }

    private static List<Finding> findings(LineResult r) {
        List<Finding> out = new ArrayList<>();
        for (int i = 0; i < r.findingCount(); i++) {
            out.add(r.finding(i));
        }
        return out;
    }
}
