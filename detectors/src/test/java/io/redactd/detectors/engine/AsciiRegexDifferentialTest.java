package io.redactd.detectors.engine;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.Finding;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.catalog.Catalog;
import io.redactd.detectors.catalog.DetectorSpec;
import io.redactd.detectors.redact.RedactionPlan;
import io.redactd.detectors.synthetic.SyntheticLog;
import io.redactd.detectors.testing.SampleLines;
import io.redactd.detectors.testing.Settings;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AsciiRegex} claims RE2/J's exact matches and groups for every built-in pattern on ASCII text. Checked here
 * pattern by pattern, the way {@code SpanFinder} uses both (find from an offset, then find again from each match's
 * end, group 1 asked for after each match), on the synthetic corpus, hard negatives, and randomized and mutated lines.
 */
class AsciiRegexDifferentialTest {
    /** Bytes the catalog's patterns care about, plus controls: the randomized lines are built from these. */
    private static final String ALPHABET = "0123456789-. ()/:|^=\"'#@%+_,\\\n\r\tABCDEFGHJKMNPRTUVWXYZabcdefkmnopstuxyz";
    private static final String[] TOKENS = {"ssn ", "SSN: ", "dob=", "DOB: ", "born on ", "MRN: ", "mrn#", "patient ",
        "Patient: ", "name=", "Name: ", "firstName\":\"", "member id ", "policy no. ", "passport no ", "npi ",
        "phone ", "tel:", "PID|", "NK1|", "|", "^", "@", "%40", "\\u0040", "example.org", ".com", " St", " Ave",
        " Street", "Apt 4", ", Springfield, IL 62704", "PO Box ", "+1 ", "1-800-", "(217) ", "555-0123", "::",
        "fe80::1", "2001:db8:", "10.0.0.", "192.168.1.1", "Jan 5, 1987", "04/12/1987", "1987-04-12", "T10:00",
        "4111 1111 1111 1111", "378282246310005", "536-22-8872", "536 22 8872", "1EG4-TE5-MK73", "GB82 WEST 1234",
        "1HGCM82633A004352", "AB1234563", "John Smith", "DOE, JOHN Q", "O'Brien", "McDonald", "Smith-Jones",
        "1234567893", "2125550123", "v1.2.3.4", "blk_123", "-42", "0x1f", "a",
        // values glued to a word: underscore, a letter's dash, a letter (dashed SSN)
        "srv_4111111111111111", "cc-5500-0000-0000-0004", "_3782 822463 10005", "user536-22-8872", "host-212-67-4821",
        "blk_4568377692254637284", "blk_-", "x-", "_",
        // after a letter's dot, SSN groups joined by underscores, cards glued to letters (and their hex look-alikes)
        "ssn.536-22-8872", "user.", "patient.4111111111111111", "536_22_8872", "id_536_22_8872_", "1_536_22_8872",
        "card4111111111111111", "x4111111111111111y", "4111111111111111x", "0x4111111111111111", "af4111111111111111",
        "4111111111111111abcz", "pan3782 822463 10005", "g", "q", "fe",
        // the e-mail patterns' long runs (more than 64 local-part characters before the @) and '%' before a local part
        "x".repeat(63) + "j.doe@example.org", "%22Dr.%20Jane%20Q%20Public%20Smith-Worthington%20III%22%20%3C",
        "y".repeat(64) + "%40example.org", "%22jane%40example.org%22", "z".repeat(40)};

    private static List<String> patterns() {
        List<String> out = new ArrayList<>();
        for (DetectorSpec s : Catalog.builtIn()) {
            out.addAll(s.patterns());
        }
        return out;
    }

    private static boolean matchesAscii(String regex) {
        try {
            return ByteRegex.matchesAscii(ByteRegex.parse(regex));
        } catch (ByteRegex.Unsupported e) {
            return true;
        }
    }

    @Test
    void everyBuiltInPatternIsClaimed() {
        for (String regex : patterns()) {
            assertThat(AsciiRegex.compile(regex)).as(regex).isNotNull();
        }
    }

