package io.redactd.detectors.redact;

import io.redactd.detectors.Action;
import io.redactd.detectors.DetectionException;
import io.redactd.detectors.EngineChoice;
import io.redactd.detectors.LineResult;
import io.redactd.detectors.Redactor;
import io.redactd.detectors.accuracy.Leaks;
import io.redactd.detectors.engine.Plans;
import io.redactd.detectors.synthetic.PhiValues;
import io.redactd.detectors.testing.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@link Redactor#redactRegion}: a line cut in two pieces, each redacted with the other's bytes as context, gives
 * neither the value nor a fragment a reader could join from the two outputs, whatever the cut, and the value is
 * counted once.
 */
class RegionRedactionTest {
    /** What the daemon's file input attaches on each side of a piece. */
    private static final int K = 256;
    private static final String FILLER = "~ ".repeat(150);

    private record Sample(String type, String label, String value) {
    }

    /** Values of every catalog type, valid by the real rules, behind the label a contextual type needs. */
    private static List<Sample> samples() {
        PhiValues v = new PhiValues(new Random(20261207));
        List<Sample> s = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            s.add(new Sample("SSN", "ref ", PhiValues.dashedSsn(v.ssnDigits())));
            s.add(new Sample("CREDIT_CARD", "card ", v.card()));
            s.add(new Sample("CREDIT_CARD", "card ", v.cardDigits()));
            s.add(new Sample("EMAIL", "to ", v.email()));
            s.add(new Sample("PHONE", "call ", v.phone()));
            s.add(new Sample("IPV4", "from ", v.ipv4()));
            s.add(new Sample("IPV6", "from ", v.ipv6()));
            s.add(new Sample("NPI", "npi ", v.npi()));
            s.add(new Sample("DEA", "dea ", v.dea()));
            s.add(new Sample("MBI", "mbi ", v.mbi()));
            s.add(new Sample("IBAN", "iban ", v.iban()));
            s.add(new Sample("VIN", "vin ", v.vin()));
            s.add(new Sample("DOB", "dob ", v.dob()));
            s.add(new Sample("MRN", "mrn ", v.mrn()));
            s.add(new Sample("MEMBER_ID", "member id ", v.memberId()));
            s.add(new Sample("PASSPORT", "passport number ", v.passport()));
            s.add(new Sample("NAME", "patient ", v.firstName() + " " + v.lastName()));
            s.add(new Sample("ADDRESS", "lives at ", v.address()));
        }
        s.add(new Sample("CREDIT_CARD", "card ", "4111111111111111"));
        s.add(new Sample("SSN", "ref ", "536-22-1234"));
        s.add(new Sample("EMAIL", "to ", "jane.roe@example.org"));
        return s;
    }

    private static Redactor redactor(EngineChoice engine, Map<String, Action> actions) {
        assumeTrue(engine != EngineChoice.HYPERSCAN || Plans.hyperscanAvailable(),
                "hyperscan runs on x86-64 Linux only");
        return Plans.compile(Settings.of(engine).withActions(actions)
                .withTokenKey("0123456789abcdef0123".getBytes(StandardCharsets.US_ASCII), "k1").s()).newRedactor();
    }

    private static String out(LineResult r) {
        return new String(r.output(), r.outputOffset(), r.outputLength(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(value = EngineChoice.class, names = {"PORTABLE", "HYPERSCAN"})
    void noCutLeavesAJoinableFragment(EngineChoice engine) {
        checkEveryCut(redactor(engine, Map.of()));
    }

    @Test
    void partialAndTokenizeMaskACutValue() {
        checkEveryCut(redactor(EngineChoice.PORTABLE,
                Map.of("CREDIT_CARD", Action.PARTIAL, "SSN", Action.TOKENIZE, "EMAIL", Action.TOKENIZE)));
    }

    private static void checkEveryCut(Redactor r) {
        int checked = 0;
        for (Sample sample : samples()) {
            String line = FILLER + sample.label() + sample.value() + " tail " + FILLER;
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            LineResult whole = r.redact(b, 0, b.length);
            assertThat(whole.findingCount()).as(sample.type() + " found whole").isEqualTo(1);
            assertThat(Leaks.leaked(line, out(whole), sample.value())).as(sample.type()).isFalse();
            String wholeType = whole.finding(0).type();
            int vs = (FILLER + sample.label()).getBytes(StandardCharsets.UTF_8).length;
            int ve = vs + sample.value().getBytes(StandardCharsets.UTF_8).length;
            for (int cut = vs; cut <= ve; cut++) {
                LineResult a = r.redactRegion(b, 0, Math.min(b.length, cut + K), 0, cut);
                String outA = out(a);
                int countA = a.findingCount();
                String typeA = countA == 1 ? a.finding(0).type() : null; // a is overwritten by the next call
                LineResult c = r.redactRegion(b, Math.max(0, cut - K), b.length, cut, b.length);
                String outC = out(c);
                String what = sample.type() + " cut at " + (cut - vs) + " of " + (ve - vs);
                assertThat(Leaks.leaked(line, outA + outC, sample.value())).as(what + ": " + outA.substring(
                        Math.max(0, outA.length() - 40)) + " | " + outC.substring(0, Math.min(40, outC.length())))
                        .isFalse();
                assertThat(countA + c.findingCount()).as(what + ": counted once").isEqualTo(1);
                assertThat(countA == 1 ? typeA : c.finding(0).type()).as(what).isEqualTo(wholeType);
                checked++;
            }
        }
        assertThat(checked).as("cuts checked").isGreaterThan(900);
    }

    @Test
    void offsetsAndOutputAreTheRegions() {
        Redactor r = redactor(EngineChoice.PORTABLE, Map.of());
        byte[] b = "xx card 4111111111111111 and ssn 536-22-1234 end".getBytes(StandardCharsets.UTF_8);
        int cut = b.length - " 536-22-1234 end".length() + 7; // inside the SSN: "536-22-" | "1234 end"
        LineResult a = r.redactRegion(b, 0, b.length, 3, cut);
        assertThat(out(a)).isEqualTo("card [REDACTED:CREDIT_CARD] and ssn [REDACTED:SSN]");
        assertThat(a.findingCount()).isEqualTo(2);
        assertThat(a.finding(0).start()).isEqualTo(5);
        assertThat(a.finding(1).end()).isEqualTo(cut - 3); // clipped to the region
        LineResult c = r.redactRegion(b, 0, b.length, cut, b.length);
        assertThat(out(c)).isEqualTo("[REDACTED:SSN] end");
        assertThat(c.findingCount()).isZero();
        assertThat(c.clean()).isFalse();
    }

    @Test
    void aCleanRegionIsTheInputAndJsonIsText() {
        Redactor r = redactor(EngineChoice.PORTABLE, Map.of());
        byte[] b = "{\"a\":\"4111111111111111\"} plain words".getBytes(StandardCharsets.UTF_8);
        LineResult clean = r.redactRegion(b, 0, b.length, 24, b.length);
        assertThat(clean.clean()).isTrue();
        assertThat(clean.output()).isSameAs(b);
        assertThat(out(clean)).isEqualTo(" plain words");
        LineResult json = r.redactRegion(b, 0, b.length, 0, 10);
        assertThat(out(json)).isEqualTo("{\"a\":\"[REDACTED:CREDIT_CARD]");
    }

    @Test
    void badRangesFailClosed() {
        Redactor r = redactor(EngineChoice.PORTABLE, Map.of());
        byte[] b = new byte[10];
        assertThatThrownBy(() -> r.redactRegion(b, 2, 10, 1, 5)).isInstanceOf(DetectionException.class);
        assertThatThrownBy(() -> r.redactRegion(b, 0, 11, 0, 5)).isInstanceOf(DetectionException.class);
        assertThatThrownBy(() -> r.redactRegion(b, 0, 5, 3, 2)).isInstanceOf(DetectionException.class);
        byte[] huge = new byte[LineRedactor.MAX_EVENT_BYTES + 1];
        assertThatThrownBy(() -> r.redactRegion(huge, 0, huge.length, 0, 5)).isInstanceOf(DetectionException.class);
    }
}
