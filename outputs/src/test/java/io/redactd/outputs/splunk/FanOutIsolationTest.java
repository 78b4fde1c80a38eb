package io.redactd.outputs.splunk;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.buffer.BufferedFanOut;
import io.redactd.outputs.buffer.DiskBuffer;
import io.redactd.outputs.buffer.DiskBufferConfig;
import io.redactd.outputs.delivery.BatchConfig;
import io.redactd.outputs.delivery.RetryConfig;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.redactd.outputs.splunk.SplunkHecOutputTest.TOKEN;
import static io.redactd.outputs.AsyncAssertions.await;
import static io.redactd.outputs.AsyncAssertions.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

/** Two outputs behind one buffer: one collector is busy for a long time, the other keeps receiving. */
class FanOutIsolationTest {
    @TempDir
    Path dir;

    @Test
    void aStalledOutputDoesNotHoldBackTheOther() throws Exception {
        Vertx vertx = Vertx.vertx();
        Path token = dir.resolve("token");
        Files.writeString(token, TOKEN);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (HecReceiver fast = new HecReceiver(vertx, TOKEN, false); HecReceiver slow = new HecReceiver(vertx, TOKEN, true)) {
            slow.busyLeft.set(Integer.MAX_VALUE);
            SplunkHecOutput toFast = new SplunkHecOutput("fast", config(fast.url(), token, false), vertx, registry);
            SplunkHecOutput toSlow = new SplunkHecOutput("slow", config(slow.url(), token, true), vertx, registry);
            BufferedFanOut fanOut = BufferedFanOut.open("buffered", vertx,
                    new DiskBufferConfig(null, 8L << 20, 64L * 1024, "always", null), dir, List.of(
                            new BufferedFanOut.Downstream(toFast, new BatchConfig(200, null, 50L)),
                            new BufferedFanOut.Downstream(toSlow, new BatchConfig(200, null, 50L))), registry);
            DiskBuffer buffer = fanOut.buffer();
            await(fanOut.start());
            for (int i = 0; i < 10; i++) {
                List<byte[]> documents = SplunkHecOutputTest.docs(100);
                await(fanOut.write(new EventBatch(documents)));
            }
            waitFor("the fast output to catch up", () -> buffer.cursor("fast").lagBytes() == 0);
            assertThat(fast.indexed).hasSize(1000);
            assertThat(slow.indexed).isEmpty();
            assertThat(buffer.cursor("slow").lagBytes()).isPositive();
            assertThat(registry.get("redactd.output.buffer").tag("output", "slow").gauge().value()).isPositive();
            assertThat(registry.get("redactd.output.buffer").tag("output", "fast").gauge().value()).isZero();
            waitFor("the stalled output's age to show", () ->
                    registry.get("redactd.output.oldest.unsent.age").tag("output", "slow").gauge().value() > 0.2);
            assertThat(registry.get("redactd.output.retried").tag("output", "slow").counter().count()).isPositive();
            assertThat(fanOut.ready()).isFalse();
            assertThat(registry.get("redactd.buffer.size").gauge().value()).isPositive();
            assertThat(dir.resolve("buffer/cursors/fast.cursor")).exists(); // under state_dir by default

            slow.busyLeft.set(0);
            waitFor("the stalled output to drain", () -> buffer.cursor("slow").lagBytes() == 0);
            assertThat(slow.indexed).hasSize(1000);
            assertThat(registry.get("redactd.output.oldest.unsent.age").tag("output", "slow").gauge().value()).isZero();
            assertThat(registry.get("redactd.output.sent").tag("output", "slow").counter().count()).isEqualTo(1000);
            await(fanOut.stop());
        } finally {
            vertx.close();
        }
    }

    private SplunkHecOutputConfig config(String url, Path token, boolean ack) {
        return new SplunkHecOutputConfig(url, token.toString(), "main", null, null, "ward-7", true,
                new SplunkHecOutputConfig.AckConfig(ack, 20L, 5000L), null, null, new BatchConfig(100, null, 50L),
                new RetryConfig(3, 5L, 50L), dir.resolve("dead-" + ack + ".ndjson").toString(), null, true);
    }
}
