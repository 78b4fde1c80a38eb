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
     * Numbers glued to the word before them: an underscore or a letter's dash before an SSN, phone, NPI or card (cards
     * of 13-16 digits only), a letter before a dashed SSN. Before, their left boundary refused these bytes and the
     * values went out in clear. Synthetic values, valid by the real rules (Luhn and issuer ranges, SSN area rules,
     * NANP codes).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '~', quoteCharacter = '`', value = {
        "srv_4111111111111111 up ~ srv_[REDACTED:CREDIT_CARD] up",
        "card=pan_5500000000000004; ~ card=pan_[REDACTED:CREDIT_CARD];",
        "amex_378282246310005 visa13_4222222222222 ~ amex_[REDACTED:CREDIT_CARD] visa13_[REDACTED:CREDIT_CARD]",
        "pan_4111 1111 1111 1111 and cc-4111-1111-1111-1111 ~ pan_[REDACTED:CREDIT_CARD] and cc-[REDACTED:CREDIT_CARD]",
        "card-6011000990139424 ~ card-[REDACTED:CREDIT_CARD]",
        "user_123-45-6789 ssn_536-22-8872 ~ user_[REDACTED:SSN] ssn_[REDACTED:SSN]",
        "host-212-67-4821 ok ~ host-[REDACTED:SSN] ok",
        "user123-45-6789 and SSN536-22-8872 ~ user[REDACTED:SSN] and SSN[REDACTED:SSN]",
        "id_536 22 8872 ~ id_[REDACTED:SSN]",
        "ssn_123456789 ~ ssn_[REDACTED:SSN]",
        "tel_217-555-0123 fax-(217) 555-0123 ~ tel_[REDACTED:PHONE] fax-[REDACTED:PHONE]",
        "callback-1-800-555-0199 ~ callback-[REDACTED:PHONE]",
        "phone_2175550123 ~ phone_[REDACTED:PHONE]",
        "npi_1234567893 ~ npi_[REDACTED:NPI]",
    })
    void redactsNumbersGluedToAWord(String line, String expected) {
        assertThat(MATCHER.redact(line.strip())).as("reference matcher").isEqualTo(expected.strip());
        assertThat(redact(HYPERSCAN, line.strip())).as("hyperscan engine").isEqualTo(expected.strip());
        assertThat(redact(PORTABLE, line.strip())).as("portable engine").isEqualTo(expected.strip());
    }

    /**
     * Numbers glued to the word after them by an underscore (snake_case keys, file names), or on both sides, and
     * values glued to each other by one underscore. Before, their right boundary ({@code \b}, which an underscore
     * does not satisfy) refused them and the values went out in clear. A dash after a value already satisfied it.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '~', quoteCharacter = '`', value = {
        "ssn:123-45-6789_old ~ ssn:[REDACTED:SSN]_old",
        "id_536-22-8872_old user536-22-8872_x ~ id_[REDACTED:SSN]_old user[REDACTED:SSN]_x",
        "report_123-45-6789_v2.pdf ssn 536 22 8872_a ~ report_[REDACTED:SSN]_v2.pdf ssn [REDACTED:SSN]_a",
        "ssn=123456789_old ~ ssn=[REDACTED:SSN]_old",
        "card=4111111111111111_exp ~ card=[REDACTED:CREDIT_CARD]_exp",
        "pan_5500000000000004_x amex 378282246310005__ ~ pan_[REDACTED:CREDIT_CARD]_x amex [REDACTED:CREDIT_CARD]__",
        "card 4111-1111-1111-1111_exp x-4111 1111 1111 1111_y ~ card [REDACTED:CREDIT_CARD]_exp x-[REDACTED:CREDIT_CARD]_y",
        "phone_217-555-0123_home (217) 555-0123_w ~ phone_[REDACTED:PHONE]_home [REDACTED:PHONE]_w",
        "+1 217 555 0123_cell 1-800-555-0199_x 217.555.0123_y ~ [REDACTED:PHONE]_cell [REDACTED:PHONE]_x [REDACTED:PHONE]_y",
        "tel_2175550123_home ~ tel_[REDACTED:PHONE]_home",
        "npi_1234567893_x ~ npi_[REDACTED:NPI]_x",
        "/in/536-22-8872_123-45-6789.log ~ /in/[REDACTED:SSN]_[REDACTED:SSN].log",
        "k=123-45-6789_536-22-8872_123-45-6789_ ~ k=[REDACTED:SSN]_[REDACTED:SSN]_[REDACTED:SSN]_",
        "c 4111111111111111_5500000000000004_x ~ c [REDACTED:CREDIT_CARD]_[REDACTED:CREDIT_CARD]_x",
        "ssn 123-45-6789-old st-536-22-8872-x ~ ssn [REDACTED:SSN]-old st-[REDACTED:SSN]-x",
        "user=jane.doe@example.com_backup ~ user=[REDACTED:EMAIL]_backup",
        "file jane@example.org_123-45-6789.log ~ file [REDACTED:EMAIL]_[REDACTED:SSN].log",
        "/in/j.doe+x@mail.example.co.uk_536-22-8872_old.log ~ /in/[REDACTED:EMAIL]_[REDACTED:SSN]_old.log",
        "to=jane.doe%40example.com_x u=jane\\u0040example.com__ ~ to=[REDACTED:EMAIL]_x u=[REDACTED:EMAIL]__",
    })
    void redactsNumbersGluedOnTheRight(String line, String expected) {
        assertThat(MATCHER.redact(line.strip())).as("reference matcher").isEqualTo(expected.strip());
        assertThat(redact(HYPERSCAN, line.strip())).as("hyperscan engine").isEqualTo(expected.strip());
        assertThat(redact(PORTABLE, line.strip())).as("portable engine").isEqualTo(expected.strip());
    }

    /**
     * Digit groups separated by a no-break space (U+00A0), a narrow no-break space (U+202F) or a thin space (U+2009),
     * as formatted text (word processors, French locales, copy-paste from web pages) writes them. (The Java compiler
     * turns the Unicode escapes below into those characters.)
     */
    @ParameterizedTest
    @CsvSource(delimiter = '~', quoteCharacter = '`', value = {
        "card 4111\u00A01111\u00A01111\u00A01111 ok ~ card [REDACTED:CREDIT_CARD] ok",
        "card 4111\u202F1111\u202F1111\u202F1111 ok ~ card [REDACTED:CREDIT_CARD] ok",
        "amex 3782\u2009822463\u200910005. ~ amex [REDACTED:CREDIT_CARD].",
        "srv_5500\u00A00000\u00A00000\u00A00004 ~ srv_[REDACTED:CREDIT_CARD]",
        "ssn 123\u00A045\u00A06789, ~ ssn [REDACTED:SSN],",
        "ssn: 536\u202F22\u202F8872 ~ ssn: [REDACTED:SSN]",
        "ssn 536\u200922\u20098872 ~ ssn [REDACTED:SSN]",
        "call (217)\u00A0555-0123 or (217)\u2009555\u20090123 ~ call [REDACTED:PHONE] or [REDACTED:PHONE]",
        "+1\u00A0217\u00A0555\u00A00123 ~ [REDACTED:PHONE]",
        "1\u202F(217)\u202F555-0123 ~ [REDACTED:PHONE]",
        "tel 217\u00A0555\u00A00123 ~ tel [REDACTED:PHONE]",
    })
    void redactsDigitGroupsSeparatedByNoBreakSpaces(String line, String expected) {
        String in = line.strip();
        String want = expected.strip();
        assertThat(MATCHER.redact(in)).as("reference matcher").isEqualTo(want);
        assertThat(redact(HYPERSCAN, in)).as("hyperscan engine").isEqualTo(want);
        assertThat(redact(PORTABLE, in)).as("portable engine").isEqualTo(want);
    }

    /**
     * Card numbers and SSNs in full-width digits (U+FF10-FF19), as East Asian text writes them, contiguous or grouped
     * with blanks, ideographic spaces or dashes (ASCII or full-width), right after CJK text or punctuation.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '~', quoteCharacter = '`', value = {
        "カード番号４１１１１１１１１１１１１１１１です ~ カード番号[REDACTED:CREDIT_CARD]です",
        "card ４１１１ １１１１ １１１１ １１１１ ok ~ card [REDACTED:CREDIT_CARD] ok",
        "カード：５５００\u3000００００\u3000００００\u3000０００４。 ~ カード：[REDACTED:CREDIT_CARD]。",
        "amex ３７８２－８２２４６３－１０００５ ~ amex [REDACTED:CREDIT_CARD]",
        "４１１１１１１１１１１１１１１１、５５０００００００００００００４ ~ [REDACTED:CREDIT_CARD]、[REDACTED:CREDIT_CARD]",
        "社会保障番号：１２３－４５－６７８９。 ~ 社会保障番号：[REDACTED:SSN]。",
        "ssn １２３-４５-６７８９ ok ~ ssn [REDACTED:SSN] ok",
        "SSN＝５３６\u3000２２\u3000８８７２ ~ SSN＝[REDACTED:SSN]",
    })
    void redactsFullWidthCardsAndSsns(String line, String expected) {
        String in = line.strip();
        String want = expected.strip();
        assertThat(MATCHER.redact(in)).as("reference matcher").isEqualTo(want);
        assertThat(redact(HYPERSCAN, in)).as("hyperscan engine").isEqualTo(want);
        assertThat(redact(PORTABLE, in)).as("portable engine").isEqualTo(want);
    }

    /**
     * Look-alikes the widened boundaries must leave alone: HDFS block ids (negative, or 18-19 digits after the
     * underscore, some of which pass Luhn and the issuer table), negative numbers, hex trace ids with a digit run,
     * dates and versions glued to words, dashed numbers longer than a value, thousands grouped by no-break spaces,
     * full-width dates and numbers that fail the rules.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '~', quoteCharacter = '`', value = {
        "Deleting block blk_-4111111111111111 file",
        "Receiving block blk_4568377692254637284 src: /10",
        "delete: blk_358331073189608564 is",
        "offset=-4111111111111111 delta=-536-22-8872",
        "req-4568377692254637284 done",
        "trace=af4111111111111111 span=4bf92f3577b34da6a3ce929d0e0e4736",
        "build_20261127 job_1445144423722_0020 container_e01_1445144423722_0020_01_000001",
        "ref 2016-123-45-6789 v1.123-45-6789 pkg-1.0.536-22-8872",
        "x_666-12-3456 user912-34-5678 host-000-12-3456 id_4111111111111112",
        "id 3f2b8c1e-9a7d-4e2f-8c1b-2d3e4f5a6b7c ok",
        "blk_1073741825_1001 blk_4568377692254637284_1002 x 4568377692254637284_tmp",
        "id 4111111111111111ab_x trace=4111111111111111e7f0 build_20261127_x ts_1445144423_1",
        "x_666-12-3456_old card=4111111111111112_exp v1.2.3_rc ssn:900-12-3456_x",
        "delta=-4111111111111111_x v1.536-22-8872_rc 12-536-22-8872_x",
        "_dmarc.example.com_x srv_ldap._tcp.example.org_y user@localhost_1 a@b_c.d",
        "total 1\u00A0234\u00A0567,89 € and 4\u202F111\u202F111\u202F111\u202F111\u202F111",
        "ssn 666\u00A012\u00A03456 card 4111\u00A01111\u00A01111\u00A01112",
        "２０２６年１１月２７日 ６６６－１２－３４５６ 注文４１１１１１１１１１１１１１１２",
        "番号１２３４５６７８９０１２３４５６７８９０１ ３．１４１５９２６５３５８９７９３２３８",
    })
    void leavesLookAlikesOfGluedValuesAlone(String line) {
        String in = line.strip();
        assertThat(MATCHER.redact(in)).as("reference matcher").isEqualTo(in);
        assertThat(redact(HYPERSCAN, in)).as("hyperscan engine").isEqualTo(in);
        assertThat(redact(PORTABLE, in)).as("portable engine").isEqualTo(in);
    }

    /**
     * Values right after multi-byte text. RE2/J's search for a nominated pattern starts at the engine's first match
     * end minus the pattern's longest match; that offset could fall inside a UTF-8 character, and RE2/J, started on
     * a continuation byte, then missed the match: "日日  123-45-6789" and "ログ +1 217 555 0123" went out in clear
     * (found in the full-width tests, present before them). The start now moves back to the character's first byte.
     */
    @Test
    void findsValuesRightAfterMultiByteText() {
        String[] before = {"ログ", "ロ", "日本語", "éé", "é", "xé", "ログロ", "日日", "ß", "\uD83D\uDE00"};
        String[][] values = {{"(221)676-1212", "PHONE"}, {"(221) 676-1212", "PHONE"}, {"123-45-6789", "SSN"},
            {"4111 1111 1111 1111", "CREDIT_CARD"}, {"4111111111111111", "CREDIT_CARD"}, {"+1 217 555 0123", "PHONE"},
            {"217-555-0123", "PHONE"}, {"123\u00A045\u00A06789", "SSN"}, {"\uFF11\uFF12\uFF13-\uFF14\uFF15-"
                + "\uFF16\uFF17\uFF18\uFF19", "SSN"}, {"10.1.2.3", "IPV4"}};
        int checked = 0;
        for (String b : before) {
            for (String sep : new String[] {" ", "  ", "=", "   ", "\u3000"}) {
                for (String[] v : values) {
                    String line = b + sep + v[0];
                    String want = b + sep + "[REDACTED:" + v[1] + "]";
                    assertThat(MATCHER.redact(line)).as("reference matcher").isEqualTo(want);
                    assertThat(redact(HYPERSCAN, line)).as("hyperscan engine: %s", line).isEqualTo(want);
                    assertThat(redact(PORTABLE, line)).as("portable engine: %s", line).isEqualTo(want);
                    checked++;
                }
            }
        }
        assertThat(checked).isEqualTo(500);
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
     * A run of more than 64 local-part characters before the @ (URL-encoded text, long host names) left no boundary
     * for the bounded patterns, and the whole address went out in clear; so did an encoded address right after a '%'.
     * Now the last 64 characters before the @ are redacted with the domain, through the default plan's Redactor
     * and both engines; addresses the bounded patterns found are redacted as before.
     */
    @Test
    void redactsAddressesAfterLongRunsOfLocalPartCharacters() {
        Redactor defaults = DetectionPlan.compile(DetectionSettings.defaults()).newRedactor();
        String host = "srv-0123456789.".repeat(16) + "east1.pat"; // 249 characters, then the @
        String[][] leaks = {
            {"to=%22Dr.%20Jonathan%20Alexander%20Smith-Worthington%20III%22%20%3Cjon.smith@example.com%3E",
                "jon.smith", "smith@", "@example.com"},
            {"x".repeat(60) + ".pat.smith@example.com", "pat.smith", "@example"},
            {"connect " + host + "@example.com ok", ".pat@", "@example"},
            {"mailto:" + "%20".repeat(23) + "zoe@example.com", "zoe@", "@example"},
            {"q=" + "y".repeat(70) + "%40example.com&x=1", "%40example"},
            {"{\"m\":\"" + "z".repeat(66) + "\\u0040example.org\"}", "u0040example"},
            {"q=" + "%20".repeat(10) + "j.doe%40example.com&x=1", "j.doe", "%40example"},
            {"q=%22jon.smith%40example.com%22", "jon.smith", "%40example"},
        };
        for (String[] c : leaks) {
            String in = c[0];
            int at = Math.max(in.indexOf('@'), Math.max(in.indexOf("%40"), in.indexOf("\\u0040")));
            String out = MATCHER.redact(in);
            for (String got : new String[] {out, redact(defaults, in), redact(HYPERSCAN, in), redact(PORTABLE, in)}) {
                assertThat(got).as(in).isEqualTo(out).contains("[REDACTED:EMAIL]");
                for (int i = 1; i < c.length; i++) {
                    assertThat(got).as(in).doesNotContain(c[i]);
                }
            }
            // at most 64 characters before the @ go: everything before them is kept
            assertThat(out).as(in).startsWith(in.substring(0, Math.max(0, at - 64)));
        }
        // exactly: the last 64 characters before the @, and the domain
        String run = "x".repeat(60) + ".pat.smith";
        assertThat(MATCHER.redact(run + "@example.com")).isEqualTo(run.substring(0, run.length() - 64)
                + "[REDACTED:EMAIL]");
        // unchanged: addresses next to long runs, and runs of exactly 64 after a boundary
        String[][] same = {
            {"y".repeat(80) + " jane.doe@example.org ok", "y".repeat(80) + " [REDACTED:EMAIL] ok"},
            {"jane.doe@example.org " + "y".repeat(80), "[REDACTED:EMAIL] " + "y".repeat(80)},
            {"to=" + "a".repeat(64) + "@example.org", "to=[REDACTED:EMAIL]"},
            {"to=" + "a".repeat(65) + "@example.org", "to=a[REDACTED:EMAIL]"},
            {"GET /s?email=john.doe%40example.com&x=" + "7".repeat(70), "GET /s?email=[REDACTED:EMAIL]&x="
                + "7".repeat(70)},
            {"id=" + "f".repeat(90) + "@localhost size=" + "9".repeat(70), "id=" + "f".repeat(90)
                + "@localhost size=" + "9".repeat(70)},
        };
        for (String[] c : same) {
            for (Redactor r : new Redactor[] {defaults, HYPERSCAN, PORTABLE}) {
                assertThat(redact(r, c[0])).as(c[0]).isEqualTo(c[1]);
            }
            assertThat(MATCHER.redact(c[0])).as(c[0]).isEqualTo(c[1]);
        }
    }

    /**
     * On ASCII text the e-mail patterns find every value the ASCII-only, left-bounded patterns before them found,
     * and more only where that boundary refused an address (a longer run of local-part characters, or a '%', before
     * it): the non-ASCII classes add nothing there, so the ASCII fast paths (AsciiRegex, the Hyperscan
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
        // the first two; the other two are their forms before an underscore (redactsNumbersGluedOnTheRight)
        assertThat(now).hasSize(4);
        Pattern[] old = {Pattern.compile(before.get(0)), Pattern.compile(before.get(1))};
        Pattern[] cur = {Pattern.compile(now.get(0)), Pattern.compile(now.get(1))};
        String[] parts = {"a", "Zx", "j.doe", "x_y+z%1", "%40", "\\u0040", "@", ".", "-", "co", "org", "9", "_",
            " ", "=", "%", "+", "\"", ":", "/", "\\", "<", ">", "example", "mail-1", ".c", "a@b.co", "\t", "~", "`",
            "%3C", "%20", "p.q".repeat(7)};
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(11);
        int extra = 0;
        for (int n = 0; n < 40_000; n++) {
            StringBuilder sb = new StringBuilder();
            for (int k = rnd.nextInt(1, 14); k > 0; k--) {
                sb.append(rnd.nextInt(4) == 0 ? String.valueOf((char) rnd.nextInt(0, 128))
                        : parts[rnd.nextInt(parts.length)]);
            }
            String line = sb.toString();
            for (int i = 0; i < 2; i++) {
                java.util.Set<java.util.List<Integer>> was = new java.util.LinkedHashSet<>();
                for (com.google.re2j.Matcher a = old[i].matcher(line); a.find(); ) {
                    was.add(java.util.List.of(a.start(1), a.end(1)));
                }
                java.util.Set<java.util.List<Integer>> is = new java.util.LinkedHashSet<>();
                for (com.google.re2j.Matcher b = cur[i].matcher(line); b.find(); ) {
                    is.add(java.util.List.of(b.start(1), b.end(1)));
                }
                assertThat(is).as("pattern %d on [%s]", i, line).containsAll(was);
                for (java.util.List<Integer> v : is) {
                    if (!was.contains(v)) { // only where the boundary refused it: a local-part character before it
                        extra++;
                        assertThat(v.get(0)).as("pattern %d on [%s]", i, line).isPositive();
                        assertThat("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")
                                .as("pattern %d on [%s]", i, line).contains(line.substring(v.get(0) - 1, v.get(0)));
                    }
                }
            }
        }
        assertThat(extra).isPositive();
    }

    private static String redact(Redactor r, String line) {
        LineResult res = r.redact(line.getBytes(StandardCharsets.UTF_8));
        return new String(res.output(), res.outputOffset(), res.outputLength(), StandardCharsets.UTF_8);
    }
}
