package io.redactd.daemon.input.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redactd.daemon.pipeline.RawEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Bodies are read within the memory they are charged: a request never needs its body and its events whole at once,
 * a zip bomb stops at its bound without being inflated into memory, and every byte charged is either held by the
 * events handed on (released batch by batch) or given back.
 */
class RequestEventsTest {
    private static final int MIB = 1024 * 1024;
    private static final RequestEvents.Origin TEXT = new RequestEvents.Origin("text/plain", "192.0.2.7", null, null, null, null);
    private static final TokenAuthenticator.Grant GRANT = new TokenAuthenticator.Grant("app", List.of());

    private static RequestEvents events() {
        return new RequestEvents(MIB, 100_000, 1000, 64L * MIB);
    }

    private static BodyBytes body(RequestMemory memory, byte[] bytes) throws RequestRejected {
        BodyBytes body = new BodyBytes(memory, bytes.length);
        body.append(bytes, 0, bytes.length);
        return body;
    }

    @Test
    void aPlainBodyTurnsIntoEventsWithoutBeingHeldTwice() throws Exception {
        // 3 MB of 1000-byte lines: body and events together would be over 6 MB, the budget is 4 MiB
        byte[] text = lines(3000, 1000, "L");
        ByteBudget budget = new ByteBudget(4L * MIB);
        RequestMemory memory = new RequestMemory(budget);
        RequestEvents.Parsed parsed = events().logs(TEXT, body(memory, text), false, memory, GRANT);

        assertThat(parsed.count()).isEqualTo(3000);
        assertBatchesHoldWhatIsCharged(parsed, memory, budget);
        assertThat(new String(parsed.batches().get(2).events().get(0).message(), StandardCharsets.US_ASCII))
                .startsWith("L002000 ");
    }

    @Test
    void aGzipHecBodyIsLetGoAsItsEventsAreCutOut() throws Exception {
        // 20,000 events of ~110 bytes inflate to 2.2 MB and cost 3.6 MB as events: 4 MiB holds both only if the
        // inflated blocks go as the parser passes them
        StringBuilder json = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            json.append("{\"event\":\"H").append(i).append(" ssn 536-22-1234 ").append("y".repeat(70)).append("\"}\n");
        }
        byte[] plain = json.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] gz = gzip(plain);
        ByteBudget budget = new ByteBudget(4L * MIB);
        RequestMemory memory = new RequestMemory(budget);
        BodyBytes body = body(memory, gz);
        // what the trailer announces is what the input reserves before inflating
        assertThat(body.gzipInflatedSize()).isEqualTo(plain.length);
        RequestEvents.Parsed parsed = events().hec(TEXT, body, true, memory, GRANT);

        assertThat(parsed.count()).isEqualTo(20_000);
        assertThat(parsed.batches()).hasSize(20);
        assertBatchesHoldWhatIsCharged(parsed, memory, budget);
    }

    @Test
    void aZipBombStopsAtMaxDecompressedBytesWithinAFewMegabytes() throws Exception {
        // 100 MiB of zeros (one endless line) and of "x\n" (endless tiny events), ~100 KB each on the wire
        for (byte[] bomb : List.of(new byte[100 * MIB], "x\n".repeat(50 * MIB).getBytes(StandardCharsets.US_ASCII))) {
            byte[] gz = gzip(bomb);
            ByteBudget budget = new ByteBudget(16L * MIB);
            RequestMemory memory = new RequestMemory(budget);
            assertThatThrownBy(() -> events().logs(TEXT, body(memory, gz), true, memory, GRANT))
                    .isInstanceOfSatisfying(RequestRejected.class, r -> {
                        assertThat(r.status()).isEqualTo(413);
                        assertThat(r.getMessage()).contains("max_decompressed_bytes");
                    });
            memory.close();
            assertThat(budget.used()).isZero();
        }
    }

    @Test
    void aRequestTheBudgetCannotHoldNowIs503AndOneItCouldNeverHoldIs413() throws Exception {
        byte[] text = lines(2000, 1000, "B");
        ByteBudget budget = new ByteBudget(3L * MIB);
        RequestMemory other = new RequestMemory(budget);
        assertThat(other.reserve(2L * MIB)).isTrue();
        RequestMemory memory = new RequestMemory(budget);
        assertThatThrownBy(() -> events().logs(TEXT, body(memory, text), false, memory, GRANT))
                .isInstanceOfSatisfying(RequestRejected.class, r -> {
                    assertThat(r.status()).isEqualTo(503);
                    assertThat(r.hecCode()).isEqualTo(9);
                });
        memory.close();
        other.close();
        assertThat(budget.used()).isZero();

        ByteBudget small = new ByteBudget(MIB);
        RequestMemory alone = new RequestMemory(small);
        assertThatThrownBy(() -> events().logs(TEXT, body(alone, text), false, alone, GRANT))
                .isInstanceOfSatisfying(RequestRejected.class, r -> {
                    assertThat(r.status()).isEqualTo(413);
                    assertThat(r.getMessage()).contains("max_request_memory_bytes");
                });
        alone.close();
        assertThat(small.used()).isZero();
    }

    /** Batches of at most 1000 events and about 1 MiB; the request holds exactly their bytes; acks give all back. */
    private static void assertBatchesHoldWhatIsCharged(RequestEvents.Parsed parsed, RequestMemory memory, ByteBudget budget) {
        long total = 0;
        for (RequestEvents.Slice slice : parsed.batches()) {
            long bytes = 0;
            for (RawEvent e : slice.events()) {
                bytes += e.message().length + RequestEvents.EVENT_OVERHEAD;
            }
            assertThat(slice.bytes()).isEqualTo(bytes);
            assertThat(slice.events().size()).isLessThanOrEqualTo(1000);
            assertThat(bytes - (long) slice.events().size() * RequestEvents.EVENT_OVERHEAD)
                    .isLessThan(RequestEvents.MAX_BATCH_BYTES + MIB);
            total += bytes;
        }
        assertThat(memory.held()).isEqualTo(total);
        assertThat(budget.used()).isEqualTo(total);
        for (RequestEvents.Slice slice : parsed.batches()) {
            memory.release(slice.bytes());
        }
        assertThat(budget.used()).isZero();
    }

    private static byte[] lines(int count, int width, String tag) {
        StringBuilder sb = new StringBuilder(count * (width + 1));
        for (int i = 0; i < count; i++) {
            int start = sb.length();
            sb.append(tag).append(Integer.toString(1_000_000 + i), 1, 7).append(" card 4111111111111111 ");
            while (sb.length() - start < width) {
                sb.append('z');
            }
            sb.append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }
}
