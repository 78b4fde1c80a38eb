package io.redactd.detectors.accuracy;

import io.redactd.detectors.DetectionSettings;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.engine.Plans;
import io.redactd.detectors.synthetic.PhiValues;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shapes the second round of boundary widening takes on (values valid by the real rules): a value right after a
 * letter and a dot (dotted keys of flattened JSON and logfmt: {@code ssn.<ssn>}, {@code patient.<card>}); SSN groups
 * joined by non-breaking hyphens (U+2011) or underscores; digit groups split by figure (U+2007) or hair (U+200A)
 * spaces; a card glued to a word ({@code card<card>}, {@code x<card>y}, {@code <card>exp}). Every value is redacted
 * whole by both engines with byte-identical output, and the real-world look-alikes of those shapes (versions, IPs,
 * hex ids, HDFS and Hadoop ids, timestamps, UUIDs, Java class names) come out unchanged.
 */
class DottedAndLetterGluedValuesTest {
    private static final String[] TEMPLATES = {"k=%s", "%s", "{\"msg\":\"v %s\"}", "metric %s.count 1",
        "<134>Dec  7 21:49:20 host app: %s done", "a=1;%s;b=2"};

    private record Case(String line, String value) {
    }

    private static <T> T pick(Random rnd, T[] items) {
        return items[rnd.nextInt(items.length)];
    }

    private static List<Redactor> engines() {
        List<Redactor> engines = new ArrayList<>();
        engines.add(Plans.compile(DetectionSettings.defaults().withEngine(EngineChoice.PORTABLE)).newRedactor());
        if (Plans.hyperscanAvailable()) {
            engines.add(Plans.compile(DetectionSettings.defaults().withEngine(EngineChoice.HYPERSCAN)).newRedactor());
        }
        return engines;
    }

    private static String redact(Redactor r, String line) {
        LineResult res = r.redact(line.getBytes(StandardCharsets.UTF_8));
        return new String(res.output(), res.outputOffset(), res.outputLength(), StandardCharsets.UTF_8);
    }

