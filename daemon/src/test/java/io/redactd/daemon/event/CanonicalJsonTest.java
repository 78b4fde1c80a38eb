package io.redactd.daemon.event;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CanonicalJsonTest {
    private static String json(EventDocument d) {
        return new String(d.toCanonicalJson(), StandardCharsets.UTF_8);
    }

    @Test
    void nestedObjectsWithKeysSortedAndNoWhitespace() {
        EventDocument d = new EventDocument()
                .put("redactd.findings", new java.util.TreeMap<String, Object>(java.util.Map.of("SSN", 2, "EMAIL", 1)))
                .put("message", "m")
                .put("log.offset", 42L)
                .put("log.file.path", "/var/log/a.log")
                .put("host.name", "h1")
                .put("event.dataset", "app")
                .put("@timestamp", EventDocument.isoMillis(0));
        assertThat(json(d)).isEqualTo("{\"@timestamp\":\"1970-01-01T00:00:00.000Z\",\"event\":{\"dataset\":\"app\"},"
                + "\"host\":{\"name\":\"h1\"},\"log\":{\"file\":{\"path\":\"/var/log/a.log\"},\"offset\":42},"
                + "\"message\":\"m\",\"redactd\":{\"findings\":{\"EMAIL\":1,\"SSN\":2}}}");
    }

    @Test
    void escapesOnlyWhatRfc8785Requires() {
        String s = "q\" b\\ \b\f\n\r\t \u0001\u001f / \u007f é \u2028 😀";
        EventDocument d = new EventDocument().put("s", s).put("b", Utf8Text.of(s.getBytes(StandardCharsets.UTF_8)));
        String expected = "\"q\\\" b\\\\ \\b\\f\\n\\r\\t \\u0001\\u001f / \u007f é \u2028 😀\"";
        assertThat(json(d)).isEqualTo("{\"b\":" + expected + ",\"s\":" + expected + "}");
    }

    @Test
    void keysSortByUtf16CodeUnits() {
        EventDocument d = new EventDocument().put("b", 1L).put("a", 2L).put("A", 3L).put("\u00e9", 4L).put("@", 5L);
        assertThat(json(d)).isEqualTo("{\"@\":5,\"A\":3,\"a\":2,\"b\":1,\"é\":4}");
    }

    @Test
    void listsAndUnpairedSurrogates() {
        EventDocument d = new EventDocument().put("log.flags", List.of("split", "multiline")).put("x", "a\ud800b");
        assertThat(json(d)).isEqualTo("{\"log\":{\"flags\":[\"split\",\"multiline\"]},\"x\":\"a\ufffdb\"}");
    }

    @Test
    void refusesFloatsAndConflictingFields() {
        assertThatThrownBy(() -> new EventDocument().put("n", 1.5).toCanonicalJson())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EventDocument().put("log", "x").put("log.offset", 1L))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("x\"");
    }

    @Test
    void timestampsHaveFixedWidth() {
        assertThat(EventDocument.isoMillis(1_795_000_000_007L)).isEqualTo("2026-11-18T11:06:40.007Z");
        assertThat(EventDocument.isoMillis(951_782_400_000L)).isEqualTo("2000-02-29T00:00:00.000Z");
    }
}
