package io.redactd.daemon.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import io.redactd.daemon.integrity.VerifyCli.Result;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.file.FileOutput;
import io.redactd.outputs.file.FileOutputConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator has of the file output after rotation: the real chain written through the real {@link FileOutput}
 * with a small max_bytes and max_files, so the oldest files were deleted; verify reads the retained files in rotation
 * order.
 */
class RotatedSetVerifyTest {
    private static final long T0 = 1_795_000_000_000L;
    private static final int MAX_FILES = 12;

    @TempDir
    static Path dir;
    private static final Vertx VERTX = Vertx.vertx();
    private static Path key;
    private static Path base;
    private static long firstRetainedSeq;
    private static long lastSeq;

    @BeforeAll
    static void writeRotatedSet() throws Exception {
        Path state = dir.resolve("state");
        key = VerifyCli.auditorKey(state, dir.resolve("auditor.key"));

        base = dir.resolve("out").resolve("out.ndjson");
        Files.createDirectories(base.getParent());
        FileOutput out = new FileOutput("file", new FileOutputConfig(base.toString(), 8_000L, MAX_FILES, "never"),
                VERTX);
        await(out.start());
        HashChain chain = HashChain.open(state, "web-01", new CheckpointPolicy(40, 3_600_000), T0);
        for (int batch = 0; batch < 60; batch++) {
            List<byte[]> docs = new ArrayList<>();
            for (byte[] c; (c = chain.pollControlEvent(T0)) != null; ) {
                docs.add(c);
            }
            for (int i = 0; i < 10; i++) {
                docs.add(chain.append(("{\"@timestamp\":\"2026-11-18T11:06:40.000Z\",\"message\":\"GET /orders/"
                        + (batch * 10 + i) + " 200 [REDACTED:SSN]\"}").getBytes(StandardCharsets.UTF_8)));
            }
            for (byte[] c; (c = chain.pollControlEvent(T0)) != null; ) {
                docs.add(c);
            }
            await(out.write(new EventBatch(docs)));
            chain.commit();
        }
        byte[] last = chain.finalCheckpoint(T0);
        if (last != null) { // null when the last batch ended on a periodic checkpoint
            await(out.write(new EventBatch(List.of(last))));
            chain.commit();
        }
        await(out.stop());
        lastSeq = chain.lastSeq();

        assertThat(Files.exists(base.resolveSibling("out.ndjson." + MAX_FILES))).isTrue();
        assertThat(Files.exists(base.resolveSibling("out.ndjson." + (MAX_FILES + 1)))).as("rotated away").isFalse();
        firstRetainedSeq = Tampering.seqOf(Files.readAllLines(base.resolveSibling("out.ndjson." + MAX_FILES)).get(0));
        assertThat(firstRetainedSeq).as("older files were deleted").isGreaterThan(1);
    }

    @AfterAll
    static void closeVertx() throws Exception {
        await(VERTX.close());
    }

    private static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static Result verify(List<String> args) {
        return VerifyCli.verify(key, args);
    }

    /** The retained files as a shell glob gives them: sorted as strings (.1 .10 .11 .12 .2 ...). */
    private static List<String> globbed() throws Exception {
        try (Stream<Path> files = Files.list(base.getParent())) {
            return files.map(Path::toString).sorted(Comparator.naturalOrder()).toList();
        }
    }

    @Test
    void theRetainedFilesInGlobOrderVerifyWithRetainedFromTheirFirstSeq() throws Exception {
        List<String> args = new ArrayList<>(globbed());
        assertThat(args.get(1)).as("a glob sorts .10 before .2").endsWith("out.ndjson.1");
        args.add("--retained");
        Result r = verify(args);
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("files, read in this order (oldest first): " + base + "." + MAX_FILES + ", "
                        + base + "." + (MAX_FILES - 1))
                .contains(base + ".1, " + base + "\n")
                .contains("seq " + firstRetainedSeq + ".." + lastSeq)
                .contains("note: begins at seq " + firstRetainedSeq + ": events seq 1.." + (firstRetainedSeq - 1)
                        + " are not in the input (rotated away or not exported?)")
                .contains("sealed from seq " + firstRetainedSeq + " through seq " + (lastSeq - 1))
                .contains("RESULT: INTACT").doesNotContain("reordered").doesNotContain("deleted");
    }

    @Test
    void rotatedFindsTheSiblingsOfTheBasePath() {
        Result r = verify(List.of(base.toString(), "--rotated", "--retained"));
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("files, read in this order (oldest first): " + base + "." + MAX_FILES)
                .contains("RESULT: INTACT");
    }

    @Test
    void withoutRetainedTheMissingStartIsStillADeletionThatSaysWhatToDo() {
        Result r = verify(List.of(base.toString(), "--rotated"));
        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        assertThat(r.out()).contains("TAMPERED: deleted at seq 1: events seq 1.." + (firstRetainedSeq - 1)
                + " are missing").contains("verify with --retained");
    }

    @Test
    void aFileRemovedFromTheMiddleOfTheSetIsADeletionEvenWithRetained() throws Exception {
        List<String> args = new ArrayList<>(globbed());
        String middle = base + ".6";
        long firstMissing = Tampering.seqOf(Files.readAllLines(Path.of(middle)).get(0));
        args.remove(middle);
        args.add("--retained");
        Result r = verify(args);
        assertThat(r.exit()).as(r.out()).isEqualTo(1);
        assertThat(r.out()).contains("TAMPERED: deleted at seq " + firstMissing);
    }

    @Test
    void rotationOrderIsNumericOldestFirstAndKeepsOtherFilesInPlace() {
        List<Path> given = List.of(Path.of("a/out.ndjson"), Path.of("a/out.ndjson.10"), Path.of("export.ndjson"),
                Path.of("a/out.ndjson.2"), Path.of("a/out.ndjson.1"));
        assertThat(NdjsonFileSource.rotationOrder(given)).containsExactly(Path.of("a/out.ndjson.10"),
                Path.of("a/out.ndjson.2"), Path.of("a/out.ndjson.1"), Path.of("a/out.ndjson"),
                Path.of("export.ndjson"));
    }
}
