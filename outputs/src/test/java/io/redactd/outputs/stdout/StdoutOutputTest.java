package io.redactd.outputs.stdout;

import io.redactd.outputs.EventBatch;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class StdoutOutputTest {
    @Test
    void writesOneDocumentPerLineInOrderAndFlushesEachBatch() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            StdoutOutput out = new StdoutOutput("console", vertx, sink);
            out.start().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            out.write(new EventBatch(List.of("{\"a\":1}".getBytes(StandardCharsets.UTF_8), "{\"a\":2}".getBytes(StandardCharsets.UTF_8))))
                    .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}\n{\"a\":2}\n");
            out.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            assertThat(out.ready()).isFalse();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }
}
