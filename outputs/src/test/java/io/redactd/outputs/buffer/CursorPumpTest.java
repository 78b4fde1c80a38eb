package io.redactd.outputs.buffer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.delivery.BatchConfig;
import io.redactd.outputs.file.FileOutput;
import io.redactd.outputs.file.FileOutputConfig;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.redactd.outputs.AsyncAssertions.await;
import static io.redactd.outputs.AsyncAssertions.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

/** A local output fed from the buffer: batches go out while earlier cursor commits still run. */
class CursorPumpTest {
    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() throws Exception {
        await(vertx.close());
    }

    @Test
    void everyBatchIsWrittenInOrderAndTheCursorCommitsCatchUpWithTheEnd() throws Exception {
        Path out = dir.resolve("out.ndjson");
        BufferedFanOut fanOut = startedFileFanOut(out);
        List<String> sent = writeBatches(fanOut, 50);
        DiskBuffer buffer = fanOut.buffer();
        waitFor("the cursor to commit the end", () -> buffer.cursor("file").committedPosition() == buffer.endPosition());
        assertThat(Files.readAllLines(out)).containsExactlyElementsOf(sent);
        assertThat(Files.readString(dir.resolve("buffer/cursors/file.cursor")).trim())
                .isEqualTo(Long.toString(buffer.endPosition()));
        await(fanOut.stop());
    }

    @Test
    void cursorCommitsThatFailWhileDeliveryGoesOnCatchUpOnceTheyWorkAgain() throws Exception {
        Path out = dir.resolve("out.ndjson");
        BufferedFanOut fanOut = startedFileFanOut(out);
        // Cursor commits fail from now on: their directory is replaced by a plain file.
        Path cursors = dir.resolve("buffer/cursors");
        Path saved = dir.resolve("cursors-saved");
        Files.move(cursors, saved);
        Files.writeString(cursors, "not a directory");
        List<String> sent = writeBatches(fanOut, 20);
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
    }

    /**
     * A buffer feeding a file output at {@code out}, started. Small batches (10 documents), so many cursor commits are
     * requested while one runs and must coalesce to the newest position.
     */
    private BufferedFanOut startedFileFanOut(Path out) throws Exception {
        FileOutput file = new FileOutput("file", new FileOutputConfig(out.toString(), 1L << 30, 2, "batch"), vertx);
        BufferedFanOut fanOut = BufferedFanOut.open("buffered", vertx,
                new DiskBufferConfig(null, 64L << 20, 1L << 20, "interval", null), dir,
                List.of(new BufferedFanOut.Downstream(file, new BatchConfig(10, null, 0L))), new SimpleMeterRegistry());
        await(fanOut.start());
        return fanOut;
    }

    /** Writes {@code batches} batches of 20 numbered documents; returns them in order. */
    private static List<String> writeBatches(BufferedFanOut fanOut, int batches) throws Exception {
        List<String> sent = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            List<byte[]> documents = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String doc = "{\"n\":" + (b * 20 + i) + "}";
                sent.add(doc);
                documents.add(doc.getBytes(StandardCharsets.UTF_8));
            }
            await(fanOut.write(new EventBatch(documents)));
        }
        return sent;
    }

    private static long lineCount(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