    @Test
    void syntaxOutsideTheSubsetIsLeftToRe2j() {
        for (String regex : List.of("\\pL+", "[[:alpha:]]+", "(?U)a+", "a*", "(a*)*b", "(?:)", "\\Qa\\E",
                "\\101", "x**", "a|")) {
            assertThat(AsciiRegex.compile(regex)).as(regex).isNull();
        }
    }

    @Test
    void sameMatchesAndGroupsAsRe2jOnEveryPattern() {
        List<byte[]> lines = corpus();
        SplittableRandom rnd = new SplittableRandom(3);
        AsciiRegex.Matcher mine = new AsciiRegex.Matcher();
        long matches = 0;
        for (String regex : patterns()) {
            AsciiRegex re = AsciiRegex.compile(regex);
            Pattern re2 = Pattern.compile(regex);
            long patternMatches = 0;
            for (int i = 0; i < lines.size(); i++) {
                byte[] line = lines.get(i);
                int from = (i & 3) == 0 ? rnd.nextInt(line.length + 1) : 0;
                for (int group : new int[] {1, 0}) {
                    List<Integer> expected = re2Spans(re2, line, from, group);
                    List<Integer> actual = exactSpans(mine, re, line, from, group);
                    // line index and pattern only: the lines are synthetic, but keep the habit of not printing input
                    assertThat(actual).as("pattern %s, line %d, from %d, group %d", regex, i, from, group)
                            .isEqualTo(expected);
                    patternMatches += group == 1 ? expected.size() / 4 : 0;
                }
            }
            if (matchesAscii(regex)) { // the full-width patterns need non-ASCII characters: never on ASCII lines
                assertThat(patternMatches).as("pattern %s must match somewhere in the corpus", regex).isPositive();
            } else {
                assertThat(patternMatches).as("pattern %s on ASCII lines", regex).isZero();
            }
            matches += patternMatches;
        }
        assertThat(matches).isGreaterThan(5_000);
    }

    /** End to end: the redactor with the exact matcher and with RE2/J only give the same bytes and findings. */
    @Test
    void redactorOutputIsTheSameWithAndWithoutTheExactMatcher() {
        DetectionPlan exact = Plans.compile(Settings.of(EngineChoice.PORTABLE).s(), Catalog.builtIn());
        DetectionPlan re2Only;
        System.setProperty(RedactionPlan.RE2_ONLY, "true");
        try {
            re2Only = Plans.compile(Settings.of(EngineChoice.PORTABLE).s(), Catalog.builtIn());
        } finally {
            System.clearProperty(RedactionPlan.RE2_ONLY);
        }
        Redactor a = exact.newRedactor();
        Redactor b = re2Only.newRedactor();
        List<byte[]> lines = corpus();
        lines.addAll(SampleLines.generate(4_000, 42)); // also non-ASCII and invalid UTF-8 (RE2/J path)
        lines.addAll(longLines(lines)); // too long for the visited bitmap: those patterns go to RE2/J
        int redacted = 0;
        for (int i = 0; i < lines.size(); i++) {
            LineResult ra = a.redact(lines.get(i));
            byte[] outA = Arrays.copyOfRange(ra.output(), ra.outputOffset(), ra.outputOffset() + ra.outputLength());
            List<Finding> fa = new ArrayList<>();
            for (int k = 0; k < ra.findingCount(); k++) {
                fa.add(ra.finding(k));
            }
            LineResult rb = b.redact(lines.get(i));
            byte[] outB = Arrays.copyOfRange(rb.output(), rb.outputOffset(), rb.outputOffset() + rb.outputLength());
            assertThat(outA).as("line %d", i).isEqualTo(outB);
            List<Finding> fb = new ArrayList<>();
            for (int k = 0; k < rb.findingCount(); k++) {
                fb.add(rb.finding(k));
            }
            assertThat(fa).as("line %d", i).isEqualTo(fb);
            redacted += ra.clean() ? 0 : 1;
        }
        assertThat(redacted).isGreaterThan(lines.size() / 10);
    }

    @Test
    void longStretchesAreLeftToRe2j() {
        AsciiRegex name = AsciiRegex.compile(Catalog.builtIn().stream()
                .filter(d -> d.id().equals("name.labeled")).findFirst().orElseThrow().patterns().get(0));
        assertThat(name.fits(200)).isTrue();
        assertThat(name.fits(30_000)).isFalse();
    }

