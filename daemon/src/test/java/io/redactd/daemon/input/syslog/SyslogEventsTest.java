package io.redactd.daemon.input.syslog;

import io.redactd.daemon.pipeline.ContentValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redactd.daemon.pipeline.RawEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import io.redactd.daemon.event.SyslogStructuredData;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class SyslogEventsTest {
    private final SyslogParser parser = new SyslogParser(Clock.fixed(Instant.parse("2026-03-10T12:00:00Z"), ZoneOffset.UTC));

    private SyslogMessage parse(String frame) {
        byte[] b = frame.getBytes(StandardCharsets.UTF_8);
        return parser.parse(b, 0, b.length);
    }

    @Test
    void cachedFieldsEqualUncachedOnesForEveryKindOfHeader() {
        SyslogEvents.FieldsCache cache = new SyslogEvents.FieldsCache();
        List<String> frames = List.of(
                "<165>1 2026-03-10T11:00:00Z ehr-01 billing 4242 ID47 - one",
                "<165>1 2026-03-10T11:00:01Z ehr-01 billing 4242 ID47 - two",
                "<165>1 2026-03-10T11:00:01Z ehr-01 billing - ID47 - procid gone",
                "<165>1 2026-03-10T11:00:01Z ehr-01 billing 4242 ID47 - procid back",
                "<166>1 2026-03-10T11:00:01Z ehr-01 billing 4242 ID47 - other severity",
                "<166>1 2026-03-10T11:00:01Z ehr-02 billing 4242 ID47 - other host",
                "<166>1 2026-03-10T11:00:01Z ehr-02 lab 4242 ID47 - other app",
                "<166>1 2026-03-10T11:00:01Z ehr-02 lab 4242 ID48 - other msgid",
                "<38>Mar  9 08:15:02 ehr-02 lab[4242]: rfc 3164",
                "no header at all",
                "<166>1 2026-03-10T11:00:01Z ehr-02 lab 4242 ID48 - header again");
        long position = 0;
        for (String frame : frames) {
            SyslogMessage m = parse(frame);
            RawEvent cached = SyslogEvents.toEvent(m, 7, "ehr", "127.0.0.1", ++position, cache);
            RawEvent plain = SyslogEvents.toEvent(m, 7, "ehr", "127.0.0.1", position);
            assertThat(cached.fields()).as(frame).isEqualTo(plain.fields());
            assertThat(cached.message()).isEqualTo(plain.message());
            assertThat(cached.timestampMs()).isEqualTo(plain.timestampMs());
            assertThat(cached.position()).isEqualTo(position);
        }
        // and the peer and dataset are part of the key
        SyslogMessage m = parse(frames.get(0));
        assertThat(SyslogEvents.toEvent(m, 0, "ehr", "10.0.0.9", 1, cache).fields())
                .containsEntry("source.ip", "10.0.0.9");
        assertThat(SyslogEvents.toEvent(m, 0, "lab", "10.0.0.9", 1, cache).fields())
                .containsEntry("event.dataset", "lab");
    }

    @Test
    void messagesWithTheSameHeaderShareOneReadOnlyFieldMap() {
        SyslogEvents.FieldsCache cache = new SyslogEvents.FieldsCache();
        RawEvent a = SyslogEvents.toEvent(parse("<13>1 2026-03-10T11:00:00Z h app 1 - - first 123-45-6789"), 0,
                "ehr", "127.0.0.1", 1, cache);
        RawEvent b = SyslogEvents.toEvent(parse("<13>1 2026-03-10T11:00:05Z h app 1 - - second"), 0,
                "ehr", "127.0.0.1", 2, cache);
        RawEvent c = SyslogEvents.toEvent(parse("<13>1 2026-03-10T11:00:05Z h app 2 - - third"), 0,
                "ehr", "127.0.0.1", 3, cache);
        assertThat(b.fields()).isSameAs(a.fields());
        assertThat(c.fields()).isNotSameAs(b.fields()).containsEntry("log.syslog.procid", new ContentValue("2"));
        assertThat(new String(b.message(), StandardCharsets.UTF_8)).isEqualTo("second");
        assertThat(b.timestampMs()).isEqualTo(Instant.parse("2026-03-10T11:00:05Z").toEpochMilli());
        // shared, so nobody downstream may change it
        assertThatThrownBy(() -> a.fields().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aConnectionsRepeatedHeaderValuesKeepOneContentValueSoEachIsScannedOnce() {
        SyslogEvents.FieldsCache cache = new SyslogEvents.FieldsCache();
        RawEvent a = SyslogEvents.toEvent(parse("<13>1 2026-03-10T11:00:00Z h app 100 - - a"), 0, "ehr", "p", 1, cache);
        RawEvent b = SyslogEvents.toEvent(parse("<13>1 2026-03-10T11:00:00Z h app 200 - - b"), 0, "ehr", "p", 2, cache);
        RawEvent c = SyslogEvents.toEvent(parse("<13>1 2026-03-10T11:00:00Z h app 100 - - c"), 0, "ehr", "p", 3, cache);
        assertThat(c.fields()).isNotSameAs(a.fields());
        assertThat(c.fields().get("log.syslog.procid")).isSameAs(a.fields().get("log.syslog.procid"));
        assertThat(b.fields().get("log.syslog.appname")).isSameAs(a.fields().get("log.syslog.appname"));
        assertThat(b.fields().get("log.syslog.procid")).isNotSameAs(a.fields().get("log.syslog.procid"));
    }

    @Test
    void theFieldMapBehavesAsAReadOnlyMapOfItsEntries() {
        Map<String, Object> f = SyslogEvents.toEvent(
                parse("<165>1 2026-03-10T11:00:00Z ehr-01 billing 4242 ID47 [a b=\"c\"] text"), 0, "ehr", "10.0.0.9", 1)
                .fields();
        Map<String, Object> want = new HashMap<>();
        want.put("event.dataset", "ehr");
        want.put("source.ip", "10.0.0.9");
        want.put("log.syslog.priority", 165L);
        want.put("log.syslog.facility.code", 20L);
        want.put("log.syslog.facility.name", "local4");
        want.put("log.syslog.severity.code", 5L);
        want.put("log.syslog.severity.name", "Notice");
        want.put("log.syslog.version", "1");
        want.put("log.syslog.hostname", new ContentValue("ehr-01"));
        want.put("log.syslog.appname", new ContentValue("billing"));
        want.put("log.syslog.procid", new ContentValue("4242"));
        want.put("log.syslog.msgid", new ContentValue("ID47"));
        want.put(SyslogStructuredData.FIELD, SyslogStructuredData.PREFIXED);
        assertThat(f).isEqualTo(want).hasSameHashCodeAs(want).hasSize(want.size());
        assertThat(want).isEqualTo(f);
        for (Map.Entry<String, Object> e : want.entrySet()) {
            assertThat(f.get(new String(e.getKey()))).isSameAs(f.get(e.getKey())).isEqualTo(e.getValue());
            assertThat(f.containsKey(e.getKey())).isTrue();
        }
        assertThat(f.get("log.flags")).isNull();
        assertThat(f.containsKey("log.flags")).isFalse();
        assertThat(f.get(null)).isNull();
        Iterator<Map.Entry<String, Object>> it = f.entrySet().iterator();
        Map.Entry<String, Object> first = it.next();
        assertThatThrownBy(() -> first.setValue("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(it::remove).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> f.remove("event.dataset")).isInstanceOf(UnsupportedOperationException.class);
        while (it.hasNext()) {
            it.next();
        }
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
        assertThat(f).hasSize(want.size());
    }
}
