package io.redactd.outputs.file;

import io.redactd.outputs.ConfigProblem;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.FillingDisk;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class FileOutputTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        await(vertx.close());
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** 100-byte documents, numbered. */
    private static byte[] doc(int n) {
        String head = "{\"n\":" + n + ",\"pad\":\"";
        return (head + "x".repeat(100 - head.length() - 2) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> expected(int from, int to) {
        List<String> l = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            l.add(new String(doc(i), StandardCharsets.UTF_8));
        }
        return l;
    }

    @Test
    void rotatesBySizeKeepingMaxFiles(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("out").resolve("events.ndjson");
        FileOutput out = new FileOutput("t", new FileOutputConfig(path.toString(), 1024L, 2, "batch"), vertx);
        await(out.start());
        assertThat(out.ready()).isTrue();
        for (int b = 0; b < 7; b++) {
            List<byte[]> docs = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                docs.add(doc(b * 5 + i));
            }
            await(out.write(new EventBatch(docs)));
        }
        await(out.stop());
        // 101 bytes per line, 1024 per file: 10 lines each. Of 35 lines the oldest 10 fell off with max_files=2.
        assertThat(Files.readAllLines(path.resolveSibling("events.ndjson.2"))).isEqualTo(expected(11, 20));
        assertThat(Files.readAllLines(path.resolveSibling("events.ndjson.1"))).isEqualTo(expected(21, 30));
        assertThat(Files.readAllLines(path)).isEqualTo(expected(31, 35));
        assertThat(path.resolveSibling("events.ndjson.3")).doesNotExist();
        assertThat(Files.size(path)).isLessThanOrEqualTo(1024);
    }

    @Test
    void appendsAfterRestartAndCountsTheExistingSize(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("events.ndjson");
        FileOutputConfig cfg = new FileOutputConfig(path.toString(), 1024L, 1, "never");
        FileOutput first = new FileOutput("t", cfg, vertx);
        await(first.start());
        await(first.write(new EventBatch(List.of(doc(1), doc(2), doc(3), doc(4), doc(5), doc(6)))));
        await(first.stop());
        FileOutput second = new FileOutput("t", cfg, vertx);
        await(second.start());
        await(second.write(new EventBatch(List.of(doc(7), doc(8), doc(9), doc(10), doc(11)))));
        await(second.stop());
        assertThat(Files.readAllLines(path.resolveSibling("events.ndjson.1"))).isEqualTo(expected(1, 10));
        assertThat(Files.readAllLines(path)).isEqualTo(expected(11, 11));
    }

    @Test
    void aTornLastLineFromACrashIsCutBeforeAppending(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("out.ndjson");
        String whole = new String(doc(1), StandardCharsets.UTF_8) + "\n";
        String torn = new String(doc(2), StandardCharsets.UTF_8).substring(0, 7);
        Files.writeString(path, whole + torn);
        FileOutput out = new FileOutput("t", new FileOutputConfig(path.toString(), null, null, "never"), vertx);
        await(out.start());
        await(out.write(new EventBatch(List.of(doc(2), doc(3)))));
        await(out.stop());
        assertThat(Files.readAllLines(path)).containsExactly(new String(doc(1), StandardCharsets.UTF_8),
                new String(doc(2), StandardCharsets.UTF_8), new String(doc(3), StandardCharsets.UTF_8));
    }

    @Test
    void aDocumentLargerThanTheBufferIsWrittenWhole(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("big.ndjson");
        FileOutput out = new FileOutput("t", new FileOutputConfig(path.toString(), null, null, null), vertx);
        await(out.start());
        byte[] big = ("{\"m\":\"" + "y".repeat(1_000_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        await(out.write(new EventBatch(List.of(doc(1), big, doc(2)))));
        await(out.stop());
        List<String> lines = Files.readAllLines(path);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).hasSize(big.length);
        assertThat(lines.get(2)).isEqualTo(new String(doc(2), StandardCharsets.UTF_8));
    }

    private static List<byte[]> docs(int from, int to) {
        List<byte[]> l = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            l.add(doc(i));
        }
        return l;
    }

    private static FileOutput onDisk(Path path, FillingDisk disk, Vertx vertx) {
        return new FileOutput("t", new FileOutputConfig(path.toString(), null, null, "batch"), vertx,
                p -> disk.wrap(FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND)));
    }

    private static Throwable failureOf(Future<?> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(10, TimeUnit.SECONDS);
    }

    @Test
    void aDiskThatFillsMidBatchLeavesNoPartOfItAndTheRetryWritesEachDocumentOnce(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("out.ndjson");
        FillingDisk disk = new FillingDisk();
        FileOutput out = onDisk(path, disk, vertx);
        await(out.start());
        await(out.write(new EventBatch(docs(1, 5))));
        // 7 whole lines and half of the 8th fit: the disk fills in the middle of a document
        disk.limit(7 * 101 + 50);
        Throwable failure = failureOf(out.write(new EventBatch(docs(6, 25))));
        assertThat(failure).hasMessageContaining("No space left on device").hasMessageContaining("cut off");
        assertThat(disk.refusals()).isEqualTo(1);
        assertThat(out.ready()).isFalse();
        assertThat(out.notReadyReason()).as("/readyz says why").startsWith("write failed since ")
                .contains("No space left on device");
        assertThat(Files.readAllLines(path)).isEqualTo(expected(1, 5));
        disk.free();
        await(out.write(new EventBatch(docs(6, 25)))); // the caller's retry: the same batch
        assertThat(out.ready()).isTrue();
        assertThat(out.notReadyReason()).isNull();
        await(out.write(new EventBatch(docs(26, 27))));
        await(out.stop());
        assertThat(Files.readAllLines(path)).isEqualTo(expected(1, 27));
    }

    @Test
    void whileTheFailedBatchCannotBeCutOffNothingMoreIsWritten(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("out.ndjson");
        FillingDisk disk = new FillingDisk();
        FileOutput out = onDisk(path, disk, vertx);
        await(out.start());
        await(out.write(new EventBatch(docs(1, 2))));
        disk.limit(150);
        disk.failTruncate(true);
        assertThat(failureOf(out.write(new EventBatch(docs(3, 6))))).hasMessageContaining("cutting the partial batch off failed");
        long torn = Files.size(path);
        assertThat(torn).isEqualTo(2 * 101 + 150);
        disk.free();
        // space is back but the fragment is still there: appending now would glue it to the next document
        assertThat(failureOf(out.write(new EventBatch(docs(3, 6))))).hasMessageContaining("cannot be cut back");
        assertThat(Files.size(path)).isEqualTo(torn);
        disk.failTruncate(false);
        await(out.write(new EventBatch(docs(3, 6))));
        await(out.stop());
        assertThat(Files.readAllLines(path)).isEqualTo(expected(1, 6));
    }

    @Test
    void unwritableDirectoryFailsStartWithTheReason(@TempDir Path dir) throws Exception {
        Path blocker = dir.resolve("file");
        Files.writeString(blocker, "");
        FileOutput out = new FileOutput("t", new FileOutputConfig(blocker.resolve("x.ndjson").toString(), null, null, null), vertx);
        Throwable failure = out.start().toCompletionStage().toCompletableFuture().handle((v, e) -> e).get(10, TimeUnit.SECONDS);
        assertThat(failure).isNotNull();
        assertThat(out.ready()).isFalse();
    }

    @Test
    void validationNamesEachBadKey() {
        assertThat(new FileOutputConfig(" ", 10L, -1, "sometimes").validate()).extracting(ConfigProblem::path)
                .containsExactly("path", "max_bytes", "max_files", "fsync");
        assertThat(new FileOutputConfig("/x", null, null, null).validate()).isEmpty();
    }
}
