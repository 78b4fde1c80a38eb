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
            "^k$|ß",
            // classes with a few non-ASCII members are matched exactly; negated or case-folded ones stay wide
            "[\uFF10-\uFF19]{3}(?:[ -]|\u3000|\uFF0D)[\uFF10-\uFF19]{2}",
            "(?:^|[^0-9.\uFF10-\uFF19\uFF0E])([\uFF10-\uFF19]{2})",
            "[a\u00A0\u2009-\u200B]x",
            "(?i:[\u00E9\u00C9]t)",
            "\\d{2}(?: |\u00A0|\u202F|\u2009)\\d");

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
        String alphabet = "0123456789-- ..@%40abcdeABCDEZxkKpatientPATIENT:=mrn#()\"\u00e9\u00dfé日\u212a"
                + "\uFF10\uFF15\uFF19\uFF19\uFF0D\uFF0E\u3000\u00A0\u2009\u200A\u200B\u202F\u00C9ttt\uFF1A\u00A1";
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

    /**
     * A class with a few non-ASCII members is its members' exact UTF-8 bytes, so full-width digit patterns stay quiet
     * on CJK text (any non-ASCII character would have matched before); and a pattern that needs such a character
     * cannot match ASCII text, which the Hyperscan engine (ASCII lines only) uses to leave it out.
     */
    @Test
    void smallNonAsciiClassesAreExact() throws Exception {
        ByteNfa nfa = ByteNfa.build(List.of(ByteRegex.parse("[\uFF10-\uFF19]{4}"),
                ByteRegex.parse("\\d(?:-|\u00A0)\\d")));
        LazyDfa dfa = new LazyDfa(nfa);
        PatternSet set = new PatternSet(2);
        for (String clean : new String[] {"日本語のテキストです、ログ。", "１２３ ４５６", "１２３４".replace('４', 'Ａ'),
            "1\u00A1" + "2", "1\u202F2"}) {
            byte[] line = clean.getBytes(StandardCharsets.UTF_8);
            set.clear();
            dfa.scan(line, 0, line.length, set);
            assertThat(set.isEmpty()).as(clean).isTrue();
        }
        byte[] line = "番号１２３４と1\u00A02".getBytes(StandardCharsets.UTF_8);
        set.clear();
        dfa.scan(line, 0, line.length, set);
        assertThat(set.contains(0)).isTrue();
        assertThat(set.contains(1)).isTrue();

        assertThat(ByteRegex.matchesAscii(ByteRegex.parse("(?:^|[^0-9.\uFF10-\uFF19])([\uFF10-\uFF19]{13,19})")))
                .isFalse();
        assertThat(ByteRegex.matchesAscii(ByteRegex.parse("x(?:\u00A0|\u3000)y"))).isFalse();
        assertThat(ByteRegex.matchesAscii(ByteRegex.parse("x(?: |\u00A0)y"))).isTrue();
        assertThat(ByteRegex.matchesAscii(ByteRegex.parse("[^\uFF10]x"))).isTrue();
        assertThat(ByteRegex.matchesAscii(ByteRegex.parse("(?:\uFF10)?x"))).isTrue();
        // widened to any character, so conservatively "may match ASCII"
        assertThat(ByteRegex.matchesAscii(ByteRegex.parse("\\p{Han}"))).isTrue();
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
