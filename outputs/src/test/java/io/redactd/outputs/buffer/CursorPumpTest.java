package io.redactd.outputs.buffer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.delivery.BatchConfig;
import io.redactd.outputs.file.FileOutput;
import io.redactd.outputs.file.FileOutputConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** A local output fed from the buffer: batches go out while earlier cursor commits still run. */
class CursorPumpTest {
    @TempDir
    Path dir;

    @Test
    void everyBatchIsWrittenInOrderAndTheCursorCommitsCatchUpWithTheEnd() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Path out = dir.resolve("out.ndjson");
            FileOutput file = new FileOutput("file", new FileOutputConfig(out.toString(), 1L << 30, 2, "batch"), vertx);
            // small batches, so many commits are requested while one runs and must coalesce to the newest position
            BufferedFanOut fanOut = BufferedFanOut.open("buffered", vertx,
                    new DiskBufferConfig(null, 64L << 20, 1L << 20, "interval", null), dir,
                    List.of(new BufferedFanOut.Downstream(file, new BatchConfig(10, null, 0L))),
                    new SimpleMeterRegistry());
            await(fanOut.start());
            List<String> sent = new ArrayList<>();
            for (int b = 0; b < 50; b++) {
                List<byte[]> documents = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String doc = "{\"n\":" + (b * 20 + i) + "}";
                    sent.add(doc);
                    documents.add(doc.getBytes(StandardCharsets.UTF_8));
                }
                await(fanOut.write(new EventBatch(documents)));
            }
            DiskBuffer buffer = fanOut.buffer();
            waitFor("the cursor to commit the end", () -> buffer.cursor("file").committedPosition() == buffer.endPosition());
            assertThat(Files.readAllLines(out)).containsExactlyElementsOf(sent);
            assertThat(Files.readString(dir.resolve("buffer/cursors/file.cursor")).trim())
                    .isEqualTo(Long.toString(buffer.endPosition()));
            await(fanOut.stop());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void cursorCommitsThatFailWhileDeliveryGoesOnCatchUpOnceTheyWorkAgain() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Path out = dir.resolve("out.ndjson");
            FileOutput file = new FileOutput("file", new FileOutputConfig(out.toString(), 1L << 30, 2, "batch"), vertx);
            BufferedFanOut fanOut = BufferedFanOut.open("buffered", vertx,
                    new DiskBufferConfig(null, 64L << 20, 1L << 20, "interval", null), dir,
                    List.of(new BufferedFanOut.Downstream(file, new BatchConfig(10, null, 0L))),
                    new SimpleMeterRegistry());
            await(fanOut.start());
            // Cursor commits fail from now on: their directory is replaced by a plain file.
            Path cursors = dir.resolve("buffer/cursors");
            Path saved = dir.resolve("cursors-saved");
            Files.move(cursors, saved);
            Files.writeString(cursors, "not a directory");
            List<String> sent = new ArrayList<>();
            for (int b = 0; b < 20; b++) {
                List<byte[]> documents = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String doc = "{\"n\":" + (b * 20 + i) + "}";
                    sent.add(doc);
                    documents.add(doc.getBytes(StandardCharsets.UTF_8));
                }
                await(fanOut.write(new EventBatch(documents)));
            }
            DiskBuffer buffer = fanOut.buffer();
            // Delivery does not wait for the commits: every document reaches the file while none is committed.
            waitFor("every document delivered", () -> lineCount(out) == sent.size());
            assertThat(buffer.cursor("file").committedPosition()).isLessThan(buffer.endPosition());
            // Commits work again: the armed retry commits the newest delivered position.
            Files.delete(cursors);
            Files.move(saved, cursors);
            waitFor("the cursor to commit the end after the retry",
                    () -> buffer.cursor("file").committedPosition() == buffer.endPosition());
            assertThat(Files.readAllLines(out)).containsExactlyElementsOf(sent);
            await(fanOut.stop());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static long lineCount(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for " + what).isLessThan(deadline);
            Thread.sleep(20); // polling interval of a condition with a deadline
        }
    }
}
