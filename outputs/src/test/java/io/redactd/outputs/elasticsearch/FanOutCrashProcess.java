package io.redactd.outputs.elasticsearch;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.buffer.BufferedFanOut;
import io.redactd.outputs.buffer.DiskBuffer;
import io.redactd.outputs.buffer.DiskBufferConfig;
import io.redactd.outputs.delivery.BatchConfig;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM of {@link OpenSearchCrashTest}: a fan-out whose Elasticsearch output points at a port nobody listens on
 * (the output is down), fed until every write is acknowledged as durable; then it waits to be SIGKILLed.
 */
public final class FanOutCrashProcess {
    private FanOutCrashProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String deadUrl = args[1];
        int count = Integer.parseInt(args[2]);
        Vertx vertx = Vertx.vertx();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ElasticsearchOutput output = new ElasticsearchOutput("es", OpenSearchOutageTest.config(deadUrl, "crash-redactd", dir),
                vertx, registry);
        DiskBuffer buffer = DiskBuffer.open(new DiskBufferConfig(dir.resolve("buffer").toString(), 64L << 20, null,
                "interval", 60_000L), List.of("es"));
        BufferedFanOut fanOut = new BufferedFanOut("buffered", vertx, buffer,
                List.of(new BufferedFanOut.Downstream(output, new BatchConfig(2000, null, 100L))), registry);
        fanOut.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        for (int i = 0; i < count; i += 1000) {
            fanOut.write(new EventBatch(TestDocuments.batch(i, 1000, "2026-11-27T03:00:00Z", "crash")))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        System.out.println("ACKNOWLEDGED " + count + " SENT " + output.metrics().sentCount());
        System.out.flush();
        Thread.sleep(TimeUnit.MINUTES.toMillis(5));
    }
}
