package io.redactd.outputs.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.StallingHttpServer;
import io.redactd.outputs.delivery.BatchConfig;
import io.redactd.outputs.delivery.OutputFailure;
import io.redactd.outputs.delivery.RetryConfig;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.redactd.outputs.AsyncAssertions.await;
import static io.redactd.outputs.AsyncAssertions.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BulkPartialFailureTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Vertx vertx = Vertx.vertx();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        vertx.close();
    }

    private ElasticsearchOutput output(String url, int maxAttempts) {
        return output(url, maxAttempts, null, null);
    }

    private ElasticsearchOutput output(String url, int maxAttempts, ElasticsearchOutputConfig.TemplateConfig template,
                                       Long requestTimeoutMs) {
        ElasticsearchOutputConfig config = new ElasticsearchOutputConfig(url, "logs-redactd-%Y.%m.%d", false, null, null,
                null, null, true, new BatchConfig(1000, null, 100L), new RetryConfig(maxAttempts, 5L, 40L),
                dir.resolve("dead.ndjson").toString(), template, requestTimeoutMs, null);
        return new ElasticsearchOutput("es", config, vertx, new SimpleMeterRegistry());
    }

    private static List<byte[]> docs(int count) {
        List<byte[]> documents = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            documents.add(doc(i, "ok"));
        }
        return documents;
    }

    private static byte[] doc(int seq, String kind) {
        return ("{\"@timestamp\":\"2026-11-27T01:02:03Z\",\"seq\":" + seq + ",\"kind\":\"" + kind
                + "\",\"message\":\"[REDACTED:PHONE] called\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void onlyRejectedAsTemporaryItemsAreRetriedAndTheRestDeadLettered() throws Exception {
        // busy: 429 on the first two sends; flaky: 503 once; bad: mapping error; long-busy: 429 on the first six sends
        // (more than max_attempts: a 429 is "come back later", held back until accepted, never dead-lettered: D5).
        try (BulkReceiver receiver = new BulkReceiver(vertx, seen -> switch (seen.document().get("kind").asText()) {
            case "busy" -> seen.timesSeen() <= 2 ? new BulkReceiver.Outcome(429, "es_rejected_execution_exception")
                    : BulkReceiver.Outcome.CREATED;
            case "flaky" -> seen.timesSeen() == 1 ? new BulkReceiver.Outcome(503, "unavailable_shards_exception")
                    : BulkReceiver.Outcome.CREATED;
            case "bad" -> new BulkReceiver.Outcome(400, "mapper_parsing_exception");
            case "long-busy" -> seen.timesSeen() <= 6 ? new BulkReceiver.Outcome(429, "cluster_block_exception")
                    : BulkReceiver.Outcome.CREATED;
            default -> BulkReceiver.Outcome.CREATED;
        })) {
            List<byte[]> documents = new ArrayList<>();
            Set<Integer> busy = Set.of(3, 50, 51, 99);
            Set<Integer> flaky = Set.of(10, 77);
            Set<Integer> bad = Set.of(20, 21);
            int longBusy = 60;
            for (int i = 0; i < 100; i++) {
                String kind = busy.contains(i) ? "busy" : flaky.contains(i) ? "flaky" : bad.contains(i) ? "bad"
                        : i == longBusy ? "long-busy" : "ok";
                documents.add(doc(i, kind));
            }
            ElasticsearchOutput output = output(receiver.url(), 4);
            await(output.start());
            await(output.write(new EventBatch(documents)));

            assertThat(receiver.requests.get(0)).hasSize(100);
            assertThat(new TreeSet<>(receiver.requests.get(1))).containsExactly(3, 10, 50, 51, 60, 77, 99);
            assertThat(new TreeSet<>(receiver.requests.get(2))).containsExactly(3, 50, 51, 60, 99);
            for (int round = 3; round < 7; round++) {
                assertThat(receiver.requests.get(round)).containsExactly(60);
            }
            assertThat(receiver.requests).hasSize(7); // long-busy went on past max_attempts = 4 until accepted
            assertThat(receiver.contentEncodings).containsOnly("gzip");

            // Every accepted document exactly once; the rejected ones never.
            assertThat(receiver.accepted.keySet()).hasSize(98).doesNotContain(20, 21);
            assertThat(receiver.accepted.values()).allMatch(count -> count.get() == 1);
            assertThat(output.metrics().sentCount()).isEqualTo(98);
            assertThat(output.metrics().retriedCount()).isEqualTo(7 + 5 + 1 + 1 + 1 + 1);
            assertThat(output.metrics().deadLetteredCount()).isEqualTo(2);
            assertThat(output.ready()).isTrue();

            List<JsonNode> dead = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("dead.ndjson"))) {
                dead.add(JSON.readTree(line));
            }
            assertThat(dead.stream().map(d -> d.get("status").asInt() + " " + d.get("error_type").asText() + " " + d.get("attempts").asInt())
                    .collect(Collectors.toList()))
                    .containsExactlyInAnyOrder("400 mapper_parsing_exception 1", "400 mapper_parsing_exception 1");
        }
    }

    @Test
    void itemsTheClusterThrottlesHoldTheBatchBackAndTheOutputSaysWhy() throws Exception {
        // A cluster at flood stage answers 429 cluster_block_exception per item until its disk is freed (bb7 D5).
        java.util.concurrent.atomic.AtomicBoolean blocked = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (BulkReceiver receiver = new BulkReceiver(vertx, seen -> blocked.get()
                ? new BulkReceiver.Outcome(429, "cluster_block_exception") : BulkReceiver.Outcome.CREATED)) {
            ElasticsearchOutput output = output(receiver.url(), 2);
            await(output.start());
            CompletableFuture<Void> written = output.write(new EventBatch(docs(10))).toCompletionStage().toCompletableFuture();
            waitFor("more throttled rounds than max_attempts", () -> receiver.requests.size() >= 5);
            assertThat(written).isNotDone();
            assertThat(output.ready()).isFalse();
            assertThat(output.notReadyReason()).contains("HTTP 429 cluster_block_exception for 10 of 10 documents");
            assertThat(output.metrics().deadLetteredCount()).isZero();

            blocked.set(false);
            written.get(10, TimeUnit.SECONDS);
            assertThat(receiver.accepted).hasSize(10);
            assertThat(output.metrics().sentCount()).isEqualTo(10);
            assertThat(output.ready()).isTrue();
            assertThat(dir.resolve("dead.ndjson")).doesNotExist();
        }
    }

    @Test
    void requestTimeoutFromAProxyIsRetried() throws Exception {
        try (BulkReceiver receiver = new BulkReceiver(vertx, seen -> BulkReceiver.Outcome.CREATED)) {
            receiver.wholeRequestStatus = 408; // an ALB or nginx client_body_timeout under load (bb7 D10)
            receiver.wholeRequestFailuresLeft.set(2);
            ElasticsearchOutput output = output(receiver.url(), 3);
            await(output.start());
            await(output.write(new EventBatch(docs(3))));
            assertThat(receiver.accepted).hasSize(3);
            assertThat(output.metrics().retriedCount()).isEqualTo(2 * 3);
            assertThat(dir.resolve("dead.ndjson")).doesNotExist();
        }
    }

    @Test
    void aRequestThatNeverReachedBulkIsAConfigurationFailureAndDeadLettersNothing() throws Exception {
        try (BulkReceiver receiver = new BulkReceiver(vertx, seen -> BulkReceiver.Outcome.CREATED)) {
            // A wrong path prefix: the receiver answers 404 for anything but /_bulk (bb7 D10).
            ElasticsearchOutput output = output(receiver.url() + "/wrong-prefix", 3);
            await(output.start());
            assertThatThrownBy(() -> await(output.write(new EventBatch(docs(2)))))
                    .hasCauseInstanceOf(OutputFailure.class)
                    .hasMessageContaining("answered HTTP 404 for /wrong-prefix/_bulk");
            assertThat(output.ready()).isFalse();
            assertThat(output.notReadyReason()).contains("HTTP 404").contains("check the endpoint");
            assertThat(output.metrics().deadLetteredCount()).isZero();
            assertThat(dir.resolve("dead.ndjson")).doesNotExist();
        }
    }

    @Test
    void anAnswerThatStallsMidBodyIsAbandonedAtTheDeadlineAndRetried() throws Exception {
        // Headers and part of a _bulk answer, then silence (bb7 D6); the next request is answered in full.
        try (StallingHttpServer server = new StallingHttpServer(1, "application/json",
                "{\"took\":1,\"errors\":false,\"items\":[]}", 20)) {
            ElasticsearchOutput output = output(server.url(), 3, null, 1000L);
            await(output.start());
            await(output.write(new EventBatch(docs(3))));
            assertThat(server.requests).hasValue(2);
            waitFor("the stalled connection to be closed by the output", () -> server.stalledClosedByClient.get() == 1);
            assertThat(output.metrics().retriedCount()).isEqualTo(3);
            assertThat(output.metrics().sentCount()).isEqualTo(3);
        }
    }

    @Test
    void aNodeDownAtStartIsCountedAndNamedWhileTheTemplateWaits() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        ElasticsearchOutput output = output("http://127.0.0.1:" + closedPort, 3,
                new ElasticsearchOutputConfig.TemplateConfig(true, null), null);
        await(output.start()); // a node down at start does not stop the daemon
        assertThat(output.ready()).isFalse();
        assertThat(output.notReadyReason()).startsWith("index template not installed: cannot connect");
        output.write(new EventBatch(docs(4)));
        waitFor("template retries to be counted (bb7 D15)", () -> output.metrics().retriedCount() >= 3 * 4);
        assertThat(output.ready()).isFalse();
        await(output.stop());
    }

    @Test
    void wholeRequestOutageIsRetriedUntilTheServerAnswers() throws Exception {
        try (BulkReceiver receiver = new BulkReceiver(vertx, seen -> BulkReceiver.Outcome.CREATED)) {
            receiver.wholeRequestStatus = 503;
            receiver.wholeRequestFailuresLeft.set(12); // more than max_attempts: outages are not bounded by it
            ElasticsearchOutput output = output(receiver.url(), 3);
            await(output.start());
            List<byte[]> documents = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                documents.add(doc(i, "ok"));
            }
            await(output.write(new EventBatch(documents)));
            assertThat(receiver.accepted).hasSize(40);
            assertThat(output.metrics().sentCount()).isEqualTo(40);
            assertThat(output.metrics().retriedCount()).isEqualTo(12 * 40);
            assertThat(output.metrics().deadLetteredCount()).isZero();
            assertThat(output.ready()).isTrue();
        }
    }

    @Test
    void requestRejectedAsAWholeIsDeadLetteredWithTheErrorTypeOnly() throws Exception {
        try (BulkReceiver receiver = new BulkReceiver(vertx, seen -> BulkReceiver.Outcome.CREATED)) {
            receiver.wholeRequestStatus = 400;
            receiver.wholeRequestFailuresLeft.set(1);
            ElasticsearchOutput output = output(receiver.url(), 3);
            await(output.start());
            await(output.write(new EventBatch(List.of(doc(1, "ok"), doc(2, "ok")))));
            assertThat(output.metrics().deadLetteredCount()).isEqualTo(2);
            assertThat(output.metrics().retriedCount()).isZero();
            List<String> dead = Files.readAllLines(dir.resolve("dead.ndjson"));
            assertThat(dead).hasSize(2).allSatisfy(line -> {
                JsonNode entry = JSON.readTree(line);
                assertThat(entry.get("status").asInt()).isEqualTo(400);
                assertThat(entry.get("error_type").asText()).isEqualTo("cluster_block_exception");
            });
        }
    }

    @Test
    void refusedCredentialsFailTheWriteAndDeadLetterNothing() throws Exception {
        try (BulkReceiver receiver = new BulkReceiver(vertx, seen -> BulkReceiver.Outcome.CREATED)) {
            receiver.wholeRequestStatus = 401;
            receiver.wholeRequestFailuresLeft.set(1);
            ElasticsearchOutput output = output(receiver.url(), 3);
            await(output.start());
            assertThatThrownBy(() -> await(output.write(new EventBatch(List.of(doc(1, "ok"))))))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(OutputFailure.class)
                    .hasMessageContaining("refused the credentials (HTTP 401)");
            assertThat(output.ready()).isFalse();
            assertThat(dir.resolve("dead.ndjson")).doesNotExist();
        }
    }
}
