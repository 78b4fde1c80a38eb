package io.redactd.daemon.input.syslog;

import io.redactd.daemon.pipeline.ContentValue;
import static org.assertj.core.api.Assertions.assertThat;

import io.redactd.daemon.pipeline.RawEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SyslogParserTest {
    private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");
    private final SyslogParser parser = new SyslogParser(Clock.fixed(NOW, ZoneOffset.UTC));

    private SyslogMessage parse(String frame) {
        byte[] b = frame.getBytes(StandardCharsets.UTF_8);
        return parser.parse(b, 0, b.length);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void rfc5424WithStructuredDataAndBom() {
        SyslogMessage m = parse("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog 1234 ID47 "
                + "[exampleSDID@32473 iut=\"3\" eventSource=\"App\\\"lication\\]\"][meta x=\"y\"] \uFEFFAn application event");
        assertThat(m.headerParsed()).isTrue();
        assertThat(m.version()).isEqualTo(1);
        assertThat(m.priority()).isEqualTo(165);
        assertThat(m.facility()).isEqualTo(20);
        assertThat(m.severity()).isEqualTo(5);
        assertThat(m.timestampMs()).isEqualTo(Instant.parse("2003-10-11T22:14:15.003Z").toEpochMilli());
        assertThat(m.hostname()).isEqualTo("mymachine.example.com");
        assertThat(m.appname()).isEqualTo("evntslog");
        assertThat(m.procid()).isEqualTo("1234");
        assertThat(m.msgid()).isEqualTo("ID47");
        assertThat(text(m.structuredData()))
                .isEqualTo("[exampleSDID@32473 iut=\"3\" eventSource=\"App\\\"lication\\]\"][meta x=\"y\"]");
        assertThat(text(m.text())).isEqualTo("An application event");
    }

    @Test
    void rfc5424NilValuesAndOffsetTimestamp() {
        SyslogMessage m = parse("<34>1 2003-08-24T05:14:15.000003-07:00 - - - - - su failed");
        assertThat(m.timestampMs()).isEqualTo(Instant.parse("2003-08-24T12:14:15Z").toEpochMilli());
        assertThat(m.hostname()).isNull();
        assertThat(m.appname()).isNull();
        assertThat(m.structuredData()).isNull();
        assertThat(text(m.text())).isEqualTo("su failed");
    }

    @Test
    void structuredDataValuesReachTheRedactorThroughTheMessage() {
        SyslogMessage m = parse("<14>1 2026-03-10T11:00:00Z host app - - [patient ssn=\"123-45-6789\"] admitted");
        RawEvent event = SyslogEvents.toEvent(m, 0, "ehr", "127.0.0.1", 1);
        assertThat(text(event.message())).isEqualTo("[patient ssn=\"123-45-6789\"] admitted");
        assertThat(event.fields().values()).noneMatch(v -> String.valueOf(v).contains("123-45-6789"));
        assertThat(event.fields()).containsEntry("log.syslog.appname", new ContentValue("app"))
                .containsEntry("log.syslog.severity.code", 6L).containsEntry("log.syslog.facility.name", "user")
                .containsEntry("event.dataset", "ehr");
    }

    @Test
    void rfc3164WithHostTagAndPid() {
        SyslogMessage m = parse("<38>Mar  9 08:15:02 web01 sshd[4242]: Accepted publickey for alice");
        assertThat(m.headerParsed()).isTrue();
        assertThat(m.version()).isZero();
        assertThat(m.timestampMs()).isEqualTo(Instant.parse("2026-03-09T08:15:02Z").toEpochMilli());
        assertThat(m.hostname()).isEqualTo("web01");
        assertThat(m.appname()).isEqualTo("sshd");
        assertThat(m.procid()).isEqualTo("4242");
        assertThat(text(m.text())).isEqualTo("Accepted publickey for alice");
    }

    @Test
    void rfc3164WithoutHostnameAndDecemberMessageInMarchIsLastYear() {
        SyslogMessage m = parse("<13>Dec 31 23:59:59 cron: job done");
        assertThat(m.hostname()).isNull();
        assertThat(m.appname()).isEqualTo("cron");
        assertThat(m.timestampMs()).isEqualTo(Instant.parse("2025-12-31T23:59:59Z").toEpochMilli());
        assertThat(text(m.text())).isEqualTo("job done");
    }

    @Test
    void rfc3164FractionalSecondsBelongToTheTimestampNotTheHostname() {
        SyslogMessage m = parse("<13>Dec  7 10:00:00.123 host app: msg");
        assertThat(m.hostname()).isEqualTo("host");
        assertThat(m.appname()).isEqualTo("app");
        assertThat(m.timestampMs()).isEqualTo(Instant.parse("2025-12-07T10:00:00.123Z").toEpochMilli());
        assertThat(text(m.text())).isEqualTo("msg");

        SyslogMessage micros = parse("<13>Dec 17 10:00:00.123456 host app: msg");
        assertThat(micros.hostname()).isEqualTo("host");
        assertThat(micros.timestampMs()).isEqualTo(Instant.parse("2025-12-17T10:00:00.123Z").toEpochMilli());
    }

    @Test
    void rfc3164UnpaddedSingleDigitDayIsATimestamp() {
        SyslogMessage m = parse("<13>Dec 7 10:00:00 host app[9]: msg");
        assertThat(m.timestampMs()).isEqualTo(Instant.parse("2025-12-07T10:00:00Z").toEpochMilli());
        assertThat(m.hostname()).isEqualTo("host");
        assertThat(m.appname()).isEqualTo("app");
        assertThat(m.procid()).isEqualTo("9");
        assertThat(text(m.text())).isEqualTo("msg");

        SyslogMessage fraction = parse("<13>Mar 1 00:00:01.5 host app: msg");
        assertThat(fraction.timestampMs()).isEqualTo(Instant.parse("2026-03-01T00:00:01.500Z").toEpochMilli());
        assertThat(fraction.hostname()).isEqualTo("host");
    }

    @Test
    void rfc3164MalformedDaysAreNotTimestamps() {
        for (String bad : new String[] {"<13>Dec  17 10:00:00 h a: m", "<13>Dec x 10:00:00 h a: m",
                "<13>Dec 7 10-00:00 h a: m", "<13>Dec 32 10:00:00 h a: m", "<13>Dec 7 10:00"}) {
            assertThat(parse(bad).timestampMs()).as(bad).isNull();
        }
    }

    @Test
    void rfc3164WithoutTimestampKeepsEverythingAsText() {
        SyslogMessage m = parse("<13>just some text: here");
        assertThat(m.timestampMs()).isNull();
        assertThat(text(m.text())).isEqualTo("just some text: here");
    }

    @Test
    void framesWithoutPriOrWithBrokenHeaderAreKeptWhole() {
        assertThat(parse("no pri at all").headerParsed()).isFalse();
        assertThat(text(parse("no pri at all").text())).isEqualTo("no pri at all");
        assertThat(parse("<999>1 x").headerParsed()).isFalse();
        SyslogMessage badTs = parse("<13>1 2026-13-45T00:00:00Z h a p m - text");
        assertThat(badTs.headerParsed()).isFalse();
        assertThat(text(badTs.text())).isEqualTo("<13>1 2026-13-45T00:00:00Z h a p m - text");
        assertThat(parse("<13>1 2026-01-01T00:00:00Z h a p m [unterminated sd").headerParsed()).isFalse();
    }

    @Test
    void tokensOfAConnectionGiveTheSameResultsAndReuseRepeatedHeaderStrings() {
        SyslogParser.Tokens tokens = new SyslogParser.Tokens();
        String[] frames = {
                "<165>1 2003-10-11T22:14:15.003Z host-a app 1234 ID47 - first",
                "<165>1 2003-10-11T22:14:16.003Z host-a app 1234 ID47 - second",
                "<165>1 2003-10-11T22:14:17.003Z host-b app 99 - - third",
                "<165>1 2003-10-11T22:14:18.003Z host-bb ap 99 ID4 - fourth",
                "<34>Oct 11 22:14:15 host-bb su[230]: fifth",
                "<34>Oct 11 22:14:15 host-bb su: sixth",
                "<13>1 - - - - - [x@1 a=\"b\"] seventh"};
        SyslogMessage previous = null;
        for (String frame : frames) {
            byte[] b = ("xx" + frame + "yy").getBytes(StandardCharsets.UTF_8);
            SyslogMessage cached = parser.parse(b, 2, b.length - 4, tokens);
            SyslogMessage plain = parse(frame);
            assertThat(cached.hostname()).isEqualTo(plain.hostname());
            assertThat(cached.appname()).isEqualTo(plain.appname());
            assertThat(cached.procid()).isEqualTo(plain.procid());
            assertThat(cached.msgid()).isEqualTo(plain.msgid());
            assertThat(cached.timestampMs()).isEqualTo(plain.timestampMs());
            assertThat(cached.priority()).isEqualTo(plain.priority());
            assertThat(cached.text()).isEqualTo(plain.text());
            assertThat(cached.structuredData()).isEqualTo(plain.structuredData());
            if (previous == null) {
                previous = cached;
            } else if (frame.contains("host-a")) {
                assertThat(cached.hostname()).isSameAs(previous.hostname());
                assertThat(cached.appname()).isSameAs(previous.appname());
                assertThat(cached.msgid()).isSameAs(previous.msgid());
            }
        }
    }
}
