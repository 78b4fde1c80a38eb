package io.redactd.daemon.input.file;

import io.redactd.daemon.input.file.FileInputConfig.Format;
import io.redactd.daemon.input.file.FileInputConfig.Multiline;
import io.redactd.daemon.input.file.FileInputConfig.MultilineMode;
import io.redactd.daemon.pipeline.RawEvent;
import io.redactd.daemon.pipeline.SplitContext;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EventAssemblerTest {

    private long offset;

    private void feed(EventAssembler a, String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        a.line(b, 0, b.length, offset, offset + b.length + 1, 0);
        offset += b.length + 1;
    }

    private static String text(RawEvent e) {
        return new String(e.message(), StandardCharsets.UTF_8);
    }

    private static FileInputConfig config(Format format, int maxLineBytes, Multiline multiline) {
        return new FileInputConfig("in", List.of("/x/*.log"), null, null, maxLineBytes, multiline, format, null,
                null, null, null, null, null, null);
    }

    @Test
    void rfc3339TimesParseLikeJavaTime() {
        for (String t : List.of("2016-10-06T00:17:09.669794202Z", "2024-02-29T23:59:59Z", "1999-12-31T23:00:00.5+02:00",
                "2024-01-01T00:00:00.123-05:30", "1970-01-01T00:00:00Z")) {
            byte[] b = t.getBytes(StandardCharsets.US_ASCII);
            assertThat(LineFormat.parseRfc3339(b, 0, b.length)).as(t)
                    .isEqualTo(OffsetDateTime.parse(t).toInstant().toEpochMilli());
        }
        for (String bad : List.of("2024-13-01T00:00:00Z", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00", "garbage")) {
            byte[] b = bad.getBytes(StandardCharsets.US_ASCII);
            assertThat(LineFormat.parseRfc3339(b, 0, b.length)).as(bad).isEqualTo(Long.MIN_VALUE);
        }
    }

    @Test
    void criPartialLinesAreReassembledAndSplitWhenTheyExceedTheMaximum() {
        EventAssembler a = new EventAssembler(config(Format.CRI, 16, null), "/x/p.log");
        feed(a, "2024-01-01T00:00:00Z stdout P 0123456789");
        feed(a, "2024-01-01T00:00:00Z stdout P abcdefghij");
        feed(a, "2024-01-01T00:00:00Z stdout F XYZ");
        feed(a, "2024-01-01T00:00:01Z stderr F");
        feed(a, "not a cri line");
        List<RawEvent> events = a.takeBatch();
        assertThat(events).extracting(EventAssemblerTest::text)
                .containsExactly("0123456789abcdef", "ghijXYZ", "", "not a cri line");
        assertThat(events.get(0).fields().get("log.flags")).isEqualTo(List.of("split"));
        assertThat(events.get(1).fields().get("log.flags")).isEqualTo(List.of("split"));
        // The first piece's position is the start of the line it was cut from, so a restart re-reads that line.
        assertThat(events.get(0).position()).isEqualTo(41);
        assertThat(events.get(1).position()).isEqualTo(41 + 41 + 34);
        assertThat(events.get(2).fields()).containsEntry("stream", "stderr").doesNotContainKey("log.flags");
        assertThat(events.get(2).timestampMs()).isEqualTo(Instant.parse("2024-01-01T00:00:01Z").toEpochMilli());
        assertThat(events.get(3).fields().get("log.flags")).isEqualTo(List.of("unparsed"));
    }

    @Test
    void dockerJsonLinesAreDecodedAndPartialsJoined() {
        EventAssembler a = new EventAssembler(config(Format.DOCKER, 1000, null), "/x/d.log");
        feed(a, "{\"log\":\"caf\\u00e9 \\\"quoted\\\"\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-01T00:00:00.25Z\"}");
        feed(a, "{\"log\":\"first \",\"stream\":\"stderr\",\"attrs\":{\"k\":\"v\"},\"time\":\"2024-01-01T00:00:01Z\"}");
        feed(a, "{\"log\":\"second\\r\\n\",\"stream\":\"stderr\",\"time\":\"2024-01-01T00:00:01.1Z\"}");
        feed(a, "{\"log\": 5}");
        List<RawEvent> events = a.takeBatch();
        assertThat(events).extracting(EventAssemblerTest::text)
                .containsExactly("café \"quoted\"", "first second", "{\"log\": 5}");
        assertThat(events.get(0).timestampMs()).isEqualTo(Instant.parse("2024-01-01T00:00:00.25Z").toEpochMilli());
        assertThat(events.get(1).fields()).containsEntry("stream", "stderr").containsEntry("log.offset",
                (long) events.get(0).position());
        assertThat(events.get(2).fields().get("log.flags")).isEqualTo(List.of("unparsed"));
    }

    @Test
    void multilineGroupsAreCutAtTheLineLimitWithBothPartsFlagged() {
        Multiline ml = new Multiline(MultilineMode.JAVA, 3, null, 50);
        EventAssembler a = new EventAssembler(config(Format.RAW, 1000, ml), "/x/j.log");
        feed(a, "ERROR boom");
        feed(a, "\tat a");
        feed(a, "\tat b");
        feed(a, "\tat c");
        feed(a, "Caused by: x");
        feed(a, "INFO next");
        List<RawEvent> events = a.takeBatch();
        assertThat(events).extracting(EventAssemblerTest::text)
                .containsExactly("ERROR boom\n\tat a\n\tat b", "\tat c\nCaused by: x");
        assertThat(events.get(0).fields().get("log.flags")).isEqualTo(List.of("split", "multiline"));
        assertThat(events.get(1).fields().get("log.flags")).isEqualTo(List.of("split", "multiline"));
        assertThat(a.hasPending()).isTrue();
        a.flushIfIdle(System.nanoTime());
        assertThat(a.takeBatch()).as("not idle long enough yet").isEmpty();
        a.flushIfIdle(System.nanoTime() + 60_000_000L);
        assertThat(a.takeBatch()).extracting(EventAssemblerTest::text).containsExactly("INFO next");
    }

    private static String ctx(RawEvent e, boolean before) {
        SplitContext c = SplitContext.of(e);
        return c == null ? null : new String(before ? c.before() : c.after(), StandardCharsets.UTF_8);
    }

    @Test
    void piecesOfAReassembledCriLineCarryTheBytesAroundThem() {
        int k = Tailer.CONTEXT;
        EventAssembler a = new EventAssembler(config(Format.CRI, 100, null), "/x/p.log");
        StringBuilder whole = new StringBuilder();
        long[] lineStart = new long[12];
        for (int i = 0; i < 12; i++) {
            String part = String.valueOf((char) ('a' + i)).repeat(90);
            whole.append(part);
            lineStart[i] = offset;
            feed(a, "2024-01-01T00:00:00Z stdout " + (i < 11 ? "P " : "F ") + part);
        }
        feed(a, "2024-01-01T00:00:01Z stdout F short");
        List<RawEvent> events = a.takeBatch();
        String line = whole.toString();
        assertThat(events).hasSize(12); // 1080 bytes in pieces of 100, then the short line
        for (int i = 0; i < 11; i++) {
            RawEvent e = events.get(i);
            int from = i * 100;
            int to = Math.min(line.length(), from + 100);
            assertThat(text(e)).isEqualTo(line.substring(from, to));
            assertThat(ctx(e, true)).isEqualTo(line.substring(Math.max(0, from - k), from));
            assertThat(ctx(e, false)).isEqualTo(line.substring(to, Math.min(line.length(), to + k)));
            assertThat(e.fields().get("log.flags")).isEqualTo(List.of("split"));
            if (to < line.length()) {
                // A restart at the position re-reads the physical line holding the first byte not handed on.
                assertThat(e.position()).isEqualTo(lineStart[to / 90]);
            }
        }
        assertThat(events.get(11).fields()).doesNotContainKey(SplitContext.FIELD);
        assertThat(text(events.get(11))).isEqualTo("short");
    }

    @Test
    void splitPiecesStandAloneInMultilineModeWithTheirContext() {
        Multiline ml = new Multiline(MultilineMode.JAVA, 50, null, 50);
        EventAssembler a = new EventAssembler(config(Format.RAW, 1000, ml), "/x/j.log");
        feed(a, "ERROR boom");
        byte[] piece = " piece".getBytes(StandardCharsets.UTF_8);
        a.piece(piece, 0, piece.length, offset, offset + piece.length, Tailer.SPLIT,
                new SplitContext("123-45-".getBytes(StandardCharsets.UTF_8), null));
        offset += piece.length;
        feed(a, "\tat a");
        a.flushAll();
        List<RawEvent> events = a.takeBatch();
        assertThat(events).extracting(EventAssemblerTest::text).containsExactly("ERROR boom", " piece", "\tat a");
        assertThat(ctx(events.get(1), true)).isEqualTo("123-45-");
        assertThat(ctx(events.get(1), false)).isEmpty();
        assertThat(SplitContext.of(events.get(0))).isNull();
        assertThat(String.valueOf(SplitContext.of(events.get(1)))).doesNotContain("123");
    }

    // ---- stdout and stderr interleaved in one file (containerd/CRI-O write both streams' records to it)

    @Test
    void criPartialsAreJoinedPerStreamWhenTheOtherStreamInterleaves() {
        EventAssembler a = new EventAssembler(config(Format.CRI, 1000, null), "/x/pod.log");
        long stdoutP = offset;
        feed(a, "2026-12-07T19:00:00.000000000Z stdout P patient ssn 536-2");
        long stderrF = offset;
        feed(a, "2026-12-07T19:00:00.000000001Z stderr F warn: something else");
        assertThat(a.hasPending()).isTrue();
        feed(a, "2026-12-07T19:00:00.000000002Z stdout F 2-1234 registered");
        long end = offset;
        assertThat(a.hasPending()).isFalse();
        List<RawEvent> events = a.takeBatch();
        assertThat(events).extracting(EventAssemblerTest::text)
                .containsExactly("warn: something else", "patient ssn 536-22-1234 registered");
        assertThat(events.get(0).fields()).containsEntry("stream", "stderr").containsEntry("log.offset", stderrF)
                .doesNotContainKey("log.flags");
        // The stderr line is complete, but stdout's piece before it is held: committing past it would lose it.
        assertThat(events.get(0).position()).isEqualTo(stdoutP);
        assertThat(events.get(1).fields()).containsEntry("stream", "stdout").containsEntry("log.offset", stdoutP)
                .doesNotContainKey("log.flags");
        assertThat(events.get(1).position()).isEqualTo(end);
    }

    @Test
    void bothStreamsOpenAtOnceHoldThePositionAtTheEarliestHeldPiece() {
        EventAssembler a = new EventAssembler(config(Format.CRI, 1000, null), "/x/pod.log");
        long outStart = offset;
        feed(a, "2026-12-07T19:00:00Z stdout P card 4111 1111 ");
        long errStart = offset;
        feed(a, "2026-12-07T19:00:00Z stderr P err 5555 5555 ");
        feed(a, "2026-12-07T19:00:00Z stdout P 1111 ");
        feed(a, "2026-12-07T19:00:00Z stderr F 5555 4444 end");
        long errEnd = offset;
        feed(a, "2026-12-07T19:00:00Z stdout F 1111 end");
        long outEnd = offset;
        feed(a, "2026-12-07T19:00:01Z stderr F after");
        List<RawEvent> events = a.takeBatch();
        assertThat(events).extracting(EventAssemblerTest::text)
                .containsExactly("err 5555 5555 5555 4444 end", "card 4111 1111 1111 1111 end", "after");
        assertThat(events).extracting(e -> e.fields().get("stream")).containsExactly("stderr", "stdout", "stderr");
        assertThat(events.get(0).fields()).containsEntry("log.offset", errStart);
        assertThat(events.get(0).position()).as("stdout still open").isEqualTo(outStart);
        assertThat(events.get(0).position()).isLessThan(errEnd);
        assertThat(events.get(1).position()).isEqualTo(outEnd);
        assertThat(events.get(2).position()).isEqualTo(offset);
    }

    @Test
    void aLineFinishedWhileTheOtherStreamsIsOpenIsHeldWholeNotFromItsMiddle() {
        EventAssembler a = new EventAssembler(config(Format.CRI, 1000, null), "/x/pod.log");
        long outStart = offset;
        feed(a, "2026-12-07T19:00:00Z stdout P patient ssn 536-2");
        feed(a, "2026-12-07T19:00:00Z stderr P err ");
        feed(a, "2026-12-07T19:00:00Z stdout F 2-1234 registered");
        List<RawEvent> first = a.takeBatch();
        assertThat(first).extracting(EventAssemblerTest::text).containsExactly("patient ssn 536-22-1234 registered");
        // Not the start of stderr's record: a restart there would read stdout's F again alone ("2-1234 ...").
        assertThat(first.get(0).position()).isEqualTo(outStart);
        feed(a, "2026-12-07T19:00:00Z stderr F done");
        List<RawEvent> second = a.takeBatch();
        assertThat(second).extracting(EventAssemblerTest::text).containsExactly("err done");
        assertThat(second.get(0).position()).isEqualTo(offset);
    }

    @Test
    void dockerPartialsAreJoinedPerStreamToo() {
        EventAssembler a = new EventAssembler(config(Format.DOCKER, 1000, null), "/x/d.log");
        long outStart = offset;
        feed(a, "{\"log\":\"patient ssn 536-2\",\"stream\":\"stdout\",\"time\":\"2024-01-01T00:00:00Z\"}");
        feed(a, "{\"log\":\"warn\\n\",\"stream\":\"stderr\",\"time\":\"2024-01-01T00:00:00Z\"}");
        feed(a, "{\"log\":\"2-1234 registered\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-01T00:00:00Z\"}");
        List<RawEvent> events = a.takeBatch();
        assertThat(events).extracting(EventAssemblerTest::text)
                .containsExactly("warn", "patient ssn 536-22-1234 registered");
        assertThat(events.get(0).fields()).containsEntry("stream", "stderr");
        assertThat(events.get(0).position()).isEqualTo(outStart);
        assertThat(events.get(1).fields()).containsEntry("stream", "stdout").containsEntry("log.offset", outStart);
        assertThat(events.get(1).position()).isEqualTo(offset);
    }

    @Test
    void aLineSplitIntoPiecesDoesNotMoveTheRestartPastTheOtherStreamsOpenLine() {
        EventAssembler a = new EventAssembler(config(Format.CRI, 64, null), "/x/pod.log");
        feed(a, "2024-01-01T00:00:00Z stdout P " + "a".repeat(100));
        long stderrStart = offset;
        feed(a, "2024-01-01T00:00:00Z stderr P head ");
        // stdout's line grows past max_line_bytes and the context after it: a piece of it is handed on.
        feed(a, "2024-01-01T00:00:00Z stdout P " + "b".repeat(700));
        feed(a, "2024-01-01T00:00:00Z stderr F tail");
        List<RawEvent> events = a.takeBatch();
        RawEvent stderr = events.stream().filter(e -> "stderr".equals(e.fields().get("stream"))).findFirst()
                .orElseThrow();
        assertThat(text(stderr)).isEqualTo("head tail");
        // A restart from past stderr's first record would read only its tail: a value cut there would be found on
        // its second half alone (seen in review: the piece moved stdout's hold to its own resume point).
        assertThat(stderr.position()).as("restart position of the stderr line").isLessThanOrEqualTo(stderrStart);
    }

    @Test
    void anIdleStreamsPartialIsFlushedAloneAndTheOtherStaysOpen() {
        long timeout = EventAssembler.CONTAINER_PARTIAL_TIMEOUT_NANOS;
        Multiline ml = new Multiline(MultilineMode.NONE, null, null, 50);
        EventAssembler a = new EventAssembler(config(Format.CRI, 1000, ml), "/x/pod.log");
        long outStart = offset;
        feed(a, "2024-01-01T00:00:00Z stdout P head ");
        long stdoutAdded = System.nanoTime();
        while (System.nanoTime() == stdoutAdded) {
            Thread.onSpinWait(); // stderr's piece must be added strictly later on the clock flushIfIdle is given
        }
        feed(a, "2024-01-01T00:00:00Z stderr P other ");
        // The multiline flush timeout (50 ms here) does not end a container partial: the rest of its line may be late.
        a.flushIfIdle(stdoutAdded + 10 * 50_000_000L);
        assertThat(a.takeBatch()).as("a partial waits for its line longer than the multiline timeout").isEmpty();
        // stdout's piece has waited the timeout; stderr's, added later, has not: only stdout's is handed on.
        a.flushIfIdle(stdoutAdded + timeout);
        List<RawEvent> first = a.takeBatch();
        assertThat(first).extracting(EventAssemblerTest::text).containsExactly("head ");
        assertThat(first.get(0).fields()).containsEntry("log.offset", outStart).containsEntry("stream", "stdout")
                .containsEntry("log.flags", List.of("partial"));
        // stderr's line opened while stdout's was open: until it ends, a restart begins where neither was open.
        assertThat(first.get(0).position()).as("held by stderr's open piece").isEqualTo(outStart);
        assertThat(a.hasPending()).isTrue();
        a.flushIfIdle(System.nanoTime() + timeout);
        List<RawEvent> second = a.takeBatch();
        assertThat(second).extracting(EventAssemblerTest::text).containsExactly("other ");
        assertThat(second.get(0).fields()).containsEntry("stream", "stderr")
                .containsEntry("log.flags", List.of("partial"));
        assertThat(second.get(0).position()).isEqualTo(offset);
        assertThat(a.hasPending()).isFalse();
    }

    @Test
    void oversizedReassembliesOfBothStreamsCarryTheirOwnStreamsContext() {
        int k = Tailer.CONTEXT;
        EventAssembler a = new EventAssembler(config(Format.CRI, 100, null), "/x/p.log");
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            String o = String.valueOf((char) ('a' + i)).repeat(90);
            String e = String.valueOf((char) ('A' + i)).repeat(90);
            out.append(o);
            err.append(e);
            feed(a, "2024-01-01T00:00:00Z stdout " + (i < 11 ? "P " : "F ") + o);
            feed(a, "2024-01-01T00:00:00Z stderr " + (i < 11 ? "P " : "F ") + e);
        }
        List<RawEvent> events = a.takeBatch();
        for (String stream : List.of("stdout", "stderr")) {
            String line = (stream.equals("stdout") ? out : err).toString();
            List<RawEvent> mine = events.stream().filter(e -> stream.equals(e.fields().get("stream"))).toList();
            assertThat(mine).as(stream).hasSize(11);
            for (int i = 0; i < mine.size(); i++) {
                RawEvent e = mine.get(i);
                int from = i * 100;
                int to = Math.min(line.length(), from + 100);
                assertThat(text(e)).as(stream + " piece " + i).isEqualTo(line.substring(from, to));
                assertThat(ctx(e, true)).isEqualTo(line.substring(Math.max(0, from - k), from));
                assertThat(ctx(e, false)).isEqualTo(line.substring(to, Math.min(line.length(), to + k)));
                assertThat(e.fields().get("log.flags")).isEqualTo(List.of("split"));
            }
        }
        // Positions never pass a held piece of either stream, and never go backwards.
        long last = 0;
        for (RawEvent e : events) {
            assertThat(e.position()).isGreaterThanOrEqualTo(last);
            last = e.position();
        }
        assertThat(last).isEqualTo(offset);
    }

    @Test
    void aLineOfTheOtherStreamDoesNotContinueAMultilineEvent() {
        Multiline ml = new Multiline(MultilineMode.JAVA, 50, null, 50);
        EventAssembler a = new EventAssembler(config(Format.CRI, 1000, ml), "/x/j.log");
        feed(a, "2024-01-01T00:00:00Z stdout F request done");
        feed(a, "2024-01-01T00:00:00Z stderr F \tat a.B(B.java:1)");
        feed(a, "2024-01-01T00:00:00Z stdout F \tat c.D(D.java:2)");
        a.flushAll();
        List<RawEvent> events = a.takeBatch();
        assertThat(events).extracting(EventAssemblerTest::text)
                .containsExactly("request done", "\tat a.B(B.java:1)", "\tat c.D(D.java:2)");
        assertThat(events).extracting(e -> e.fields().get("stream")).containsExactly("stdout", "stderr", "stdout");
    }
}
