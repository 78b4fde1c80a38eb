package io.redactd.outputs.splunk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.StallingHttpServer;
import io.redactd.outputs.delivery.BatchConfig;
import io.redactd.outputs.delivery.OutputFailure;
import io.redactd.outputs.delivery.RetryConfig;
import io.redactd.outputs.delivery.TlsConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import static io.redactd.outputs.AsyncAssertions.await;
import static io.redactd.outputs.AsyncAssertions.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SplunkHecOutputTest {
    static final String TOKEN = "6f2a0c1e-93d4-4b8a-a1f7-2c5e9d0b7a31";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Vertx vertx = Vertx.vertx();

    @TempDir
    Path dir;
    private Path tokenFile;

    @BeforeEach
    void token() throws Exception {
        tokenFile = dir.resolve("hec.token");
        Files.writeString(tokenFile, TOKEN + "\n");
    }

    @AfterEach
    void close() {
        vertx.close();
    }

    SplunkHecOutputConfig config(String url, String index, boolean gzip, SplunkHecOutputConfig.AckConfig ack, TlsConfig tls) {
        return new SplunkHecOutputConfig(url, tokenFile.toString(), index, null, null, "ward-7", gzip, ack, null, tls,
                new BatchConfig(100, null, 100L), new RetryConfig(3, 5L, 50L), dir.resolve("dead.ndjson").toString(),
                null, true);
    }

    static byte[] doc(int seq) {
        return ("{\"@timestamp\":\"2026-11-27T02:02:03.456Z\",\"seq\":" + seq + ",\"message\":\"[REDACTED:SSN] seen\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static List<byte[]> docs(int count) {
        List<byte[]> documents = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            documents.add(doc(i));
        }
        return documents;
    }

    private SplunkHecOutput started(SplunkHecOutputConfig config) throws Exception {
        SplunkHecOutput output = new SplunkHecOutput("hec", config, vertx, new SimpleMeterRegistry());
        await(output.start());
        return output;
    }

    @Test
    void wireFormatIsByteForByteTheDocumentedEventProtocol() throws Exception {
        try (HecReceiver receiver = new HecReceiver(vertx, TOKEN, false)) {
            SplunkHecOutput output = started(config(receiver.url(), "phi_clean", true, null, null));
            byte[] second = "{\"@timestamp\":\"2026-11-27T02:02:04Z\",\"message\":\"caf\u00e9 \\\"quoted\\\"\"}"
                    .getBytes(StandardCharsets.UTF_8);
            await(output.write(new EventBatch(List.of(doc(1), second))));

            assertThat(receiver.bodies).hasSize(1);
            String expected = "{\"time\":1795744923.456,\"host\":\"ward-7\",\"source\":\"redactd\",\"sourcetype\":\"_json\","
                    + "\"index\":\"phi_clean\",\"event\":{\"@timestamp\":\"2026-11-27T02:02:03.456Z\",\"seq\":1,"
                    + "\"message\":\"[REDACTED:SSN] seen\"}}"
                    + "{\"time\":1795744924.000,\"host\":\"ward-7\",\"source\":\"redactd\",\"sourcetype\":\"_json\","
                    + "\"index\":\"phi_clean\",\"event\":{\"@timestamp\":\"2026-11-27T02:02:04Z\","
                    + "\"message\":\"caf\u00e9 \\\"quoted\\\"\"}}";
            assertThat(receiver.bodies.get(0)).isEqualTo(expected.getBytes(StandardCharsets.UTF_8));
            assertThat(receiver.headers.get(0).get("Authorization")).isEqualTo("Splunk " + TOKEN);
            assertThat(receiver.headers.get(0).get("Content-Encoding")).isEqualTo("gzip");
            assertThat(receiver.headers.get(0).get("Content-Type")).isEqualTo("application/json");
            assertThat(receiver.headers.get(0).get("X-Splunk-Request-Channel")).isNull();
            assertThat(receiver.indexed).hasSize(2);
            assertThat(receiver.indexed.get(1).at("/event/message").asText()).isEqualTo("caf\u00e9 \"quoted\"");
            assertThat(output.metrics().sentCount()).isEqualTo(2);
        }
    }

    @Test
    void uncompressedBodyWithoutIndexUsesTheTokenDefault() throws Exception {
        try (HecReceiver receiver = new HecReceiver(vertx, TOKEN, false)) {
            SplunkHecOutput output = started(config(receiver.url(), null, false, null, null));
            await(output.write(new EventBatch(List.of(doc(9)))));
            assertThat(new String(receiver.bodies.get(0), StandardCharsets.UTF_8)).isEqualTo(
                    "{\"time\":1795744923.456,\"host\":\"ward-7\",\"source\":\"redactd\",\"sourcetype\":\"_json\",\"event\":"
                            + new String(doc(9), StandardCharsets.UTF_8) + "}");
            assertThat(receiver.headers.get(0).get("Content-Encoding")).isNull();
        }
    }

    @Test
    void serverBusyIsRetriedAndEveryEventArrivesOnce() throws Exception {
        try (HecReceiver receiver = new HecReceiver(vertx, TOKEN, false)) {
            receiver.busyLeft.set(3);
            SplunkHecOutput output = started(config(receiver.url(), "main", true, null, null));
            await(output.write(new EventBatch(docs(250))));
            assertThat(receiver.busyAnswers).hasValue(3);
            assertThat(receiver.indexed.stream().map(e -> e.at("/event/seq").asInt()).sorted().collect(Collectors.toList()))
                    .isEqualTo(java.util.stream.IntStream.range(0, 250).boxed().collect(Collectors.toList()));
            assertThat(output.metrics().sentCount()).isEqualTo(250);
            assertThat(output.metrics().retriedCount()).isEqualTo(3 * 100); // the first request (100 events) was refused 3 times
            assertThat(output.metrics().deadLetteredCount()).isZero();
        }
    }

    @Test
    void invalidTokenIsSurfacedNotRetriedAndNothingIsDeadLettered() throws Exception {
        try (HecReceiver receiver = new HecReceiver(vertx, "another-token", false)) {
            SplunkHecOutput output = started(config(receiver.url(), "main", true, null, null));
            assertThatThrownBy(() -> await(output.write(new EventBatch(docs(5)))))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(OutputFailure.class)
                    .hasMessageContaining("HTTP 403, HEC code 4 (Invalid token)");
            assertThat(receiver.requests).hasValue(1);
            assertThat(receiver.indexed).isEmpty();
            assertThat(output.ready()).isFalse();
            assertThat(output.notReadyReason()).startsWith("Splunk HEC at 127.0.0.1 refused the events: HTTP 403, HEC code 4")
                    .contains("(since ");
            assertThat(output.metrics().retriedCount()).isZero();
            assertThat(dir.resolve("dead.ndjson")).doesNotExist();
        }
    }

    @Test
    void invalidEventIsDeadLetteredAndTheOthersStillArrive() throws Exception {
        try (HecReceiver receiver = new HecReceiver(vertx, TOKEN, false)) {
            SplunkHecOutput output = started(config(receiver.url(), "main", true, null, null));
            List<byte[]> documents = docs(6);
            // Not JSON: the envelope around it is invalid, and the collector says which event (code 6).
            documents.set(3, "{\"seq\":3,\"message\":\"[REDACTED:SSN]\"".getBytes(StandardCharsets.UTF_8));
            await(output.write(new EventBatch(documents)));

            List<Integer> seqs = receiver.indexed.stream().map(e -> e.at("/event/seq").asInt()).collect(Collectors.toList());
            // Splunk indexed 0..2 before the invalid event it named; only 4 and 5 are sent again: no duplicates (D13).
            assertThat(seqs).containsExactly(0, 1, 2, 4, 5);
            assertThat(receiver.bodies).hasSize(2);
            assertThat(output.metrics().sentCount()).isEqualTo(5);
            assertThat(output.metrics().retriedCount()).isEqualTo(2);
            assertThat(output.metrics().deadLetteredCount()).isEqualTo(1);
            List<String> dead = Files.readAllLines(dir.resolve("dead.ndjson"));
            assertThat(dead).hasSize(1);
            JsonNode entry = JSON.readTree(dead.get(0));
            assertThat(entry.get("error_type").asText()).isEqualTo("hec_code_6");
            assertThat(entry.get("reason").asText()).isEqualTo("Invalid data format");
            assertThat(entry.get("document").asText()).isEqualTo("{\"seq\":3,\"message\":\"[REDACTED:SSN]\"");
        }
    }

    @Test
    void eventsAfterEachInvalidOneAreTheOnlyOnesResent() throws Exception {
        try (HecReceiver receiver = new HecReceiver(vertx, TOKEN, false)) {
            SplunkHecOutput output = started(config(receiver.url(), "main", false, null, null));
            List<byte[]> documents = docs(10);
            documents.set(2, "{\"seq\":2".getBytes(StandardCharsets.UTF_8));
            documents.set(7, "{\"seq\":7".getBytes(StandardCharsets.UTF_8));
            await(output.write(new EventBatch(documents)));
            assertThat(receiver.indexed.stream().map(e -> e.at("/event/seq").asInt()).collect(Collectors.toList()))
                    .containsExactly(0, 1, 3, 4, 5, 6, 8, 9);
            assertThat(receiver.bodies).hasSize(3); // all 10, then 3..9, then 8..9
            assertThat(output.metrics().deadLetteredCount()).isEqualTo(2);
            assertThat(output.metrics().retriedCount()).isEqualTo(7 + 2);
            assertThat(Files.readAllLines(dir.resolve("dead.ndjson"))).hasSize(2);
        }
    }

    @Test
    void okWithABodyThatIsNotAHecAnswerIsNeverTakenForDelivery() throws Exception {
        // A proxy, a load balancer or the Splunk Web port: 200 with HTML, with nothing, or with other JSON (bb7 D1).
        for (String body : List.of("<html>proxy says hi</html>", "", "{\"status\":\"ok\"}")) {
            try (HecReceiver receiver = new HecReceiver(vertx, TOKEN, false)) {
                receiver.forcedBody = body;
                receiver.forcedLeft.set(Integer.MAX_VALUE);
                SplunkHecOutput output = started(config(receiver.url(), "main", true, null, null));
                CompletableFuture<Void> written = output.write(new EventBatch(docs(5))).toCompletionStage()
                        .toCompletableFuture();
                waitFor("two answers that are not HEC's", () -> output.metrics().protocolErrorCount() >= 2);
                assertThat(written).as("body '%s'", body).isNotDone();
                assertThat(output.metrics().sentCount()).isZero();
                assertThat(output.ready()).isFalse();
                assertThat(output.notReadyReason()).contains("HTTP 200 from 127.0.0.1 is not a HEC response");

                receiver.forcedLeft.set(0);
                written.get(10, TimeUnit.SECONDS);
                assertThat(receiver.indexed).hasSize(5);
                assertThat(output.metrics().sentCount()).isEqualTo(5);
                assertThat(output.metrics().retriedCount()).isEqualTo(5L * receiver.forcedAnswers.get());
                assertThat(output.ready()).isTrue();
                assertThat(output.notReadyReason()).isNull();
                assertThat(dir.resolve("dead.ndjson")).doesNotExist();
            }
        }
    }

    @Test
    void withAckANonHecAnswerIsRetriedAndNotBlamedOnTheTokensAckSetting() throws Exception {
        try (HecReceiver receiver = new HecReceiver(vertx, TOKEN, true)) {
            receiver.forcedBody = "<html>proxy says hi</html>";
            receiver.forcedLeft.set(2);
            SplunkHecOutput output = started(config(receiver.url(), "main", true,
                    new SplunkHecOutputConfig.AckConfig(true, 20L, 10_000L), null));
            await(output.write(new EventBatch(docs(3))));
            assertThat(receiver.indexed).hasSize(3);
            assertThat(output.metrics().protocolErrorCount()).isEqualTo(2);
            assertThat(output.metrics().sentCount()).isEqualTo(3);
        }
    }

    @Test
    void anAnswerThatStallsMidBodyIsAbandonedAtTheDeadlineAndRetried() throws Exception {
        // Headers and 13 bytes of {"text":"Success","code":0}, then silence (bb7 D6); the next request is answered.
        try (StallingHttpServer server = new StallingHttpServer(1, "application/json", "{\"text\":\"Success\",\"code\":0}", 13)) {
            SplunkHecOutputConfig config = new SplunkHecOutputConfig(server.url(), tokenFile.toString(), null, null, null,
                    "ward-7", false, null, null, null, new BatchConfig(100, null, 100L), new RetryConfig(3, 5L, 50L),
                    dir.resolve("dead.ndjson").toString(), 1000L, true);
            SplunkHecOutput output = started(config);
            await(output.write(new EventBatch(docs(4))));
            assertThat(server.requests).hasValue(2);
            assertThat(server.answeredBodies).hasSize(1);
            waitFor("the stalled connection to be closed by the output", () -> server.stalledClosedByClient.get() == 1);
            assertThat(output.metrics().retriedCount()).isEqualTo(4);
            assertThat(output.metrics().sentCount()).isEqualTo(4);
        }
    }

    @Test
    void withAckTheWriteCompletesOnlyOnceSplunkAcknowledges() throws Exception {
        try (HecReceiver receiver = new HecReceiver(vertx, TOKEN, true)) {
            receiver.holdAcks = true;
            SplunkHecOutput output = started(config(receiver.url(), "main", true,
                    new SplunkHecOutputConfig.AckConfig(true, 20L, 10_000L), null));
            CompletableFuture<Void> written = output.write(new EventBatch(docs(230))).toCompletionStage().toCompletableFuture();
            waitFor("three unanswered ack polls", () -> receiver.ackRequests.size() >= 3);
            assertThat(written).isNotDone();
            assertThat(output.metrics().sentCount()).isZero();
            assertThat(receiver.ackRequests.get(0)).isEqualTo("{\"acks\":[0,1,2]}");
            receiver.holdAcks = false;
            written.get(10, TimeUnit.SECONDS);

            assertThat(output.metrics().sentCount()).isEqualTo(230);
            assertThat(receiver.indexed).hasSize(230);
            String channel = receiver.headers.get(0).get("X-Splunk-Request-Channel");
            assertThat(UUID.fromString(channel).toString()).isEqualTo(channel);
            assertThat(receiver.headers).allMatch(h -> channel.equals(h.get("X-Splunk-Request-Channel")));
            assertThat(receiver.ackChannels).containsOnly(channel);
        }
    }

    @Test
    void requestNeverAcknowledgedIsResentAfterTheTimeout() throws Exception {
        try (HecReceiver receiver = new HecReceiver(vertx, TOKEN, true)) {
            receiver.lostAcks.add(0L);
            SplunkHecOutput output = started(config(receiver.url(), "main", true,
                    new SplunkHecOutputConfig.AckConfig(true, 20L, 300L), null));
            await(output.write(new EventBatch(docs(40))));
            assertThat(receiver.bodies).hasSize(2); // the original and the resend
            assertThat(receiver.indexed).hasSize(40);
            assertThat(output.metrics().retriedCount()).isEqualTo(40);
            assertThat(output.metrics().sentCount()).isEqualTo(40);
        }
    }

    @Test
    void ackEnabledAgainstATokenWithoutAckIsSurfaced() throws Exception {
        try (HecReceiver receiver = new HecReceiver(vertx, TOKEN, false)) {
            SplunkHecOutput output = started(config(receiver.url(), "main", true,
                    new SplunkHecOutputConfig.AckConfig(true, 20L, 1000L), null));
            assertThatThrownBy(() -> await(output.write(new EventBatch(docs(2)))))
                    .hasCauseInstanceOf(OutputFailure.class)
                    .hasMessageContaining("returned no ackId");
        }
    }

    @Test
    void configProblemsNameTheKey() {
        SplunkHecOutputConfig bad = new SplunkHecOutputConfig("ftp://splunk", null, null, null, null, null, null,
                new SplunkHecOutputConfig.AckConfig(true, 5L, 1L), "not-a-uuid", null, new BatchConfig(0, null, null),
                null, null, null, null);
        assertThat(bad.validate().stream().map(p -> p.path()).collect(Collectors.toList()))
                .contains("endpoint", "token_file", "channel", "ack.poll_interval_ms", "batch.max_documents", "dead_letter_path");
        SplunkHecOutputConfig plain = new SplunkHecOutputConfig("http://splunk:8088", tokenFile.toString(), null, null, null,
                null, null, null, null, null, null, null, "dead.ndjson", null, null);
        assertThat(plain.validate()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("endpoint");
            assertThat(p.message()).contains("clear text");
        });
    }
}
