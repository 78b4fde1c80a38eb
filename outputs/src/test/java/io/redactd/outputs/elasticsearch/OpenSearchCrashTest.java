package io.redactd.outputs.elasticsearch;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.itopensearch.OpenSearchNode;
import io.redactd.outputs.buffer.BufferedFanOut;
import io.redactd.outputs.buffer.DiskBuffer;
import io.redactd.outputs.buffer.DiskBufferConfig;
import io.redactd.outputs.delivery.BatchConfig;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.redactd.outputs.elasticsearch.OpenSearchRoundTripTest.await;
import static io.redactd.outputs.elasticsearch.OpenSearchRoundTripTest.json;
import static org.assertj.core.api.Assertions.assertThat;

/** The daemon side is SIGKILLed while its output is down; after restart the buffer replays everything into OpenSearch. */
class OpenSearchCrashTest {
    @TempDir
    Path dir;

    @Test
    void bufferedEventsSurviveSigkillAndReachTheIndexAfterRestart() throws Exception {
        int count = 20_000;
        int deadPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            deadPort = probe.getLocalPort(); // closed again: connections to it are refused
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                FanOutCrashProcess.class.getName(), dir.toString(), "http://127.0.0.1:" + deadPort, Integer.toString(count))
                .redirectErrorStream(true).start();
        String acknowledged = null;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("ACKNOWLEDGED ")) {
                    acknowledged = line;
                    break;
                }
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, no final fsync
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acknowledged).isEqualTo("ACKNOWLEDGED " + count + " SENT 0");
        assertThat(child.exitValue()).isEqualTo(137);

        OpenSearchNode node = OpenSearchNode.shared();
        Vertx vertx = Vertx.vertx();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ElasticsearchOutput output = new ElasticsearchOutput("es", OpenSearchOutageTest.config(node.url(), "crash-redactd", dir),
                vertx, registry);
        DiskBuffer buffer = DiskBuffer.open(new DiskBufferConfig(dir.resolve("buffer").toString(), 64L << 20, null,
                "interval", 60_000L), List.of("es"));
        assertThat(buffer.tornTailsTruncated()).isZero();
        BufferedFanOut fanOut = new BufferedFanOut("buffered", vertx, buffer,
                List.of(new BufferedFanOut.Downstream(output, new BatchConfig(5000, null, 100L))), registry);
        try {
            await(fanOut.start());
            OpenSearchOutageTest.waitFor("the replay to drain", 120, () -> buffer.cursor("es").lagBytes() == 0);
        } finally {
            await(fanOut.stop());
            vertx.close();
        }
        assertThat(output.metrics().sentCount()).isEqualTo(count);
        node.send("POST", "/crash-redactd/_refresh", null);
        assertThat(json(node.get("/crash-redactd/_count").body()).get("count").asLong()).isEqualTo(count);
    }
}
