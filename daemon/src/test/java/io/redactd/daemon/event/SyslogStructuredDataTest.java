package io.redactd.daemon.event;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SyslogStructuredDataTest {
    private static SyslogStructuredData.Split split(String s) {
        return SyslogStructuredData.split(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(SyslogStructuredData.Split s) {
        return new String(s.text(), StandardCharsets.UTF_8);
    }

    @Test
    void elementsBecomeNestedFieldsAndTheFreeTextStaysTheMessage() {
        SyslogStructuredData.Split s = split("[exampleSDID@32473 iut=\"3\" eventSource=\"Application\"]"
                + "[origin ip=\"10.0.0.1\" ip=\"10.0.0.2\"] BOMAn application event");
        assertThat(s.elements()).isEqualTo(Map.of(
                "exampleSDID@32473", Map.of("iut", "3", "eventSource", "Application"),
                "origin", Map.of("ip", List.of("10.0.0.1", "10.0.0.2"))));
        assertThat(text(s)).isEqualTo("BOMAn application event");
    }

    @Test
    void escapesAreDecodedAndRedactionsInsideValuesAreKept() {
        SyslogStructuredData.Split s = split("[patient ssn=\"[REDACTED:SSN]\" note=\"say \\\"hi\\\" \\] \\\\ \\n\"] admitted");
        assertThat(s.elements()).isEqualTo(Map.of("patient",
                Map.of("ssn", "[REDACTED:SSN]", "note", "say \"hi\" ] \\ \\n")));
        assertThat(text(s)).isEqualTo("admitted");
    }

    @Test
    void structuredDataWithoutTextAndARepeatedIdAreAccepted() {
        SyslogStructuredData.Split s = split("[a x=\"1\"][a x=\"2\" y=\"3\"]");
        assertThat(s.elements()).isEqualTo(Map.of("a", Map.of("x", List.of("1", "2"), "y", "3")));
        assertThat(s.text()).isEmpty();
        assertThat(split("[meta]").elements()).isEqualTo(Map.of("meta", Map.of()));
    }

    @Test
    void anyValidSdNameIsAnIdEvenDigitsAndDashes() {
        assertThat(split("[212-67-4821 a=\"b\"] m").elements()).isEqualTo(Map.of("212-67-4821", Map.of("a", "b")));
        String longest = "x".repeat(32);
        assertThat(split("[" + longest + " " + longest + "=\"v\"]").elements())
                .isEqualTo(Map.of(longest, Map.of(longest, "v")));
    }

    @Test
    void aRedactedNameLeavesTheMessageWholeInsteadOfBreakingTheElement() {
        for (String redacted : List.of("[[REDACTED:SSN] a=\"b\"] admitted", "[x a=\"1\"][[REDACTED:SSN:4821] a=\"b\"] m",
                "[patient-[TOKEN:SSN:k1:3f9a0c1d2e3f4a5b] a=\"b\"]", "[id [REDACTED:SSN]=\"b\"] m",
                "[" + "x".repeat(33) + " a=\"b\"]", "[id " + "x".repeat(33) + "=\"b\"]")) {
            assertThat(split(redacted)).as(redacted).isNull();
        }
    }

    @Test
    void anythingNotFollowingTheGrammarIsLeftWhole() {
        for (String bad : List.of("", "no sd here", "[", "[]", "[id", "[id x=1]", "[id x=\"1]", "[id x=\"1\"]text",
                "[id  x=\"1\"]", "[id =\"1\"]", "[id x=\"1\" ] t", "[a=b]")) {
            assertThat(split(bad)).as(bad).isNull();
        }
    }
}
