package io.redactd.detectors.catalog;

import com.gliwka.hyperscan.wrapper.Expression;
import com.google.re2j.Pattern;
import io.redactd.detectors.DetectionPlan;
import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.validate.Validators;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catalog's patterns, tested by the reference {@link CatalogMatcher} independently of the engines, and the same
 * examples end to end through both production engines.
 */
class CatalogTest {
    private static final CatalogMatcher MATCHER = new CatalogMatcher(Catalog.builtIn());
    private static final Redactor HYPERSCAN = DetectionPlan.compile(DetectionSettings.defaults()
            .withEngine(EngineChoice.HYPERSCAN)).newRedactor();
    private static final Redactor PORTABLE = DetectionPlan.compile(DetectionSettings.defaults()
            .withEngine(EngineChoice.PORTABLE)).newRedactor();

    @Test
    void specsAreWellFormedAndCompileInBothEngines() {
        Set<String> ids = new HashSet<>();
        for (DetectorSpec spec : Catalog.builtIn()) {
            assertThat(ids.add(spec.id())).as("unique id %s", spec.id()).isTrue();
            assertThat(spec.patterns()).isNotEmpty();
            assertThat(Validators.byName(spec.validatorName())).isSameAs(spec.validator());
            assertThat(spec.contextRequired()).isEqualTo(!spec.context().isEmpty());
            assertThat(spec.context()).allMatch(w -> w.equals(w.toLowerCase()));
            for (String p : spec.patterns()) {
                assertThat(Pattern.compile(p).groupCount()).as(spec.id()).isGreaterThanOrEqualTo(spec.valueGroup());
                Expression.ValidationResult hs = new Expression(p).validate();
                assertThat(hs.isValid()).as("%s compiles in Hyperscan: %s", spec.id(), hs.getErrorMessage()).isTrue();
            }
        }
        assertThat(Catalog.builtIn()).extracting(DetectorSpec::type).containsAll(Set.of("SSN", "CREDIT_CARD",
                "EMAIL", "PHONE", "IPV4", "IPV6", "NPI", "DEA", "MBI", "IBAN", "VIN", "DOB", "MRN", "MEMBER_ID",
                "PASSPORT", "ADDRESS", "NAME"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '~', quoteCharacter = '`', value = {
        "patient ssn 123-45-6789 mail a.b@x.org ~ patient ssn [REDACTED:SSN] mail [REDACTED:EMAIL]",
        "ssn=123456789 then, much later in the line, count=123456789"
            + " ~ ssn=[REDACTED:SSN] then, much later in the line, count=123456789",
        "ref 666-12-3456 and 912-34-5678 ~ ref 666-12-3456 and 912-34-5678",
        "call (217) 555-0123 or 217-555-0123 ~ call [REDACTED:PHONE] or [REDACTED:PHONE]",
        "217.555.0123;+1 217 555 0123 ~ [REDACTED:PHONE];[REDACTED:PHONE]",
        "tel=2175550123 and further on, well past it, id=2175550123"
            + " ~ tel=[REDACTED:PHONE] and further on, well past it, id=2175550123",
        "bad (117) 555-0123 ~ bad (117) 555-0123",
        "card 4111 1111 1111 1111 amex 3782-822463-10005 ~ card [REDACTED:CREDIT_CARD] amex [REDACTED:CREDIT_CARD]",
        "order 4111111111111112 blk_-4111111111111111 ~ order 4111111111111112 blk_-4111111111111111",
        "GET /s?email=john.doe%40example.com&x=1 ~ GET /s?email=[REDACTED:EMAIL]&x=1",
        "`{\"mail\":\"jane\\u0040example.org\"}` ~ `{\"mail\":\"[REDACTED:EMAIL]\"}`",
        "peers 10.0.0.1,10.0.0.2 version=10.2.3.4-beta ~ peers [REDACTED:IPV4],[REDACTED:IPV4] version=10.2.3.4-beta",
        "[2001:db8::1]:443 fe80::1ff:fe23:4567:890a at 12:30:45 std::vector"
            + " ~ [[REDACTED:IPV6]]:443 [REDACTED:IPV6] at 12:30:45 std::vector",
        "npi=1234567893 and further on, well past it, ts=1234567893"
            + " ~ npi=[REDACTED:NPI] and further on, well past it, ts=1234567893",
        "rx by AB1234563 / AB1234564 ~ rx by [REDACTED:DEA] / AB1234564",
        "provider phone/npi: 2175550120 ~ provider phone/npi: [REDACTED:NPI]",
        "callback phone: 2175550120 ~ callback phone: [REDACTED:PHONE]",
        "mbi 1EG4-TE5-MK73|1EG4TE5MK73 ~ mbi [REDACTED:MBI]|[REDACTED:MBI]",
        "iban=GB82 WEST 1234 5698 7654 32 x ~ iban=[REDACTED:IBAN] x",
        "vin:1M8GDM9AXKP042788 ~ vin:[REDACTED:VIN]",
        "mrn=00123456|dob=1980-01-02 ~ mrn=[REDACTED:MRN]|dob=[REDACTED:DOB]",
        "`\"dateOfBirth\":\"03/12/1980\",\"patientDob\":\"Mar 12, 1980\"`"
            + " ~ `\"dateOfBirth\":\"[REDACTED:DOB]\",\"patientDob\":\"[REDACTED:DOB]\"`",
        "member id W123456789 policy #: H1234-56789 ~ member id [REDACTED:MEMBER_ID] policy #: [REDACTED:MEMBER_ID]",
        "passport no. X12345678 ~ passport no. [REDACTED:PASSPORT]",
        "lives at 4821 N Oak Ave Apt 3, Springfield, IL 62704 today ~ lives at [REDACTED:ADDRESS] today",
        "`\"firstName\":\"John\",\"lastName\":\"O'Brien\"`"
            + " ~ `\"firstName\":\"[REDACTED:NAME]\",\"lastName\":\"[REDACTED:NAME]\"`",
        "patient John A. Doe admitted; name=Doe, Jane ~ patient [REDACTED:NAME] admitted; name=[REDACTED:NAME]",
        "Surface(name=SurfaceView) os.name=Linux Name: OneStats"
            + " ~ Surface(name=SurfaceView) os.name=Linux Name: OneStats",
        "process name CalendarAgent as bundle ~ process name CalendarAgent as bundle",
        "PID|1||00482913^^^HOSP^MR||Doe^John^Q||19800312|F|||12 Elm St^^Peoria^IL^61602^USA||(309)555-0147|||S"
            + "||ACCT1|123456789 ~ PID|1||[REDACTED:MRN]^^^HOSP^MR||[REDACTED:NAME]||[REDACTED:DOB]|F|||"
            + "[REDACTED:ADDRESS]||[REDACTED:PHONE]|||S||ACCT1|[REDACTED:SSN]",
        "NK1|1|Doe^Jane|SPO ~ NK1|1|[REDACTED:NAME]|SPO",
        "\"lastName\":\"SMITH\" patient ID 12345 Patient: JOHN Q. PUBLIC"
            + " ~ \"lastName\":\"[REDACTED:NAME]\" patient ID [REDACTED:MRN] Patient: [REDACTED:NAME]",
        "mail to PO Box 1234, Springfield, IL 62704 now ~ mail to [REDACTED:ADDRESS] now",
    })
    void redactsExamples(String line, String expected) {
        assertThat(MATCHER.redact(line.strip())).as("reference matcher").isEqualTo(expected.strip());
        assertThat(redact(HYPERSCAN, line.strip())).as("hyperscan engine").isEqualTo(expected.strip());
        assertThat(redact(PORTABLE, line.strip())).as("portable engine").isEqualTo(expected.strip());
    }

    /**
     * Internationalized addresses (RFC 6531 local parts, IDN domains): the whole address goes, and no part of the
     * local part (the person's name) survives. Before the fix the ASCII-only local part started the match after
     * the last non-ASCII character ({@code josé.garcí[REDACTED:EMAIL]}) or, with a non-ASCII domain, did not match
     * at all.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '~', quoteCharacter = '`', value = {
        "josé.garcía@example.com ~ [REDACTED:EMAIL]",
        "login josé.garcía@example.com ok ~ login [REDACTED:EMAIL] ok",
        "to=jürgen.müller@例え.jp sent ~ to=[REDACTED:EMAIL] sent",
        "from <jürgen.müller@bücher.example> ~ from <[REDACTED:EMAIL]>",
        "user user@bücher.example x ~ user [REDACTED:EMAIL] x",
        "вход иван.петров@пример.рф ok ~ вход [REDACTED:EMAIL] ok",
        "jos\uFFFD.garc\uFFFD@example.com ~ [REDACTED:EMAIL]",
        "mail jos\uFFFD.garc\uFFFDa@example.com. ~ mail [REDACTED:EMAIL].",
        "café jane@example.org ~ café [REDACTED:EMAIL]",
        "résumé from zoë@example.org, café ~ résumé from [REDACTED:EMAIL], café",
        "GET /s?email=josé.garcía%40example.com&x=1 ~ GET /s?email=[REDACTED:EMAIL]&x=1",
        "mail josé\\u0040bücher.example end ~ mail [REDACTED:EMAIL] end",
        "jane@example.comです ~ [REDACTED:EMAIL]です",
        "(bhcömpilé@bugs.build.rédhát.cöm) x ~ ([REDACTED:EMAIL]) x",
        "jane@example.comとbob@例え.中国です ~ [REDACTED:EMAIL]と[REDACTED:EMAIL]",
        "jane@例え.jp、bob@example.org ~ [REDACTED:EMAIL]、[REDACTED:EMAIL]",
    })
    void redactsInternationalizedEmails(String line, String expected) {
        String in = line.strip(); // U+FFFD stands for invalid UTF-8, which the daemon repairs before detection
        String want = expected.strip();
        assertThat(MATCHER.redact(in)).as("reference matcher").isEqualTo(want);
        assertThat(redact(HYPERSCAN, in)).as("hyperscan engine").isEqualTo(want);
        assertThat(redact(PORTABLE, in)).as("portable engine").isEqualTo(want);
    }

    /** No character of a non-ASCII local part is left next to the replacement, on either engine. */
    @Test
    void leavesNothingOfANonAsciiLocalPart() {
        String[][] cases = {
            {"josé.garcía@example.com", "jos", "garc", "é", "í"},
            {"x jürgen.müller@例え.jp", "rgen", "ller", "ü"},
            {"x jos\uFFFD.garc\uFFFD@bücher.example", "jos", "garc", "\uFFFD"},
            {"ßtraße.ñandú@ejemplo.es", "tra", "and", "ß", "ñ", "ú"},
            // a run longer than the 64-character local part before the @ (CJK prose has no spaces): the last 64
            // characters before the @ go, so a local part of legal length never survives
            {"ログインに失敗しました".repeat(7) + "利用者taro.yamada@example.jp", "taro", "yamada"},
        };
        for (String[] c : cases) {
            String in = c[0];
            for (Redactor r : new Redactor[] {HYPERSCAN, PORTABLE}) {
                String out = redact(r, in);
                assertThat(out).as(in).endsWith("[REDACTED:EMAIL]");
                for (int i = 1; i < c.length; i++) {
                    assertThat(out).as(in).doesNotContain(c[i]);
                }
            }
            String ref = MATCHER.redact(in);
            for (int i = 1; i < c.length; i++) {
                assertThat(ref).as(in).doesNotContain(c[i]);
            }
        }
    }

    /**
     * On ASCII text the e-mail patterns find exactly what the ASCII-only patterns before them found (same matches,
     * same value spans): the non-ASCII classes add nothing there, so the ASCII fast paths (AsciiRegex, the Hyperscan
     * engine's token rule) and the false-positive rate on ASCII logs are unchanged.
     */
    @Test
    void emailPatternsAreUnchangedOnAsciiText() {
        String left = "(?:^|[^A-Za-z0-9._%+-])";
        String domain = "[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,24}";
        java.util.List<String> before = java.util.List.of(
                left + "([A-Za-z0-9._%+-]{1,64}@" + domain + ")\\b",
                left + "([A-Za-z0-9._+-]{1,64}(?:%40|\\\\u0040)" + domain + ")\\b");
        java.util.List<String> now = Catalog.builtIn().stream().filter(s -> s.id().equals("email"))
                .flatMap(s -> s.patterns().stream()).toList();
        assertThat(now).hasSize(2);
        Pattern[] old = {Pattern.compile(before.get(0)), Pattern.compile(before.get(1))};
        Pattern[] cur = {Pattern.compile(now.get(0)), Pattern.compile(now.get(1))};
        String[] parts = {"a", "Zx", "j.doe", "x_y+z%1", "%40", "\\u0040", "@", ".", "-", "co", "org", "9", "_",
            " ", "=", "%", "+", "\"", ":", "/", "\\", "<", ">", "example", "mail-1", ".c", "a@b.co", "\t", "~", "`"};
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        for (int n = 0; n < 40_000; n++) {
            StringBuilder sb = new StringBuilder();
            for (int k = rnd.nextInt(1, 14); k > 0; k--) {
                sb.append(rnd.nextInt(4) == 0 ? String.valueOf((char) rnd.nextInt(0, 128))
                        : parts[rnd.nextInt(parts.length)]);
            }
            String line = sb.toString();
            for (int i = 0; i < 2; i++) {
                com.google.re2j.Matcher a = old[i].matcher(line);
                com.google.re2j.Matcher b = cur[i].matcher(line);
                while (true) {
                    boolean fa = a.find();
                    assertThat(b.find()).as("pattern %d on [%s]", i, line).isEqualTo(fa);
                    if (!fa) {
                        break;
                    }
                    assertThat(new int[] {b.start(), b.end(), b.start(1), b.end(1)}).as("pattern %d on [%s]", i, line)
                            .containsExactly(a.start(), a.end(), a.start(1), a.end(1));
                }
            }
        }
    }

    private static String redact(Redactor r, String line) {
        LineResult res = r.redact(line.getBytes(StandardCharsets.UTF_8));
        return new String(res.output(), res.outputOffset(), res.outputLength(), StandardCharsets.UTF_8);
    }
}
