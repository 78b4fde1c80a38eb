package io.redactd.daemon.event;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class EventWriterTest {
    /** No key here is a dotted prefix of another, so any subset is a valid document; orders are tricky on purpose. */
    private static final List<String> KEYS = List.of("@timestamp", "message", "host.name", "host.ip", "log.offset",
            "log.file.path", "log.flags", "event.dataset", "a-c", "a.b", "A", "\u00e9.x", "z.y.x.w", "z.y.v", "z.u",
            "redactd.findings", "b", "b0.c");

    private static final String[] PIECES = {"a", " ", "\"", "\\", "\n", "\t", "\b", "\f", "\r", "\u0000", "\u001f",
        "\u007f", "\u00e9", "\u20ac", "\ud83d\ude00", "\ud800", "\udc00", "\u2028", "[REDACTED:SSN]", "0123456789"};

    /** Random text: ASCII runs of every length (word boundaries), escapes, multi-byte and unpaired surrogates. */
    private static String text(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int n = rnd.nextInt(30);
        for (int i = 0; i < n; i++) {
            sb.append(rnd.nextInt(3) == 0 ? PIECES[rnd.nextInt(PIECES.length)] : Character.toString('a' + rnd.nextInt(26)));
        }
        return sb.toString();
    }

    private static Object value(Random rnd, int i) {
        return switch (i % 8) {
            case 0 -> "v\"" + rnd.nextInt(1000) + "\n\u00e9";
            case 1 -> (long) rnd.nextInt();
            case 2 -> List.of("split", "x");
            case 3 -> Utf8Text.of(("t\\" + rnd.nextInt(9)).getBytes(StandardCharsets.UTF_8));
            case 4 -> text(rnd);
            case 5 -> rnd.nextLong() >> rnd.nextInt(64);
            case 6 -> Utf8Text.of(Utf8Repair.repair(text(rnd).getBytes(StandardCharsets.UTF_8)));
            default -> new TreeMap<String, Object>(Map.of("SSN", 2, "EMAIL", 1));
        };
    }

    @Test
    void byteIdenticalToTheTreeDocumentForRandomFieldSets() {
        Random rnd = new Random(11);
        EventWriter writer = new EventWriter();
        for (int round = 0; round < 3000; round++) {
            List<String> keys = new ArrayList<>(KEYS);
            Collections.shuffle(keys, rnd);
            keys = keys.subList(0, 1 + rnd.nextInt(keys.size()));
            EventDocument doc = new EventDocument();
            writer.begin();
            for (int i = 0; i < keys.size(); i++) {
                Object v = value(rnd, rnd.nextInt(8));
                doc.put(keys.get(i), v);
                assertThat(writer.field(keys.get(i), v)).isTrue();
            }
            assertThat(new String(writer.finish(), StandardCharsets.UTF_8)).as("round %d %s", round, keys)
                    .isEqualTo(new String(doc.toCanonicalJson(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void repeatedFieldSequencesReuseTheirOrderAndCachedStringsStayCorrect() {
        // The same path sequence (the cached order) with changing values, then a different sequence, then back;
        // strings that share a hash slot and a String equal to a cached one but not the same instance.
        Random rnd = new Random(12);
        EventWriter writer = new EventWriter();
        List<List<String>> shapes = List.of(List.of("message", "log.offset", "@timestamp", "log.file.path"),
                List.of("message", "log.file.path", "@timestamp", "log.offset"), List.of("b0.c", "A", "z.u"));
        for (int round = 0; round < 3000; round++) {
            List<String> keys = shapes.get(rnd.nextInt(shapes.size()));
            EventDocument doc = new EventDocument();
            writer.begin();
            for (String k : keys) {
                Object v = rnd.nextBoolean() ? new String("same-" + rnd.nextInt(3)) : value(rnd, rnd.nextInt(8));
                doc.put(k, v);
                writer.field(k, v);
            }
            assertThat(new String(writer.finish(), StandardCharsets.UTF_8)).as("round %d", round)
                    .isEqualTo(new String(doc.toCanonicalJson(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void chainAtIsWhereATopLevelChainMemberBelongs() {
        EventWriter w = new EventWriter();
        assertThat(new String(w.begin().finish(), StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(w.chainAt()).isEqualTo(1);
        byte[] d = w.begin().core("message", "m").core("@timestamp", "t").finish();
        assertThat(new String(d, StandardCharsets.UTF_8).substring(w.chainAt())).isEqualTo("\"message\":\"m\"}");
        d = w.begin().core("a.b", 1L).core("ch", "x").finish();
        assertThat(w.chainAt()).isEqualTo(d.length - 1);
        d = w.begin().core("chain0.x", 1L).core("b", 2L).finish();
        assertThat(new String(d, StandardCharsets.UTF_8).substring(w.chainAt())).isEqualTo("\"chain0\":{\"x\":1}}");
        w.begin().core("chain.seq", 1L).core("a", 2L).finish();
        assertThat(w.chainAt()).isEqualTo(-1);
    }

    @Test
    void coreFieldsWinAndConflictingInputFieldsAreSkipped() {
        EventWriter w = new EventWriter().begin().core("message", "redacted").core("host.name", "h");
        assertThat(w.field("message.x", "raw")).isFalse();
        assertThat(w.field("message", "raw")).isFalse();
        assertThat(w.field("host", "x")).isFalse();
        assertThat(w.field("host.ip", "10.0.0.1")).isTrue();
        assertThat(w.field("log", "x")).isTrue();
        assertThat(w.field("log.offset", 5L)).isFalse();
        assertThat(new String(w.finish(), StandardCharsets.UTF_8))
                .isEqualTo("{\"host\":{\"ip\":\"10.0.0.1\",\"name\":\"h\"},\"log\":\"x\",\"message\":\"redacted\"}");
    }

    @Test
    void emptyAndTimestampCache() {
        EventWriter w = new EventWriter();
        assertThat(new String(w.begin().finish(), StandardCharsets.UTF_8)).isEqualTo("{}");
        assertThat(w.timestamp(0)).isEqualTo("1970-01-01T00:00:00.000Z").isSameAs(w.timestamp(0));
        assertThat(w.timestamp(1)).isEqualTo("1970-01-01T00:00:00.001Z");
    }

    /** One event's calls: core fields, input fields (some conflicting), and a has() in between. */
    private record Call(int kind, String name) {
    }

    @Test
    void repeatedCallSequencesGiveTheAnswersAndBytesOfAFreshWriter() {
        // The writer remembers the last event's calls (answers, paths) and the bytes between its values; a fresh
        // writer per event is the reference: same document, same chain offset, same answers, whatever the history.
        Random rnd = new Random(13);
        List<List<Call>> shapes = List.of(
                List.of(new Call(0, "@timestamp"), new Call(0, "host.name"), new Call(0, "message"),
                        new Call(0, "redactd.findings"), new Call(1, "log.file.path"), new Call(1, "log.offset"),
                        new Call(1, "event.dataset"), new Call(2, "event.dataset"), new Call(1, "event.dataset")),
                List.of(new Call(0, "@timestamp"), new Call(0, "host.name"), new Call(0, "message"),
                        new Call(0, "redactd.findings"), new Call(1, "log.file.path"), new Call(1, "log.offset"),
                        new Call(1, "message.x"), new Call(1, "log.flags"), new Call(2, "event.dataset"),
                        new Call(1, "event.dataset")),
                List.of(new Call(0, "message"), new Call(1, "host"), new Call(1, "host.name"), new Call(1, "chain.seq"),
                        new Call(2, "chain"), new Call(1, "z")),
                List.of(new Call(0, "message"), new Call(1, "host"), new Call(1, "host.name"), new Call(1, "chain0"),
                        new Call(2, "chain0"), new Call(1, "a")),
                List.of());
        EventWriter writer = new EventWriter();
        for (int round = 0; round < 5000; round++) {
            // runs of the same shape (the fast paths), and now and then another one (the caches must not leak)
            List<Call> shape = shapes.get(rnd.nextInt(8) < 6 ? round / 50 % shapes.size() : rnd.nextInt(shapes.size()));
            EventWriter fresh = new EventWriter();
            writer.begin();
            fresh.begin();
            for (Call c : shape) {
                Object v = c.name().equals("redactd.findings") && rnd.nextBoolean() ? Collections.emptySortedMap()
                        : value(rnd, rnd.nextInt(8));
                switch (c.kind()) {
                    case 0 -> {
                        writer.core(c.name(), v);
                        fresh.core(c.name(), v);
                    }
                    case 1 -> assertThat(writer.field(c.name(), v)).as("round %d field %s", round, c.name())
                            .isEqualTo(fresh.field(c.name(), v));
                    default -> assertThat(writer.has(c.name())).as("round %d has %s", round, c.name())
                            .isEqualTo(fresh.has(c.name()));
                }
            }
            assertThat(new String(writer.finish(), StandardCharsets.UTF_8)).as("round %d", round)
                    .isEqualTo(new String(fresh.finish(), StandardCharsets.UTF_8));
            assertThat(writer.chainAt()).as("round %d", round).isEqualTo(fresh.chainAt());
        }
    }

    @Test
    void valuesThatRepeatAcrossEventsAreBakedWithoutChangingAByte() {
        // The shape of a syslog event: core fields, then header fields that stay the same for runs of events (the
        // same instance, or an equal String/Long from another connection), change now and then (host, app), or
        // change every few events (a timestamp's millisecond). A fresh writer per event is the reference.
        Random rnd = new Random(14);
        List<String> names = List.of("@timestamp", "host.name", "message", "redactd.findings", "event.dataset",
                "log.syslog.appname", "log.syslog.hostname", "log.syslog.priority", "log.syslog.facility.code",
                "log.syslog.facility.name", "log.syslog.severity.code", "log.syslog.procid", "source.ip", "chain0.x");
        EventWriter writer = new EventWriter();
        Object[] current = new Object[names.size()];
        int[] every = new int[names.size()];
        for (int i = 0; i < every.length; i++) {
            every[i] = new int[] {1, 2, 3, 7, 50, 400, 100_000}[rnd.nextInt(7)];
        }
        for (int event = 0; event < 20_000; event++) {
            int shape = event / 5000; // later rounds leave out fields, so sequences change too
            EventWriter fresh = new EventWriter();
            writer.begin();
            fresh.begin();
            for (int i = 0; i < names.size(); i++) {
                if (shape > 0 && i % (shape + 2) == 1) {
                    continue;
                }
                if (current[i] == null || event % every[i] == 0 || rnd.nextInt(1000) == 0) {
                    current[i] = switch (rnd.nextInt(10)) {
                        case 0, 1, 2 -> "h\u00e9\"" + rnd.nextInt(4);
                        case 3, 4 -> (long) rnd.nextInt(3) - 1;
                        case 5 -> Collections.emptySortedMap();
                        case 6 -> "x".repeat(500 + rnd.nextInt(30)); // around the length limit
                        default -> value(rnd, rnd.nextInt(8));
                    };
                }
                Object v = current[i];
                if (rnd.nextInt(4) == 0) {
                    // equal content, another instance
                    v = v instanceof String s ? new String(s) : v instanceof Long l ? Long.valueOf(l.longValue() + 0) : v;
                }
                if (i < 4) {
                    writer.core(names.get(i), v);
                    fresh.core(names.get(i), v);
                } else {
                    assertThat(writer.field(names.get(i), v)).isEqualTo(fresh.field(names.get(i), v));
                }
            }
            assertThat(new String(writer.finish(), StandardCharsets.UTF_8)).as("event %d", event)
                    .isEqualTo(new String(fresh.finish(), StandardCharsets.UTF_8));
            assertThat(writer.chainAt()).as("event %d", event).isEqualTo(fresh.chainAt());
        }
    }

    @Test
    void aBakedValueIsNotReusedOnceTheValueChangesInPlace() {
        // Only immutable values are baked: a Utf8Text's array (or a map) may change between events.
        EventWriter w = new EventWriter();
        byte[] text = "aaaa".getBytes(StandardCharsets.UTF_8);
        TreeMap<String, Object> findings = new TreeMap<>();
        for (int i = 0; i < 10; i++) {
            text[0] = (byte) ('a' + i);
            findings.put("T" + i, i);
            String doc = new String(w.begin().core("message", Utf8Text.of(text)).core("redactd.findings", findings)
                    .core("host.name", "h").finish(), StandardCharsets.UTF_8);
            EventDocument ref = new EventDocument().put("message", Utf8Text.of(text)).put("redactd.findings", findings)
                    .put("host.name", "h");
            assertThat(doc).isEqualTo(new String(ref.toCanonicalJson(), StandardCharsets.UTF_8));
            assertThat(doc).contains("\"message\":\"" + (char) ('a' + i) + "aaa\"");
        }
    }
}
