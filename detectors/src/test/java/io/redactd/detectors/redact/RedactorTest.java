package io.redactd.detectors.redact;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.redactd.detectors.Action;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.engine.Plans;
import io.redactd.detectors.testing.Settings;
import io.redactd.detectors.testing.TestDetectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class RedactorTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static Settings settings(EngineChoice engine) {
        assumeTrue(engine != EngineChoice.HYPERSCAN || Plans.hyperscanAvailable(),
                "hyperscan runs on x86-64 Linux only");
        return Settings.of(engine);
    }

    private static Redactor redactor(Settings s) {
        return Plans.compile(s.s(), TestDetectors.all()).newRedactor();
    }

    private static String out(LineResult r) {
        return new String(r.output(), r.outputOffset(), r.outputLength(), StandardCharsets.UTF_8);
    }

    private static String redact(Redactor r, String line) {
        return out(r.redact(line.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void masksValuesAndReportsByteOffsets(EngineChoice engine) {
        Redactor r = redactor(settings(engine));
        byte[] line = "patient ssn 123-45-6789 mail a.b@x.org".getBytes(StandardCharsets.UTF_8);
        LineResult res = r.redact(line);
        assertThat(out(res)).isEqualTo("patient ssn [REDACTED:SSN] mail [REDACTED:EMAIL]");
        assertThat(res.clean()).isFalse();
        assertThat(res.findingCount()).isEqualTo(2);
        assertThat(res.finding(0).type()).isEqualTo("SSN");
        assertThat(res.finding(0).start()).isEqualTo(12);
        assertThat(res.finding(0).end()).isEqualTo(23);
        assertThat(res.finding(1).type()).isEqualTo("EMAIL");
        assertThat(res.finding(1).start()).isEqualTo(29);
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void cleanLineIsReturnedAsIsAndOffsetsAreRespected(EngineChoice engine) {
        Redactor r = redactor(settings(engine));
        byte[] buf = "xxGET /index.html 200 1532 0.004 version 1.2.3yy".getBytes(StandardCharsets.UTF_8);
        LineResult res = r.redact(buf, 2, buf.length - 4);
        assertThat(res.clean()).isTrue();
        assertThat(res.output()).isSameAs(buf);
        assertThat(res.outputOffset()).isEqualTo(2);
        assertThat(res.outputLength()).isEqualTo(buf.length - 4);
        assertThat(res.findingCount()).isZero();
        // a value in the range is found at offsets relative to the range
        byte[] shifted = "__ssn 123-45-6789".getBytes(StandardCharsets.UTF_8);
        LineResult r2 = r.redact(shifted, 2, shifted.length - 2);
        assertThat(out(r2)).isEqualTo("ssn [REDACTED:SSN]");
        assertThat(r2.finding(0).start()).isEqualTo(4);
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void validatorAndContextGateMatches(EngineChoice engine) {
        Redactor r = redactor(settings(engine));
        assertThat(redact(r, "id 666-12-3456 and 000-12-3456")).isEqualTo("id 666-12-3456 and 000-12-3456");
        assertThat(redact(r, "order 123456789 shipped")).isEqualTo("order 123456789 shipped");
        assertThat(redact(r, "SSN: 123456789 shipped")).isEqualTo("SSN: [REDACTED:SSN] shipped");
        // context must be inside the window before the value
        assertThat(redact(r, "ssn" + " ".repeat(40) + "123456789")).doesNotContain("REDACTED");
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void partialKeepsLastFourAndMasksShortValues(EngineChoice engine) {
        Redactor r = redactor(settings(engine).withActions(Map.of("SSN", Action.PARTIAL)));
        assertThat(redact(r, "card 4111 1111 1111 1111 ok")).isEqualTo("card [REDACTED:CREDIT_CARD:1111] ok");
        assertThat(redact(r, "ssn 123-45-6789")).isEqualTo("ssn [REDACTED:SSN:6789]");
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void tokenizeGivesOneTokenPerNormalizedValue(EngineChoice engine) {
        Redactor r = redactor(settings(engine).withActions(Map.of("SSN", Action.TOKENIZE, "EMAIL", Action.TOKENIZE))
                .withTokenKey(KEY, "k1"));
        String a = redact(r, "ssn 123-45-6789");
        String b = redact(r, "SSN 123456789");
        assertThat(a).matches("ssn \\[TOKEN:SSN:k1:[0-9a-f]{16}]");
        assertThat(a.substring(4)).isEqualTo(b.substring(4));
        assertThat(redact(r, "ssn 123-45-6780")).isNotEqualTo(a);
        String m1 = redact(r, "to A.B@X.org");
        String m2 = redact(r, "GET /?to=a.b%40x.org");
        assertThat(m1.substring(3)).isEqualTo(m2.substring(9)).startsWith("[TOKEN:EMAIL:k1:");
        // a different key gives different tokens
        Redactor other = redactor(settings(engine).withActions(Map.of("SSN", Action.TOKENIZE))
                .withTokenKey("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII), "k2"));
        assertThat(redact(other, "ssn 123-45-6789").substring(16)).isNotEqualTo(a.substring(16));
    }

    /**
     * Full-width digits and no-break separators (built-in catalog): a token is the same as for the ASCII form of the
     * number (DIGITS normalization reads a full-width digit as its ASCII digit; before, it kept nothing of it, so
     * every full-width number would have had one token), and PARTIAL keeps the last four as ASCII digits.
     */
    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void fullWidthAndNoBreakFormsTokenizeAndPartialLikeAsciiOnes(EngineChoice engine) {
        Redactor tok = Plans.compile(settings(engine).withActions(Map.of("SSN", Action.TOKENIZE,
                "CREDIT_CARD", Action.TOKENIZE)).withTokenKey(KEY, "k1").s()).newRedactor();
        String ascii = redact(tok, "card 4111111111111111");
        assertThat(ascii).matches("card \\[TOKEN:CREDIT_CARD:k1:[0-9a-f]{16}]");
        assertThat(redact(tok, "card \uFF14\uFF11\uFF11\uFF11\u3000\uFF11\uFF11\uFF11\uFF11\u3000\uFF11\uFF11"
                + "\uFF11\uFF11\u3000\uFF11\uFF11\uFF11\uFF11")).isEqualTo(ascii);
        assertThat(redact(tok, "card 4111\u00A01111\u00A01111\u00A01111")).isEqualTo(ascii);
        assertThat(redact(tok, "card srv_4111111111111111")).isEqualTo(ascii.replace("card ", "card srv_"));
        String ssn = redact(tok, "ssn 123-45-6789");
        assertThat(redact(tok, "ssn \uFF11\uFF12\uFF13\uFF0D\uFF14\uFF15\uFF0D\uFF16\uFF17\uFF18\uFF19"))
                .isEqualTo(ssn);
        assertThat(redact(tok, "ssn 123\u202F45\u202F6789")).isEqualTo(ssn);
        assertThat(redact(tok, "ssn \uFF11\uFF12\uFF13\uFF0D\uFF14\uFF15\uFF0D\uFF16\uFF17\uFF18\uFF10"))
                .isNotEqualTo(ssn);

        Redactor partial = Plans.compile(settings(engine).withActions(Map.of("SSN", Action.PARTIAL,
                "CREDIT_CARD", Action.PARTIAL)).s()).newRedactor();
        // 4111111111131234 (Luhn-valid), in full-width digits after katakana
        assertThat(redact(partial, "\u30AB\u30FC\u30C9\uFF14\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11\uFF11"
                + "\uFF11\uFF13\uFF11\uFF12\uFF13\uFF14"))
                .isEqualTo("\u30AB\u30FC\u30C9[REDACTED:CREDIT_CARD:1234]");
        assertThat(redact(partial, "ssn 123\u00A045\u00A06789")).isEqualTo("ssn [REDACTED:SSN:6789]");
        assertThat(redact(partial, "ssn \uFF11\uFF12\uFF13-\uFF14\uFF15-\uFF16\uFF17\uFF18\uFF19"))
                .isEqualTo("ssn [REDACTED:SSN:6789]");
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void dropMarksTheEvent(EngineChoice engine) {
        Redactor r = redactor(settings(engine).withActions(Map.of("SSN", Action.DROP)));
        LineResult res = r.redact("ssn 123-45-6789".getBytes(StandardCharsets.UTF_8));
        assertThat(res.dropped()).isTrue();
        assertThat(res.outputLength()).isZero();
        assertThat(r.redact("mail a@b.org".getBytes(StandardCharsets.UTF_8)).dropped()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void overlapsResolveToTheLongestThenPriority(EngineChoice engine) {
        Redactor r = redactor(settings(engine));
        // the phone pattern matches inside the longer card number: the card wins, no fragment is left
        assertThat(redact(r, "pay 4111-1111-1111-1111 now")).isEqualTo("pay [REDACTED:CREDIT_CARD:1111] now");
        // equal spans: SSN (priority 10) beats the bare 9-digit phone-ish shapes; the result is stable
        assertThat(redact(r, "ssn 078-05-1120")).isEqualTo("ssn [REDACTED:SSN]");
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void valueGroupKeepsTheLabel(EngineChoice engine) {
        Redactor r = redactor(settings(engine));
        assertThat(redact(r, "visit patient=John Smith ward 4")).isEqualTo("visit patient=[REDACTED:NAME] ward 4");
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void jsonStaysValidAndEscapesAreSeen(EngineChoice engine) throws IOException {
        Redactor r = redactor(settings(engine));
        String line = "{\"msg\":\"mail a.b\\u0040x.org now\",\"n\":1.50,\"ok\":true,\"tags\":[\"ssn 123-45-6789\"],"
                + "\"x\":null}";
        String o = redact(r, line);
        assertThat(o).isEqualTo("{\"msg\":\"mail [REDACTED:EMAIL] now\",\"n\":1.50,\"ok\":true,"
                + "\"tags\":[\"ssn [REDACTED:SSN]\"],\"x\":null}");
        assertValidJson(o);
        // the key gives the context to a bare SSN
        assertThat(redact(r, "{\"ssn\":\"123456789\"}")).isEqualTo("{\"ssn\":\"[REDACTED:SSN]\"}");
        assertThat(redact(r, "{\"firstName\": \"Jane\", \"patient\": \"John Smith\"}"))
                .isEqualTo("{\"firstName\":\"[REDACTED:NAME]\",\"patient\":\"[REDACTED:NAME]\"}");
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void fieldRulesRedactWholeValuesByPath(EngineChoice engine) throws IOException {
        Redactor r = redactor(settings(engine).withFieldRules(Map.of("*.ssn", "SSN", "patient.name", "NAME",
                "*.dob", "DOB")));
        String o = redact(r, "{\"patient\":{\"name\":\"jane q\",\"ssn\":123456789,\"dob\":{\"y\":1980,\"m\":\"May\"}},"
                + "\"name\":\"svc\"}");
        assertThat(o).isEqualTo("{\"patient\":{\"name\":\"[REDACTED:NAME]\",\"ssn\":\"[REDACTED:SSN]\","
                + "\"dob\":{\"y\":\"[REDACTED:DOB]\",\"m\":\"[REDACTED:DOB]\"}},\"name\":\"svc\"}");
        assertValidJson(o);
        LineResult res = r.redact(("{\"a\":{\"SSN\":\"x\"}}").getBytes(StandardCharsets.UTF_8));
        assertThat(res.finding(0).detectorId()).isEqualTo("field:*.ssn");
        assertThat(res.clean()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void notQuiteJsonIsRedactedAsText(EngineChoice engine) {
        Redactor r = redactor(settings(engine));
        assertThat(redact(r, "{\"a\": ssn 123-45-6789")).isEqualTo("{\"a\": ssn [REDACTED:SSN]");
        assertThat(redact(r, "{\"a\":1} trailing ssn 123-45-6789")).isEqualTo("{\"a\":1} trailing ssn [REDACTED:SSN]");
        assertThat(redact(r, "{\"a\":\"x\\\"y\"}")).isEqualTo("{\"a\":\"x\\\"y\"}");
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void nonAsciiLinesAreHandled(EngineChoice engine) {
        Redactor r = redactor(settings(engine));
        assertThat(redact(r, "pacienté ñ 123-45-6789 — ok")).isEqualTo("pacienté ñ [REDACTED:SSN] — ok");
        byte[] invalid = {'s', 's', 'n', ' ', (byte) 0xff, ' ', '1', '2', '3', '-', '4', '5', '-', '6', '7', '8', '9'};
        LineResult res = r.redact(invalid);
        assertThat(out(res)).endsWith(" [REDACTED:SSN]");
        assertThat(res.finding(0).start()).isEqualTo(6);
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void customDetectorsAndTypeSelection(EngineChoice engine) {
        Settings s = settings(engine)
                .withCustom(List.of(new io.redactd.detectors.CustomDetector("acme", "ACME_ID", "\\bAC-\\d{6}\\b",
                        null, List.of("acct"), Action.MASK)))
                .withDisabledTypes(Set.of("EMAIL"));
        Redactor r = redactor(s);
        assertThat(redact(r, "acct AC-123456 a@b.org")).isEqualTo("acct [REDACTED:ACME_ID] a@b.org");
        assertThat(redact(r, "order AC-123456")).isEqualTo("order AC-123456");
    }

    static void assertValidJson(String s) throws IOException {
        try (JsonParser p = new JsonFactory().createParser(s)) {
            while (p.nextToken() != null) {
                // reading to the end is the check
            }
        }
    }
}