    /** ~30 KB ASCII lines: PHI lines glued together, so PHI sits at both ends and in between. */
    private static List<byte[]> longLines(List<byte[]> lines) {
        List<byte[]> out = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            StringBuilder sb = new StringBuilder();
            for (int i = k; sb.length() < 30_000; i += 5) {
                sb.append(new String(lines.get(i % 4_000), StandardCharsets.US_ASCII)).append(' ');
            }
            out.add(sb.toString().getBytes(StandardCharsets.US_ASCII));
        }
        return out;
    }

    /** RE2/J as SpanFinder drives it: find(from), then find() while found; per match group start/end, match end. */
    private static List<Integer> re2Spans(Pattern p, byte[] line, int from, int group) {
        List<Integer> out = new ArrayList<>();
        Matcher m = p.matcher(line);
        for (boolean found = m.find(from); found; found = m.find()) {
            out.add(m.start(group));
            out.add(m.end(group));
            out.add(m.start());
            out.add(m.end());
        }
        return out;
    }

    private static List<Integer> exactSpans(AsciiRegex.Matcher m, AsciiRegex re, byte[] line, int from, int group) {
        List<Integer> out = new ArrayList<>();
        for (boolean found = m.find(re, line, from, line.length, group != 0); found;
             found = m.find(re, line, m.end(0), line.length, group != 0)) {
            out.add(m.start(group));
            out.add(m.end(group));
            out.add(m.start(0));
            out.add(m.end(0));
        }
        return out;
    }

    /** ASCII lines only (the matcher's domain): synthetic PHI and hard negatives, then randomized and mutated ones. */
    private static List<byte[]> corpus() {
        List<byte[]> lines = new ArrayList<>();
        SyntheticLog gen = new SyntheticLog(11, 0.6, 0.3);
        for (int i = 0; i < 4_000; i++) {
            addAscii(lines, gen.next().text().getBytes(StandardCharsets.UTF_8));
        }
        SyntheticLog negatives = new SyntheticLog(12, 0.0, 1.0);
        for (int i = 0; i < 1_000; i++) {
            addAscii(lines, negatives.next().text().getBytes(StandardCharsets.UTF_8));
        }
        SplittableRandom rnd = new SplittableRandom(5);
        int base = lines.size();
        for (int i = 0; i < 3_000; i++) { // mutated: a few random edits of a real line shift boundaries and counts
            byte[] src = lines.get(rnd.nextInt(base));
            StringBuilder sb = new StringBuilder(new String(src, StandardCharsets.US_ASCII));
            int edits = 1 + rnd.nextInt(4);
            for (int k = 0; k < edits && sb.length() > 0; k++) {
                int at = rnd.nextInt(sb.length());
                char c = ALPHABET.charAt(rnd.nextInt(ALPHABET.length()));
                switch (rnd.nextInt(3)) {
                    case 0 -> sb.setCharAt(at, c);
                    case 1 -> sb.insert(at, c);
                    default -> sb.deleteCharAt(at);
                }
            }
            lines.add(sb.toString().getBytes(StandardCharsets.US_ASCII));
        }
        for (int i = 0; i < 4_000; i++) { // randomized: pattern fragments glued with random bytes
            StringBuilder sb = new StringBuilder();
            int parts = 1 + rnd.nextInt(8);
            for (int k = 0; k < parts; k++) {
                if (rnd.nextBoolean()) {
                    sb.append(TOKENS[rnd.nextInt(TOKENS.length)]);
                } else {
                    int n = 1 + rnd.nextInt(12);
                    for (int j = 0; j < n; j++) {
                        sb.append(ALPHABET.charAt(rnd.nextInt(ALPHABET.length())));
                    }
                }
            }
            lines.add(sb.toString().getBytes(StandardCharsets.US_ASCII));
        }
        return lines;
    }

    private static void addAscii(List<byte[]> lines, byte[] line) {
        for (byte b : line) {
            if (b < 0) {
                return;
            }
        }
        lines.add(line);
    }
}