    /** Every engine redacts each case alike and leaves no 4-character fragment of its value. */
    private static void assertAllRedacted(List<Case> cases) {
        List<Redactor> engines = engines();
        List<Integer> missed = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            String out = redact(engines.get(0), c.line());
            for (Redactor r : engines.subList(1, engines.size())) {
                assertThat(redact(r, c.line())).as("case %d: engines differ", i).isEqualTo(out);
            }
            if (Leaks.leaked(c.line(), out, c.value())) {
                missed.add(i); // indices only: synthetic values, but the habit is never to print them
            }
        }
        assertThat(missed).as("cases whose value was not redacted whole").isEmpty();
    }

    private static String phone(String d, String sep) {
        return d.substring(0, 3) + sep + d.substring(3, 6) + sep + d.substring(6);
    }

    private static String grouped(String digits, String sep) {
        if (digits.length() == 15 || digits.length() == 14) {
            return digits.substring(0, 4) + sep + digits.substring(4, 10) + sep + digits.substring(10);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < digits.length(); i += 4) {
            sb.append(i > 0 ? sep : "").append(digits, i, Math.min(digits.length(), i + 4));
        }
        return sb.toString();
    }

    @Test
    void valuesRightAfterALetterAndADotAreRedacted() {
        Random rnd = new Random(81);
        PhiValues phi = new PhiValues(rnd);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String key = pick(rnd, new String[] {"ssn.", "user.", "patient.", "a.b.", "x.", "Patient.Card."});
            String value;
            switch (rnd.nextInt(7)) {
                case 0 -> value = PhiValues.dashedSsn(phi.ssnDigits());
                case 1 -> {
                    String d = phi.ssnDigits();
                    value = d.substring(0, 3) + " " + d.substring(3, 5) + " " + d.substring(5);
                }
                case 2 -> value = phi.cardDigits();
                case 3 -> value = grouped(phi.cardDigits(), pick(rnd, new String[] {" ", "-"}));
                case 4 -> value = phone(phi.phoneDigits(), pick(rnd, new String[] {"-", "."}));
                case 5 -> {
                    // the bare forms need their context word: the key is it
                    int k = rnd.nextInt(3);
                    key = new String[] {"ssn.", "contact.phone.", "provider.npi."}[k];
                    value = k == 0 ? phi.ssnDigits() : k == 1 ? phi.phoneDigits() : phi.npi();
                }
                default -> {
                    String d = phi.phoneDigits();
                    value = "(" + d.substring(0, 3) + ") " + d.substring(3, 6) + "-" + d.substring(6);
                }
            }
            String after = pick(rnd, new String[] {"", "", "_old", ".log", " "});
            cases.add(new Case(String.format(pick(rnd, TEMPLATES), key + value + after), value));
        }
        assertAllRedacted(cases);
    }

    @Test
    void ssnGroupsJoinedByNonBreakingHyphensOrUnderscoresAreRedacted() {
        Random rnd = new Random(82);
        PhiValues phi = new PhiValues(rnd);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String d = phi.ssnDigits();
            String sep = pick(rnd, new String[] {"\u2011", "_", "\u2007", "\u200A"});
            String value = d.substring(0, 3) + sep + d.substring(3, 5) + sep + d.substring(5);
            String before = pick(rnd, new String[] {" ", "ssn_", "id=", "x.", "SSN: ", "user-"});
            String after = pick(rnd, new String[] {"", "_old", ".log", " "});
            cases.add(new Case(String.format(pick(rnd, TEMPLATES), before + value + after), value));
        }
        // the same separators between the groups of a card and a phone number
        for (int i = 0; i < 1_000; i++) {
            String sep = pick(rnd, new String[] {"\u2011", "\u2007", "\u200A"});
            String p = phi.phoneDigits();
            String value = switch (rnd.nextInt(3)) {
                case 0 -> grouped(phi.cardDigits(), sep);
                case 1 -> "(" + p.substring(0, 3) + ")" + sep + p.substring(3, 6) + sep + p.substring(6);
                default -> sep.equals("\u2011") ? phone(p, sep) : "+1" + sep + phone(p, sep);
            };
            cases.add(new Case(String.format(pick(rnd, TEMPLATES), value), value));
        }
        assertAllRedacted(cases);
    }

    @Test
    void cardsGluedToAWordAreRedacted() {
        Random rnd = new Random(83);
        PhiValues phi = new PhiValues(rnd);
        String[] left = {"card", "pan", "x", "visa", "Card", "CARD", "number", "amex", "q"};
        String[] right = {"y", "x", "exp", "abcz", "Z"};
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String value = rnd.nextInt(4) == 0 ? grouped(phi.cardDigits(), " ") : phi.cardDigits();
            String line = switch (rnd.nextInt(3)) {
                case 0 -> pick(rnd, left) + value + pick(rnd, new String[] {"", " ", "_exp", "-x", "."});
                case 1 -> pick(rnd, new String[] {"", " ", "card=", "x.", "id_"}) + value + pick(rnd, right);
                default -> pick(rnd, left) + value + pick(rnd, right);
            };
            cases.add(new Case(String.format(pick(rnd, TEMPLATES), line), value));
        }
        assertAllRedacted(cases);
        // two cards joined by one letter: the first match consumes it, and it must still start the second
        List<Case> pairs = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String a = phi.cardDigits();
            String b = phi.cardDigits();
            String line = "x" + a + pick(rnd, new String[] {"y", "q", "Z"}) + b + pick(rnd, new String[] {"z", "", " "});
            pairs.add(new Case(line, a));
            pairs.add(new Case(line, b));
        }
        assertAllRedacted(pairs);
    }

    /**
     * Look-alikes: what a dot after a letter, an underscore between digit groups and a letter glued to a digit run
     * also precede or join in real logs. Checked on both engines, line unchanged.
     */
    @Test
    void realWorldLookAlikesOfTheNewShapesAreLeftAlone() {
        List<Redactor> engines = engines();
        Random rnd = new Random(84);
        PhiValues phi = new PhiValues(rnd);
        for (int i = 0; i < 2_000; i++) {
            String card = phi.cardDigits();
            String ssn = phi.ssnDigits();
            String dashed = PhiValues.dashedSsn(ssn);
            StringBuilder id = new StringBuilder(String.valueOf(1 + rnd.nextInt(9)));
            for (int k = id.length(), len = 17 + rnd.nextInt(3); k < len; k++) {
                id.append(rnd.nextInt(10));
            }
            String hex = Integer.toHexString(rnd.nextInt() | 0x10000000);
            String badSsn = (rnd.nextBoolean() ? "666" : String.valueOf(900 + rnd.nextInt(100))) + ssn.substring(3);
            String badCard = card.substring(0, card.length() - 1)
                    + (char) ('0' + (card.charAt(card.length() - 1) - '0' + 1) % 10);
            long epochMs = 1_400_000_000_000L + rnd.nextInt(1_000_000_000);
            String[] lines = {
                // versions, IPs and numbers before a dot: a dot after a digit starts nothing
                "v1." + dashed + " 1.2." + dashed + " v1.2.3.4 1.2.3.4.5 host.10.20.30.40",
                "build 1." + card + " v2." + card.substring(0, 13) + " r" + rnd.nextInt(9) + "." + dashed.substring(0, 6),
                // ids after a letter's dot: too long for a card, or epoch milli/microseconds (no issuer starts with 1)
                "blk." + id + " x." + id + "_tmp ts." + epochMs + " t." + epochMs + "123 job." + id,
                // underscores: chains of numbers, Hadoop ids, values failing the SSN rules
                "v_1_" + ssn.substring(0, 3) + "_" + ssn.substring(3, 5) + "_" + ssn.substring(5) + " 1."
                    + ssn.substring(0, 3) + "_" + ssn.substring(3, 5) + "_" + ssn.substring(5)
                    + " job_1445144423722_" + rnd.nextInt(10000) + " attempt_1445144423722_0020_m_000000_0",
                "id_" + badSsn.substring(0, 3) + "_" + badSsn.substring(3, 5) + "_" + badSsn.substring(5) + " x_"
                    + ssn.substring(0, 3) + "_" + ssn.substring(3, 5) + "_" + ssn.substring(5) + "0 "
                    + ssn.substring(0, 3) + "_" + ssn.substring(3, 5) + "_" + ssn.substring(5, 8),
                // hex: a card's digits inside or at either end of a hex id, after 0x, between hex letters
                "trace=af" + card + " span=" + hex + card + " id " + card + "abcdef 0x" + card + " x0x" + card
                    + " deadbeef" + card + "e7 " + card + "fa" + hex,
                "sha=" + hex + card + hex + " k=" + card + "ab" + hex.substring(0, 4) + " ref " + hex + card,
                // UUIDs, timestamps, Java class names with digits, HDFS block ids
                "req 550e8400-e29b-41d4-a716-" + card.substring(0, 12) + " at log.2026-12-07T21:49:20.123Z",
                "at com.example.v2.Foo123.bar(Foo123.java:" + rnd.nextInt(999) + ") Thread-" + rnd.nextInt(99)
                    + " org.apache.hadoop.hdfs.DFSClient$" + rnd.nextInt(9),
                "Receiving block blk_" + id + " len " + rnd.nextInt(99999) + " blk_-" + card + " blk_" + id + "_1001",
                // a card-shaped run glued to a word that fails Luhn, or is too long
                "card" + badCard + " x" + badCard + "y pan" + id + " " + id + "x",
            };
            for (String line : lines) {
                for (Redactor r : engines) {
                    String out = redact(r, line);
                    assertThat(out).as("look-alike %d: %s", i,
                            line.length() > 12 ? line.substring(0, 12) : line).isEqualTo(line);
                }
            }
        }
    }
}
