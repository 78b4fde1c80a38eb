package io.redactd.detectors.engine;

import com.google.re2j.Pattern;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The portable prefilter must nominate a pattern on every line where RE2/J finds it (never too few). */
class ByteRegexTest {
    private static final List<String> PATTERNS = List.of(
            "\\b\\d{3}-\\d{2}-\\d{4}\\b",
            "[A-Za-z0-9._+-]+(?:@|%40)[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}",
            "(?i)patient\\s*[:=]\\s*([a-z]+)",
            "(?i:mrn)[#: ]{0,3}(\\d{6,10})",
            "\\b[A-HJ-NPR-Z0-9]{17}\\b",
            "[^\\s\"]{3}x",
            "\\(?\\d{3}\\)?[ .-]?\\d{3}[ .-]\\d{4}",
            "(?P<v>ab|cd)+e{2,30}",
            "caf\u00e9 \\d",
            "\\p{L}+\\d",
            ".{2}Z",
            "\\Qa.b\\E[[:digit:]]",
            "x\\x41\\x{42}[\\x30-\\x39]",
            "^k$|ß");

    @Test
    void approximationNeverMissesAnRe2Match() throws Exception {
        List<ByteRegex.Node> nodes = new ArrayList<>();
        List<Pattern> re2 = new ArrayList<>();
        for (String p : PATTERNS) {
            nodes.add(ByteRegex.parse(p));
            re2.add(Pattern.compile(p));
        }
        ByteNfa nfa = ByteNfa.build(nodes);
        LazyDfa dfa = new LazyDfa(nfa);
        String alphabet = "0123456789-- ..@%40abcdeABCDEZxkKpatientPATIENT:=mrn#()\"\u00e9\u00dfé日\u212a";
        SplittableRandom rnd = new SplittableRandom(7);
        PatternSet set = new PatternSet(PATTERNS.size());
        int matches = 0;
        for (int n = 0; n < 30_000; n++) {
            StringBuilder sb = new StringBuilder();
            int len = 1 + rnd.nextInt(40);
            for (int i = 0; i < len; i++) {
                sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
            }
            byte[] line = sb.toString().getBytes(StandardCharsets.UTF_8);
            set.clear();
            dfa.scan(line, 0, line.length, set);
            for (int p = 0; p < PATTERNS.size(); p++) {
                if (re2.get(p).matcher(sb).find()) { // String input: RE2/J mis-anchors ^ on some byte input
                    matches++;
                    assertThat(set.contains(p)).as("pattern %s on %s", PATTERNS.get(p), sb).isTrue();
                }
            }
        }
        assertThat(matches).isGreaterThan(1000);
    }

    @Test
    void cleanTextNominatesNothing() throws Exception {
        ByteNfa nfa = ByteNfa.build(List.of(ByteRegex.parse(PATTERNS.get(0)), ByteRegex.parse(PATTERNS.get(1))));
        LazyDfa dfa = new LazyDfa(nfa);
        PatternSet set = new PatternSet(2);
        byte[] line = "GET /index.html HTTP/1.1 200 2026-11-27 12:00:01".getBytes(StandardCharsets.UTF_8);
        dfa.scan(line, 0, line.length, set);
        assertThat(set.isEmpty()).isTrue();
    }

    @Test
    void maxLengthIsExactAndSaturates() throws Exception {
        assertThat(ByteRegex.maxLength(ByteRegex.parse("\\b\\d{3}-\\d{2}-\\d{4}\\b"))).isEqualTo(11);
        assertThat(ByteRegex.maxLength(ByteRegex.parse("(?:^|[^0-9])(ab|c{2,5})"))).isEqualTo(9);
        assertThat(ByteRegex.maxLength(ByteRegex.parse("x+"))).isEqualTo(-1);
        assertThat(ByteRegex.maxLength(ByteRegex.parse("PID(?:\\|[^|]*){6}\\|"))).isEqualTo(-1);
        assertThat(ByteRegex.maxLength(ByteRegex.parse("(?:a{1000}){1000}"))).isEqualTo(-1);
    }

    @Test
    void unknownSyntaxIsReportedNotGuessed() {
        assertThatThrownBy(() -> ByteRegex.parse("a\\Kb")).isInstanceOf(ByteRegex.Unsupported.class);
        assertThatThrownBy(() -> ByteRegex.parse("(a")).isInstanceOf(ByteRegex.Unsupported.class);
    }
}
