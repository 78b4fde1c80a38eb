package io.redactd.outputs.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.itopensearch.OpenSearchNode;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.delivery.BatchConfig;
import io.redactd.outputs.delivery.RetryConfig;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Elasticsearch output against a real OpenSearch 2.19 node. */
class OpenSearchRoundTripTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static OpenSearchNode node;
    private static Vertx vertx;

    @TempDir
    Path dir;

    @BeforeAll
    static void startNode() throws Exception {
        node = OpenSearchNode.shared();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() {
        vertx.close();
    }

    private ElasticsearchOutputConfig config(String index, boolean dataStream, boolean template) {
        return new ElasticsearchOutputConfig(node.url(), index, dataStream, null, null, null, null, true,
                new BatchConfig(500, null, 200L), new RetryConfig(3, 50L, 500L), dir.resolve("dead.ndjson").toString(),
                new ElasticsearchOutputConfig.TemplateConfig(template, "redactd-" + index.replace("%", "").replace(".", "").toLowerCase()),
                null, null);
    }

    static <T> T await(io.vertx.core.Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    }

    static JsonNode json(String body) throws Exception {
        return JSON.readTree(body);
    }

    @Test
    void documentsLandInDatedIndicesWithEcsMappingsAndNoRawValue() throws Exception {
        ElasticsearchOutput output = new ElasticsearchOutput("es", config("rt-redactd-%Y.%m.%d", false, true), vertx,
                new SimpleMeterRegistry());
        await(output.start());
        List<byte[]> documents = new ArrayList<>(TestDocuments.batch(0, 1200, "2026-11-20T23:59:59.500Z", "rt"));
        documents.addAll(TestDocuments.batch(1200, 800, "2026-11-21T00:00:00+00:00", "rt"));
        await(output.write(new EventBatch(documents)));

        assertThat(output.metrics().sentCount()).isEqualTo(2000);
        assertThat(output.metrics().deadLetteredCount()).isZero();
        node.send("POST", "/rt-redactd-*/_refresh", null);
        assertThat(json(node.get("/rt-redactd-2026.11.20/_count").body()).get("count").asLong()).isEqualTo(1200);
        assertThat(json(node.get("/rt-redactd-2026.11.21/_count").body()).get("count").asLong()).isEqualTo(800);

        JsonNode mapping = json(node.get("/rt-redactd-2026.11.20/_mapping").body())
                .get("rt-redactd-2026.11.20").get("mappings").get("properties");
        assertThat(mapping.get("@timestamp").get("type").asText()).isEqualTo("date");
        assertThat(mapping.get("message").get("type").asText()).isEqualTo("text");
        assertThat(mapping.get("chain").get("properties").get("hash").get("type").asText()).isEqualTo("keyword");

        // Searchable: full-text on the message, exact on the chain hash.
        String hash = "h" + Integer.toHexString(5 * 31 + 7);
        JsonNode byHash = json(node.send("POST", "/rt-redactd-*/_search",
                "{\"query\":{\"term\":{\"chain.hash\":\"" + hash + "\"}}}").body());
        assertThat(byHash.at("/hits/total/value").asLong()).isEqualTo(1);
        assertThat(byHash.at("/hits/hits/0/_source/seq").asInt()).isEqualTo(5);
        JsonNode byWord = json(node.send("POST", "/rt-redactd-*/_search?size=0",
                "{\"query\":{\"match\":{\"message\":\"admitted\"}}}").body());
        assertThat(byWord.at("/hits/total/value").asLong()).isEqualTo(2000);

        // No _source holds the raw SSN, in any form the analyzer might have kept.
        String all = node.send("POST", "/rt-redactd-*/_search?size=2000", "{\"query\":{\"match_all\":{}}}").body();
        assertThat(json(all).at("/hits/hits").size()).isEqualTo(2000);
        assertThat(all).doesNotContain(TestDocuments.RAW_SSN).doesNotContain("219099999").contains("[REDACTED:SSN]");
        JsonNode rawSearch = json(node.send("POST", "/rt-redactd-*/_search?size=0",
                "{\"query\":{\"query_string\":{\"query\":\"\\\"" + TestDocuments.RAW_SSN + "\\\"\"}}}").body());
        assertThat(rawSearch.at("/hits/total/value").asLong()).isZero();
        await(output.stop());
    }

    @Test
    void mappingErrorsAreDeadLetteredAndTheRestIndexed() throws Exception {
        ElasticsearchOutput output = new ElasticsearchOutput("es-map", config("map-redactd-%Y.%m.%d", false, true), vertx,
                new SimpleMeterRegistry());
        await(output.start());
        List<byte[]> documents = new ArrayList<>(TestDocuments.batch(0, 10, "2026-11-22T08:00:00Z", "map"));
        // chain.seq is mapped long by the template: these two cannot be indexed, however often they are sent.
        documents.set(3, "{\"@timestamp\":\"2026-11-22T08:00:00Z\",\"message\":\"[REDACTED:MRN] bad\",\"chain\":{\"seq\":\"three\"}}"
                .getBytes(StandardCharsets.UTF_8));
        documents.set(7, "{\"@timestamp\":\"2026-11-22T08:00:00Z\",\"message\":\"[REDACTED:MRN] bad\",\"chain\":{\"seq\":{\"x\":1}}}"
                .getBytes(StandardCharsets.UTF_8));
        await(output.write(new EventBatch(documents)));

        assertThat(output.metrics().sentCount()).isEqualTo(8);
        assertThat(output.metrics().deadLetteredCount()).isEqualTo(2);
        assertThat(output.metrics().retriedCount()).isZero();
        List<String> dead = Files.readAllLines(dir.resolve("dead.ndjson"));
        assertThat(dead).hasSize(2);
        for (String line : dead) {
            JsonNode entry = json(line);
            assertThat(entry.get("status").asInt()).isEqualTo(400);
            assertThat(entry.get("error_type").asText()).isEqualTo("mapper_parsing_exception");
            assertThat(entry.get("output").asText()).isEqualTo("es-map");
            assertThat(json(entry.get("document").asText()).at("/message").asText()).endsWith("bad");
        }
        node.send("POST", "/map-redactd-*/_refresh", null);
        assertThat(json(node.get("/map-redactd-2026.11.22/_count").body()).get("count").asLong()).isEqualTo(8);
        await(output.stop());
    }

    @Test
    void dataStreamWritesUseCreate() throws Exception {
        ElasticsearchOutput output = new ElasticsearchOutput("es-ds", config("logs-redactd-ds", true, true), vertx,
                new SimpleMeterRegistry());
        await(output.start());
        await(output.write(new EventBatch(TestDocuments.batch(0, 300, "2026-11-23T12:00:00Z", "ds"))));
        assertThat(output.metrics().sentCount()).isEqualTo(300);
        JsonNode stream = json(node.get("/_data_stream/logs-redactd-ds").body());
        assertThat(stream.at("/data_streams/0/name").asText()).isEqualTo("logs-redactd-ds");
        node.send("POST", "/logs-redactd-ds/_refresh", null);
        assertThat(json(node.get("/logs-redactd-ds/_count").body()).get("count").asLong()).isEqualTo(300);
        await(output.stop());
    }
}
