package io.redactd.daemon.input.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.daemon.config.ComponentContext;
import io.redactd.daemon.pipeline.RawEvent;
import io.redactd.daemon.tls.LogCapture;
import io.redactd.daemon.tls.RecordingSink;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated syslog streams (broken counts, truncations, invalid UTF-8, NULs) through the decoder and both
 * parsers, then through a live input: nothing throws, buffered bytes stay within the frame limit, and a canary value
 * carried in the messages never shows up in the daemon's log.
 */
class SyslogFuzzTest {
    static final String CANARY = "CANARY-078-05-1120-4111111111111111";
    private static final int MAX_FRAME = 1024;

    static byte[] fuzzStream(Random random, int frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < frames; i++) {
            byte[] frame = mutate(random, seed(random, i));
            switch (random.nextInt(4)) {
                case 0 -> out.writeBytes((frame.length + " ").getBytes(StandardCharsets.US_ASCII));
                case 1 -> out.writeBytes(((frame.length + random.nextInt(7) - 3) + " ").getBytes(StandardCharsets.US_ASCII));
                case 2 -> out.writeBytes((random.nextInt(100_000_000) + " ").getBytes(StandardCharsets.US_ASCII));
                default -> {
                    // newline framing mixed in: garbage from the octet-counting point of view
                }
            }
            out.writeBytes(frame);
            if (random.nextBoolean()) {
                out.write('\n');
            }
        }
        return out.toByteArray();
    }

    private static byte[] seed(Random random, int i) {
        String sd = "[meta patient=\"" + CANARY + "\" x=\"a\\\"b\\]c\"]";
        String[] shapes = {
                "<165>1 2026-03-10T11:00:00.123456+02:00 host app 77 ID1 " + sd + " \uFEFFevent " + i + " " + CANARY,
                "<13>Mar  1 00:00:00 host tag[12]: " + CANARY + " " + i,
                "<191>1 - - - - - - " + CANARY,
                "<0>Feb 29 23:59:60 h t: leap " + CANARY,
                CANARY + " without any header",
                "<13>1 9999-99-99T99:99:99Z h a p m - " + CANARY,
                "<" + random.nextInt(1000) + ">" + random.nextInt(3) + " " + CANARY,
        };
        return shapes[random.nextInt(shapes.length)].getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] mutate(Random random, byte[] frame) {
        byte[] b = frame.clone();
        int mutations = random.nextInt(4);
        for (int m = 0; m < mutations && b.length > 0; m++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(6)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b = java.util.Arrays.copyOf(b, at);
                case 2 -> b[at] = (byte) 0xC0; // overlong / invalid UTF-8 lead byte
                case 3 -> b[at] = 0;
                case 4 -> {
                    byte[] bigger = java.util.Arrays.copyOf(b, b.length + 3);
                    System.arraycopy(b, at, bigger, at + 3, b.length - at);
                    bigger[at] = (byte) 0xED; // UTF-8 encoded lone surrogate
                    bigger[at + 1] = (byte) 0xA0;
                    bigger[at + 2] = (byte) 0x80;
                    b = bigger;
                }
                default -> b[at] = (byte) ('0' + random.nextInt(10));
            }
        }
        return b;
    }

    @Test
    void decoderAndParsersSurviveRandomAndMutatedStreamsWithBoundedMemory() {
        SyslogParser parser = new SyslogParser(Clock.systemUTC());
        Random random = new Random(20260310L);
        int[] frames = {0};
        int[] problems = {0};
        for (int round = 0; round < 40; round++) {
            SyslogFrameDecoder decoder = new SyslogFrameDecoder(MAX_FRAME);
            byte[] stream = fuzzStream(random, 500);
            if (round % 5 == 0) {
                random.nextBytes(stream); // pure noise
            }
            SyslogFrameDecoder.Listener listener = new SyslogFrameDecoder.Listener() {
                @Override
                public void frame(byte[] buffer, int offset, int length) {
                    assertThat(length).isLessThanOrEqualTo(MAX_FRAME);
                    SyslogMessage message = parser.parse(buffer, offset, length);
                    RawEvent event = SyslogEvents.toEvent(message, 0, "fuzz", "127.0.0.1", frames[0]++);
                    event.fields().values().forEach(v -> assertThat(String.valueOf(v)).doesNotContain(CANARY));
                }

                @Override
                public void cutFrame(byte[] buffer, int offset, int length, byte[] after) {
                    assertThat(after.length).isLessThanOrEqualTo(SyslogFrameDecoder.CUT_CONTEXT_BYTES);
                    frame(buffer, offset, length);
                }

                @Override
                public void malformed(SyslogFrameDecoder.Malformation kind, long streamOffset) {
                    problems[0]++;
                }
            };
            int pos = 0;
            while (pos < stream.length) {
                int n = Math.min(stream.length - pos, 1 + random.nextInt(3000));
                decoder.feed(stream, pos, n, listener);
                assertThat(decoder.pendingBytes()).isLessThanOrEqualTo(MAX_FRAME + 12);
                pos += n;
            }
            decoder.end(listener);
        }
        assertThat(frames[0]).isGreaterThan(1000);
        assertThat(problems[0]).isGreaterThan(20);
    }

    @Test
    void liveInputLogsProblemsWithoutContent() throws Exception {
        Vertx vertx = Vertx.vertx();
        RecordingSink sink = new RecordingSink();
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        SyslogInput input = new SyslogInput(new SyslogInputConfig("127.0.0.1:0", null, true, false, null, null, null,
                MAX_FRAME, null, null, null, null), new ComponentContext("fuzz", vertx, sink, Path.of("/tmp"), metrics));
        try (LogCapture log = new LogCapture()) {
            input.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            Random random = new Random(7L);
            for (int connection = 0; connection < 20; connection++) {
                try (Socket socket = new Socket("127.0.0.1", input.port())) {
                    OutputStream out = socket.getOutputStream();
                    out.write(fuzzStream(random, 100));
                    out.write("\n5 <13>x".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
            RecordingSink.await(() -> metrics.get("redactd.input.connections").gauge().value() == 0, Duration.ofSeconds(10),
                    "connections did not finish");
            RecordingSink.await(() -> log.text().contains("malformed frame"), Duration.ofSeconds(10),
                    "no malformed-frame line was logged");
            // the connections gauge is 0 before the server has accepted any connection as well: wait for events too
            RecordingSink.await(() -> !sink.events().isEmpty(), Duration.ofSeconds(10), "no events");
            assertThat(log.text()).doesNotContain(CANARY).doesNotContain("078-05-1120");
        } finally {
            input.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
