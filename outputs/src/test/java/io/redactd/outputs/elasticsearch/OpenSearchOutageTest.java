package io.redactd.outputs.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.itopensearch.OpenSearchNode;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.buffer.BufferedFanOut;
import io.redactd.outputs.buffer.CursorPump;
import io.redactd.outputs.buffer.DiskBuffer;
import io.redactd.outputs.buffer.DiskBufferConfig;
import io.redactd.outputs.delivery.BatchConfig;
import io.redactd.outputs.delivery.RetryConfig;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.redactd.outputs.elasticsearch.OpenSearchRoundTripTest.await;
import static io.redactd.outputs.elasticsearch.OpenSearchRoundTripTest.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 100,000 events flow through the disk buffer into a real OpenSearch node, which is stopped mid-flow and started
 * again. The node is down for 10 s of producing plus its own restart time (~20 s here), so ~30 s without a node: the
 * issue's 30 s outage, within the suite's time budget.
 */
class OpenSearchOutageTest {
    private static final int TOTAL = 100_000;
    private static final int BATCH = 1000;

    @TempDir
    Path dir;

    static ElasticsearchOutputConfig config(String url, String index, Path dir) {
        return new ElasticsearchOutputConfig(url, index, false, null, null, null, null, true,
                new BatchConfig(5000, null, 200L), new RetryConfig(5, 100L, 2000L), dir.resolve("dead.ndjson").toString(),
                new ElasticsearchOutputConfig.TemplateConfig(true, "redactd-" + index), 30_000L, null);
    }

    static void waitFor(String what, long seconds, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for " + what).isLessThan(deadline);
            try {
                Thread.sleep(50); // polling interval of a condition with a deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void everyEventArrivesAcrossANodeOutage() throws Exception {
        OpenSearchNode node = OpenSearchNode.shared();
        Vertx vertx = Vertx.vertx();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ElasticsearchOutput output = new ElasticsearchOutput("es", config(node.url(), "outage-redactd", dir), vertx, registry);
        DiskBuffer buffer = DiskBuffer.open(new DiskBufferConfig(dir.resolve("buffer").toString(), 256L << 20, null,
                "interval", 200L), List.of("es"));
        BufferedFanOut fanOut = new BufferedFanOut("buffered", vertx, buffer,
                List.of(new BufferedFanOut.Downstream(output, new BatchConfig(5000, null, 200L))), registry);
        await(fanOut.start());
        CursorPump pump = fanOut.pumps().get(0);
        int maxInFlight = 0;
        long maxLagWhileDown = 0;
        try {
            int produced = 0;
            // Phase 1: the node is up.
            while (produced < 30_000) {
                await(fanOut.write(new EventBatch(TestDocuments.batch(produced, BATCH, "2026-11-27T02:00:00Z", "outage"))));
                produced += BATCH;
            }
            waitFor("the first events to be indexed", 60, () -> output.metrics().sentCount() >= 10_000);
            node.stop();
            waitFor("the output to notice the outage", 30, () -> !output.ready());
            // Phase 2: producing continues for 10 s with the node down; everything lands in the buffer.
            long downUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < downUntil && produced < 90_000) {
                await(fanOut.write(new EventBatch(TestDocuments.batch(produced, BATCH, "2026-11-27T02:00:00Z", "outage"))));
                produced += BATCH;
                maxInFlight = Math.max(maxInFlight, pump.inFlightDocuments());
                maxLagWhileDown = Math.max(maxLagWhileDown, buffer.cursor("es").lagBytes());
                if (produced % 10_000 == 0) {
                    Thread.sleep(1000); // pacing the producer over the outage window, not synchronization
                }
            }
            assertThat(output.ready()).isFalse();
            assertThat(registry.get("redactd.output.oldest.unsent.age").gauge().value()).isGreaterThan(5.0);
            node.start();
            // Phase 3: the node is back; the rest flows and the backlog drains.
            while (produced < TOTAL) {
                await(fanOut.write(new EventBatch(TestDocuments.batch(produced, BATCH, "2026-11-27T02:00:00Z", "outage"))));
                produced += BATCH;
                maxInFlight = Math.max(maxInFlight, pump.inFlightDocuments());
            }
            waitFor("the buffer to drain", 180, () -> buffer.cursor("es").lagBytes() == 0);
        } finally {
            await(fanOut.stop());
            vertx.close();
        }

        assertThat(maxLagWhileDown).as("backlog held on disk while down").isGreaterThan(5L << 20);
        assertThat(maxInFlight).as("documents held in memory by the pump").isLessThanOrEqualTo(5000);
        assertThat(registry.get("redactd.output.buffer").gauge().value()).isZero();
        assertThat(output.metrics().sentCount()).isEqualTo(TOTAL);
        assertThat(output.metrics().deadLetteredCount()).isZero();

        node.send("POST", "/outage-redactd/_refresh", null);
        long stored = json(node.get("/outage-redactd/_count").body()).get("count").asLong();
        // One shard, so a terms aggregation is exact: every seq that was indexed more than once.
        JsonNode duplicates = json(node.send("POST", "/outage-redactd/_search?size=0",
                "{\"aggs\":{\"dups\":{\"terms\":{\"field\":\"seq\",\"min_doc_count\":2,\"size\":10000}},"
                        + "\"lo\":{\"min\":{\"field\":\"seq\"}},\"hi\":{\"max\":{\"field\":\"seq\"}}}}").body());
        long extra = 0;
        for (JsonNode bucket : duplicates.at("/aggregations/dups/buckets")) {
            extra += bucket.get("doc_count").asLong() - 1;
        }
        assertThat(stored - extra).as("distinct events indexed").isEqualTo(TOTAL);
        assertThat(extra).as("duplicates, only from counted in-flight retries")
                .isLessThanOrEqualTo(output.metrics().retriedCount());
        assertThat(duplicates.at("/aggregations/lo/value").asLong()).isZero();
        assertThat(duplicates.at("/aggregations/hi/value").asLong()).isEqualTo(TOTAL - 1);
        assertThat(output.metrics().retriedCount()).as("the outage was felt").isPositive();
    }
}
