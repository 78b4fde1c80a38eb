package io.redactd.outputs.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.outputs.EventBatch;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.redactd.outputs.AsyncAssertions.await;
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
        ElasticsearchOutputConfig config = new ElasticsearchOutputConfig(url, "logs-redactd-%Y.%m.%d", false, null, null,
                null, null, true, new BatchConfig(1000, null, 100L), new RetryConfig(maxAttempts, 5L, 40L),
                dir.resolve("dead.ndjson").toString(), null, null, null);
        return new ElasticsearchOutput("es", config, vertx, new SimpleMeterRegistry());
    }

    private static byte[] doc(int seq, String kind) {
        return ("{\"@timestamp\":\"2026-11-27T01:02:03Z\",\"seq\":" + seq + ",\"kind\":\"" + kind
                + "\",\"message\":\"[REDACTED:PHONE] called\"}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void onlyRejectedAsTemporaryItemsAreRetriedAndTheRestDeadLettered() throws Exception {
        // busy: 429 on the first two sends; flaky: 503 once; bad: mapping error; always-busy: 429 forever.
        try (BulkReceiver receiver = new BulkReceiver(vertx, seen -> switch (seen.document().get("kind").asText()) {
            case "busy" -> seen.timesSeen() <= 2 ? new BulkReceiver.Outcome(429, "es_rejected_execution_exception")
                    : BulkReceiver.Outcome.CREATED;
            case "flaky" -> seen.timesSeen() == 1 ? new BulkReceiver.Outcome(503, "unavailable_shards_exception")
                    : BulkReceiver.Outcome.CREATED;
            case "bad" -> new BulkReceiver.Outcome(400, "mapper_parsing_exception");
            case "always-busy" -> new BulkReceiver.Outcome(429, "es_rejected_execution_exception");
            default -> BulkReceiver.Outcome.CREATED;
        })) {
            List<byte[]> documents = new ArrayList<>();
            Set<Integer> busy = Set.of(3, 50, 51, 99);
            Set<Integer> flaky = Set.of(10, 77);
            Set<Integer> bad = Set.of(20, 21);
            int alwaysBusy = 60;
            for (int i = 0; i < 100; i++) {
                String kind = busy.contains(i) ? "busy" : flaky.contains(i) ? "flaky" : bad.contains(i) ? "bad"
                        : i == alwaysBusy ? "always-busy" : "ok";
                documents.add(doc(i, kind));
            }
            ElasticsearchOutput output = output(receiver.url(), 4);
            await(output.start());
            await(output.write(new EventBatch(documents)));

            assertThat(receiver.requests.get(0)).hasSize(100);
            assertThat(new TreeSet<>(receiver.requests.get(1))).containsExactly(3, 10, 50, 51, 60, 77, 99);
            assertThat(new TreeSet<>(receiver.requests.get(2))).containsExactly(3, 50, 51, 60, 99);
            assertThat(receiver.requests.get(3)).containsExactly(60);
            assertThat(receiver.requests).hasSize(4); // always-busy gave up after max_attempts = 4 sends
            assertThat(receiver.contentEncodings).containsOnly("gzip");

            // Every accepted document exactly once; the rejected ones never.
            assertThat(receiver.accepted.keySet()).hasSize(97).doesNotContain(20, 21, 60);
            assertThat(receiver.accepted.values()).allMatch(count -> count.get() == 1);
            assertThat(output.metrics().sentCount()).isEqualTo(97);
            assertThat(output.metrics().retriedCount()).isEqualTo(7 + 5 + 1);
            assertThat(output.metrics().deadLetteredCount()).isEqualTo(3);

            List<JsonNode> dead = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve("dead.ndjson"))) {
                dead.add(JSON.readTree(line));
            }
            assertThat(dead.stream().map(d -> d.get("status").asInt() + " " + d.get("error_type").asText() + " " + d.get("attempts").asInt())
                    .collect(Collectors.toList()))
                    .containsExactlyInAnyOrder("400 mapper_parsing_exception 1", "400 mapper_parsing_exception 1",
                            "429 es_rejected_execution_exception 4");
            JsonNode exhausted = dead.stream().filter(d -> d.get("status").asInt() == 429).findFirst().orElseThrow();
            assertThat(exhausted.get("reason").asText()).startsWith("retries exhausted");
            assertThat(JSON.readTree(exhausted.get("document").asText()).get("seq").asInt()).isEqualTo(60);
        }
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
