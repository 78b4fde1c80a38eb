package io.redactd.outputs.splunk;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a collector says is shown by its code only (bb7 re-test N2): its text went into log lines, /readyz and the
 * dead-letter file as sent, so whatever answered could write values there, or forge a log line with a line break.
 */
class HecResponseTest {

    private static HecResponse parse(String body) {
        return HecResponse.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theTextShownIsSplunksDocumentedTextForTheCodeNeverTheAnswers() {
        HecResponse r = parse("{\"text\":\"Invalid token for jane@example.com\\n2026-12-07T20:00:00Z INFO forged\","
                + "\"code\":4}");
        assertThat(r.code()).isEqualTo(4);
        assertThat(r.text()).isEqualTo("Invalid token");
        assertThat(parse("{\"text\":\"Success\",\"code\":0,\"ackId\":7}").ackId()).isEqualTo(7);
        assertThat(parse("{\"text\":\"whatever\",\"code\":6,\"invalid-event-number\":2}"))
                .extracting(HecResponse::text, HecResponse::invalidEventNumber).containsExactly("Invalid data format", 2);
        assertThat(parse("{\"text\":\"x\\ny\",\"code\":99}").text()).isEqualTo("undocumented HEC code 99");
        assertThat(parse("{\"text\":\"Server is busy: a@b.c\",\"code\":9}").text()).isEqualTo("Server is busy");
    }

    @Test
    void anAnswerWithoutACodeShowsNoneOfItsText() {
        assertThat(parse("{\"text\":\"123-45-6789\"}").text()).doesNotContain("123");
        assertThat(parse("<html>down</html>").text()).isEqualTo("unreadable response");
    }
}
