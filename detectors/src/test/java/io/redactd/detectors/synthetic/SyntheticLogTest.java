package io.redactd.detectors.synthetic;

import io.redactd.detectors.validate.Validator;
import io.redactd.detectors.validate.Validators;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SyntheticLogTest {
    private static final Map<String, Validator> RULES = Map.of("SSN", Validators.SSN, "CREDIT_CARD",
            Validators.CREDIT_CARD, "PHONE", Validators.NANP_PHONE, "IPV4", Validators.IPV4, "IPV6", Validators.IPV6,
            "NPI", Validators.NPI, "DEA", Validators.DEA, "MBI", Validators.MBI, "IBAN", Validators.IBAN, "VIN",
            Validators.VIN);

    @Test
    void sameSeedGivesSameLines() {
        List<String> a = IntStream.range(0, 500).mapToObj(i -> new SyntheticLog(7, 0.3, 0.3)).limit(1)
                .flatMap(g -> IntStream.range(0, 500).mapToObj(i -> g.next().text())).toList();
        SyntheticLog g2 = new SyntheticLog(7, 0.3, 0.3);
        List<String> b = IntStream.range(0, 500).mapToObj(i -> g2.next().text()).toList();
        assertThat(a).isEqualTo(b);
        SyntheticLog g3 = new SyntheticLog(8, 0.3, 0.3);
        assertThat(IntStream.range(0, 500).mapToObj(i -> g3.next().text()).toList()).isNotEqualTo(a);
    }

    @Test
    void everyStructuredValueIsValidByItsRulesAndAppearsInItsLine() {
        SyntheticLog gen = new SyntheticLog(11, 1, 0);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            for (String type : SyntheticLog.TYPES) {
                LabeledLine line = gen.phiLine(type);
                assertThat(line.kind()).isEqualTo(LabeledLine.Kind.PHI);
                assertThat(line.phi()).extracting(PhiValue::type).contains(type);
                for (PhiValue v : line.phi()) {
                    assertThat(line.text()).contains(v.value());
                    seen.merge(v.type(), 1, Integer::sum);
                    Validator rule = RULES.get(v.type());
                    if (rule != null && !v.value().contains("%") && !v.value().startsWith("+")) {
                        byte[] b = v.value().getBytes(StandardCharsets.US_ASCII);
                        assertThat(rule.valid(b, 0, b.length)).as("%s value valid by its rules", v.type()).isTrue();
                    }
                }
            }
        }
        assertThat(seen.keySet()).containsAll(SyntheticLog.TYPES);
    }

    @Test
    void proportionsAreHonouredAndHardNegativesCarryNoPhi() {
        SyntheticLog gen = new SyntheticLog(3, 0.05, 0.15);
        Map<LabeledLine.Kind, Integer> kinds = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            LabeledLine l = gen.next();
            kinds.merge(l.kind(), 1, Integer::sum);
            if (l.kind() != LabeledLine.Kind.PHI) {
                assertThat(l.phi()).isEmpty();
            }
        }
        assertThat(kinds.get(LabeledLine.Kind.PHI)).isBetween(400, 600);
        assertThat(kinds.get(LabeledLine.Kind.HARD_NEGATIVE)).isBetween(1300, 1700);
        assertThat(kinds.get(LabeledLine.Kind.CLEAN)).isBetween(7700, 8300);
    }

    @Test
    void hardNegativeTokensFailTheRulesTheyImitate() {
        HardNegatives n = new HardNegatives(new java.util.Random(5));
        for (int i = 0; i < 500; i++) {
            assertThat(valid(Validators.CREDIT_CARD, n.orderNumber())).isFalse();
            assertThat(valid(Validators.SSN, n.invalidSsn())).isFalse();
            assertThat(valid(Validators.NANP_PHONE, n.invalidPhone())).isFalse();
            assertThat(valid(Validators.IPV4, n.version())).isFalse();
        }
    }

    @Test
    void rejectsImpossibleFractions() {
        assertThatThrownBy(() -> new SyntheticLog(1, 0.8, 0.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fractions");
    }

    private static boolean valid(Validator v, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return v.valid(b, 0, b.length);
    }
}
