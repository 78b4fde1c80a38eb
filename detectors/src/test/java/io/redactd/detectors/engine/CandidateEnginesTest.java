package io.redactd.detectors.engine;

import com.google.re2j.Matcher;
import io.redactd.detectors.catalog.Catalog;
import io.redactd.detectors.catalog.DetectorSpec;
import io.redactd.detectors.redact.Utf8;
import io.redactd.detectors.synthetic.SyntheticLog;
import io.redactd.detectors.testing.SampleLines;
import io.redactd.detectors.testing.TestDetectors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks each engine against RE2/J itself, pattern by pattern: a pattern RE2/J matches anywhere in a line must be
 * nominated (never too few), and searching only the stretch the engine's reported match ends allow
 * ({@link StartBounds} to lastEnd) must give exactly the matches of a search over the whole line.
 */
class CandidateEnginesTest {

    @Test
    void enginesNominateEveryMatchAndTheirWindowsLoseNothing() {
        List<DetectorSpec> specs = new ArrayList<>(Catalog.builtIn());
        specs.addAll(TestDetectors.all());
        List<CompiledDetector> detectors = new ArrayList<>();
        List<CompiledPattern> patterns = new ArrayList<>();
        for (DetectorSpec s : specs) {
            CompiledDetector d = CompiledDetector.of(detectors.size(), s, s.defaultAction());
            detectors.add(d);
            for (String regex : s.patterns()) {
                patterns.add(new CompiledPattern(patterns.size(), d.index(), regex,
                        ByteRegexMaxLength.of(regex), com.google.re2j.Pattern.compile(regex)));
            }
        }
        PortableEngine portable = new PortableEngine(patterns, detectors);
        List<CandidateEngine> engines = new ArrayList<>(List.of(portable));
        if (HyperscanEngine.unavailableReason() == null) {
            engines.add(new HyperscanEngine(patterns, detectors, portable));
        }
        StartBounds.Scan starts = new StartBounds(patterns).newScan();
        List<byte[]> lines = new ArrayList<>(SampleLines.generate(1_000, 11));
        SyntheticLog gen = new SyntheticLog(3, 0.5, 0.3);
        for (int i = 0; i < 1_000; i++) {
            lines.add(gen.next().text().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        // values after multi-byte characters: a window start inside a character made RE2/J miss what followed
        for (String before : new String[] {"ログ", "日日", "éé", "xé", "日本語", "ß"}) {
            for (String sep : new String[] {" ", "  ", "="}) {
                for (String v : new String[] {"(221)676-1212", "123-45-6789", "+1 217 555 0123", "4111 1111 1111 1111",
                    "srv_4111111111111111", "123\u00A045\u00A06789", "\uFF14\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11"
                        + "\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11", "a.b@x.org"}) {
                    lines.add((before + sep + v).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        }
        for (CandidateEngine engine : engines) {
            CandidateEngine.Scan scan = engine.newScan();
            PatternSet set = new PatternSet(patterns.size());
            int confirmed = 0;
            for (byte[] raw : lines) {
                set.clear();
                scan.candidates(raw, 0, raw.length, set);
                byte[] line = raw.clone(); // RE2/J reads what the redactor gives it: invalid UTF-8 replaced
                int bad = Utf8.firstInvalid(line, 0, line.length);
                if (bad >= 0) {
                    Utf8.sanitize(line, bad);
                }
                for (CompiledPattern p : patterns) {
                    List<String> full = matches(p.re2().matcher(line), 0, PatternSet.UNKNOWN);
                    if (!set.contains(p.index())) {
                        assertThat(full).as("%s missed %s on %s", engine.name(), p.regex(), new String(line, java.nio.charset.StandardCharsets.ISO_8859_1)).isEmpty();
                        continue;
                    }
                    int from = starts.searchFrom(p, set, line);
                    assertThat(matches(p.re2().matcher(line), from, set.lastEnd(p.index())))
                            .as("%s window for %s from %d to %d on %s", engine.name(), p.regex(), from,
                                    set.lastEnd(p.index()), java.util.Arrays.toString(line)).isEqualTo(full);
                    confirmed += full.size();
                }
            }
            assertThat(confirmed).as("matches seen by %s", engine.name()).isGreaterThan(1000);
        }
        engines.forEach(CandidateEngine::close);
    }

    private static List<String> matches(Matcher m, int from, int lastEnd) {
        List<String> out = new ArrayList<>();
        for (boolean found = m.find(from); found; found = m.end() < lastEnd && m.find()) {
            out.add(m.start() + "-" + m.end());
        }
        return out;
    }

    /** Same computation as Plans uses. */
    static final class ByteRegexMaxLength {
        static int of(String regex) {
            try {
                return ByteRegex.maxLength(ByteRegex.parse(regex));
            } catch (ByteRegex.Unsupported e) {
                return -1;
            }
        }
    }
}
