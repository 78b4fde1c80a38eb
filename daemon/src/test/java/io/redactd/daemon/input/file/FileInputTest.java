package io.redactd.daemon.input.file;

import io.redactd.daemon.pipeline.ContentValue;
import io.redactd.daemon.pipeline.RawEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FileInputTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    @TempDir
    Path state;

    private FileInputConfig config() {
        return FileInputConfig.of("app", List.of(dir + "/*.log")).withTimings(50, 100, 200);
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void tailsExistingAppendedAndNewFilesWithTheirMetadata() throws IOException {
        Path a = dir.resolve("a.log");
        append(a, "first\nsecond\n");
        Files.writeString(dir.resolve("ignored.txt"), "not matched\n");
        try (InputHarness h = new InputHarness(config(), state, new CollectingSink(false))) {
            Await.until("two lines", WAIT, () -> h.sink.count() == 2);
            RawEvent second = h.sink.events().get(1);
            assertThat(new String(second.message(), StandardCharsets.UTF_8)).isEqualTo("second");
            assertThat(second.fields()).containsEntry("log.file.path", new ContentValue(a.toString()))
                    .containsEntry("log.offset", 6L).containsEntry("event.dataset", "app")
                    .doesNotContainKey("log.flags");
            assertThat(second.position()).isEqualTo(13L);

            append(a, "third\n");
            Path b = dir.resolve("b.log");
            append(b, "in b\n");
            Await.until("appended and new file", WAIT, () -> h.sink.count() == 4);
            assertThat(h.sink.messages()).containsExactlyInAnyOrder("first", "second", "third", "in b");
            assertThat(h.input.openFiles()).isEqualTo(2);
            Await.until("lag drains", WAIT, () -> h.input.tailLagBytes() == 0);
            h.stop();
        }
    }

    @Test
    void filesBeyondTheOpenFileBudgetWaitCountedAndAreReadOnceTailedFilesAreLetGo() throws IOException {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            append(dir.resolve("f" + i + ".log"), "a" + i + "\nb" + i + "\n");
            all.addAll(List.of("a" + i, "b" + i));
        }
        FdBudget budget = FdBudget.ofFiles(20);
        try (InputHarness h = new InputHarness(config(), state, new CollectingSink(false), budget)) {
            Await.until("the files that fit", WAIT, () -> h.sink.count() == 40);
            Await.until("the rest counted as waiting", WAIT, () -> h.gauge("redactd.file.waiting") == 10);
            assertThat(h.input.openFiles()).isEqualTo(20);
            assertThat(budget.open()).isEqualTo(20);
            assertThat(h.count("redactd.input.errors", "reason", "too_many_open_files")).isGreaterThanOrEqualTo(1);
            Await.holdsFor("nothing opened beyond the budget", Duration.ofMillis(400),
                    () -> h.input.openFiles() == 20 && h.sink.count() == 40 ? null : h.input.describeFiles().toString());
            // Tailed files that are deleted are read to their end and let go: their descriptors go to the waiting.
            for (String open : h.input.tailLagByPath().keySet()) {
                Files.delete(Path.of(open));
            }
            Await.until("every file read", WAIT, () -> h.sink.count() == 60);
            assertThat(h.sink.messages()).containsExactlyInAnyOrderElementsOf(all);
            Await.until("nothing waits", WAIT, () -> h.gauge("redactd.file.waiting") == 0);
            h.stop();
        }
        assertThat(budget.open()).as("descriptors given back at stop").isZero();
    }

    @Test
    void resumesFromTheCheckpointAfterAStopWithoutDuplicates() throws IOException {
        Path a = dir.resolve("a.log");
        append(a, "one\ntwo\n");
        InputHarness first = new InputHarness(config(), state, new CollectingSink(false));
        Await.until("two lines", WAIT, () -> first.sink.count() == 2);
        first.stop();

        append(a, "three\n");
        try (InputHarness second = new InputHarness(config(), state, new CollectingSink(false))) {
            Await.until("the new line", WAIT, () -> second.sink.count() == 1);
            second.stop();
            assertThat(second.sink.messages()).containsExactly("three");
        }
    }

    @Test
    void startAtEndSkipsExistingContentOfFilesPresentAtStartOnly() throws IOException {
        Path a = dir.resolve("a.log");
        append(a, "old\nold\n");
        FileInputConfig cfg = config().withStartAt(FileInputConfig.StartAt.END);
        try (InputHarness h = new InputHarness(cfg, state, new CollectingSink(false))) {
            append(a, "new\n");
            append(dir.resolve("later.log"), "from a file created later\n");
            Await.until("two lines", WAIT, () -> h.sink.count() == 2);
            assertThat(h.sink.messages()).containsExactlyInAnyOrder("new", "from a file created later");
            h.stop();
        }
    }

    @Test
    void backPressureStopsReadingAtTheBoundAndLosesNothingWhenReleased() throws IOException {
        Path a = dir.resolve("a.log");
        StringBuilder text = new StringBuilder();
        int lines = 50_000;
        for (int i = 0; i < lines; i++) {
            text.append(RotatingLogWriter.line(i)).append('\n');
        }
        append(a, text.toString());
        FileInputConfig cfg = config().withBatching(100, 1 << 20, 3);
        try (InputHarness h = new InputHarness(cfg, state, new CollectingSink(true))) {
            Await.until("three batches in flight", WAIT, () -> h.sink.heldBatches() == 3);
            // Reading must stay stopped: no fourth batch, and only a bounded amount of the file read.
            Await.holdsFor("bounded in-flight", Duration.ofMillis(600), () -> {
                if (h.sink.batches() != 3) {
                    return h.sink.batches() + " batches submitted";
                }
                double read = h.count("redactd.file.read.bytes");
                return read > 3 * Tailer.CHUNK_BYTES ? read + " bytes read" : null;
            });
            assertThat(h.input.tailLagBytes()).isGreaterThan(0);
            h.sink.release();
            Await.until("all lines", WAIT, () -> h.sink.count() == lines);
            List<String> messages = h.sink.messages();
            for (int i = 0; i < lines; i++) {
                assertThat(RotatingLogWriter.number(messages.get(i))).isEqualTo(i);
            }
            h.stop();
        }
    }

    @Test
    void aTenMegabyteLineIsSplitFlaggedAndComplete() throws IOException {
        Path a = dir.resolve("big.log");
        byte[] big = new byte[10 * 1024 * 1024];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        try (FileChannel ch = FileChannel.open(a, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(big));
            ch.write(java.nio.ByteBuffer.wrap("\nafter\n".getBytes(StandardCharsets.US_ASCII)));
        }
        int pieces = (big.length + FileInputConfig.DEFAULT_MAX_LINE_BYTES - 1) / FileInputConfig.DEFAULT_MAX_LINE_BYTES;
        try (InputHarness h = new InputHarness(config(), state, new CollectingSink(false))) {
            Await.until("pieces and the next line", WAIT, () -> h.sink.count() == pieces + 1);
            java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
            long expectedOffset = 0;
            for (int i = 0; i < pieces; i++) {
                RawEvent e = h.sink.events().get(i);
                assertThat(e.fields().get("log.flags")).isEqualTo(List.of("split"));
                assertThat(e.fields().get("log.offset")).isEqualTo(expectedOffset);
                assertThat(e.message().length).isLessThanOrEqualTo(FileInputConfig.DEFAULT_MAX_LINE_BYTES);
                expectedOffset += e.message().length;
                joined.writeBytes(e.message());
            }
            assertThat(joined.toByteArray()).isEqualTo(big);
            RawEvent after = h.sink.events().get(pieces);
            assertThat(new String(after.message(), StandardCharsets.US_ASCII)).isEqualTo("after");
            assertThat(after.fields()).doesNotContainKey("log.flags");
            assertThat(h.count("redactd.input.errors", "reason", "line_too_long")).isEqualTo(pieces);
            h.stop();
        }
    }

    @Test
    void binaryGarbageAndInvalidUtf8PassThroughByteForByte() throws IOException {
        java.util.Random random = new java.util.Random(42);
        byte[] garbage = new byte[300_000];
        random.nextBytes(garbage);
        for (int i = 0; i < garbage.length; i++) {
            if (garbage[i] == '\r') {
                garbage[i] = 0; // CR before LF is stripped as a line ending; keep the comparison exact
            }
        }
        byte[] invalidUtf8 = {(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xED, (byte) 0xA0, (byte) 0x80, '\n'};
        Path a = dir.resolve("bin.log");
        try (FileChannel ch = FileChannel.open(a, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(invalidUtf8));
            ch.write(java.nio.ByteBuffer.wrap(garbage));
            ch.write(java.nio.ByteBuffer.wrap(new byte[]{'\n'}));
        }
        int expectedLines = 1;
        for (byte b : garbage) {
            expectedLines += b == '\n' ? 1 : 0;
        }
        int lines = expectedLines + 1;
        try (InputHarness h = new InputHarness(config(), state, new CollectingSink(false))) {
            Await.until("every line", WAIT, () -> h.sink.count() == lines);
            assertThat(h.sink.events().get(0).message()).isEqualTo(java.util.Arrays.copyOf(invalidUtf8, 7));
            java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
            for (int i = 1; i < lines; i++) {
                joined.writeBytes(h.sink.events().get(i).message());
                if (i < lines - 1) {
                    joined.write('\n');
                }
            }
            assertThat(joined.toByteArray()).isEqualTo(garbage);
            h.stop();
        }
    }

    @Test
    void aFileDeletedWhileBeingReadIsReadToItsEndAndLetGo() throws IOException {
        Path a = dir.resolve("doomed.log");
        StringBuilder text = new StringBuilder();
        int lines = 20_000;
        for (int i = 0; i < lines; i++) {
            text.append(RotatingLogWriter.line(i)).append('\n');
        }
        append(a, text.toString());
        FileInputConfig cfg = config().withBatching(100, 1 << 20, 2);
        try (InputHarness h = new InputHarness(cfg, state, new CollectingSink(true))) {
            Await.until("reading started", WAIT, () -> h.sink.heldBatches() == 2);
            Files.delete(a);
            h.sink.release();
            Await.until("all lines", WAIT, () -> h.sink.count() == lines);
            Await.until("file let go", WAIT, () -> h.input.openFiles() == 0);
            assertThat(h.count("redactd.file.released")).isEqualTo(1);
            assertThat(RotatingLogWriter.number(h.sink.messages().get(lines - 1))).isEqualTo(lines - 1);
            h.stop();
        }
    }

    @Test
    void sameInodeWithDifferentContentIsReadFromTheStart() throws IOException {
        // A file replaced while the input was stopped, keeping the inode (truncated and rewritten longer, or a
        // deleted file's inode reused): the checkpoint's device+inode match but the head fingerprint does not.
        Path a = dir.resolve("a.log");
        append(a, "old content line\n");
        InputHarness first = new InputHarness(config(), state, new CollectingSink(false));
        Await.until("first line", WAIT, () -> first.sink.count() == 1);
        first.stop();

        long inode = (Long) Files.getAttribute(a, "unix:ino");
        try (FileChannel ch = FileChannel.open(a, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        append(a, "NEW first line, longer than the old offset\nnew second\n");
        assertThat((Long) Files.getAttribute(a, "unix:ino")).isEqualTo(inode);
        try (InputHarness second = new InputHarness(config(), state, new CollectingSink(false))) {
            Await.until("both new lines", WAIT, () -> second.sink.count() == 2);
            assertThat(second.sink.messages()).containsExactly("NEW first line, longer than the old offset",
                    "new second");
            assertThat(second.count("redactd.file.inode.reuse")).isEqualTo(1);
            second.stop();
        }
    }

    @Test
    void copytruncateWhileRunningLosesNothingAndFindsTheCopy() throws IOException {
        Path a = dir.resolve("a.log");
        append(a, "before-1\nbefore-2\n");
        try (InputHarness h = new InputHarness(config().withBatching(1, 1 << 20, 1), state,
                new CollectingSink(true))) {
            Await.until("first batch", WAIT, () -> h.sink.heldBatches() == 1);
            // While the input is blocked after line 1, more is written, then copy + truncate + new writes.
            append(a, "before-3\n");
            Files.copy(a, dir.resolve("a.log.1"));
            try (FileChannel ch = FileChannel.open(a, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            append(a, "after-1 with a longer text so the file regrows past the old offset\n");
            h.sink.release();
            Await.until("all lines", WAIT, () -> h.sink.messages().containsAll(
                    List.of("before-1", "before-2", "before-3",
                            "after-1 with a longer text so the file regrows past the old offset")));
            assertThat(h.count("redactd.file.truncations")).isEqualTo(1);
            assertThat(h.count("redactd.file.truncations.copy.found")).isEqualTo(1);
            assertThat(h.sink.messages()).doesNotHaveDuplicates();
            h.stop();
        }
    }

    @Test
    void renamedFileIsReadToItsEndWhileTheNewFileIsTailed() throws IOException {
        Path a = dir.resolve("a.log");
        append(a, "1\n");
        try (InputHarness h = new InputHarness(config(), state, new CollectingSink(false))) {
            Await.until("first line", WAIT, () -> h.sink.count() == 1);
            Path rotated = dir.resolve("a.log.1");
            Files.move(a, rotated);
            append(rotated, "2 written to the renamed file\n");
            append(a, "3 in the new file\n");
            Await.until("both", WAIT, () -> h.sink.count() == 3);
            assertThat(h.sink.messages()).contains("2 written to the renamed file", "3 in the new file");
            Await.until("renamed file let go", WAIT, () -> h.input.openFiles() == 1);
            h.stop();
        }
    }

    @Test
    void multilineJavaStackTracesBecomeOneEvent() throws IOException {
        Path a = dir.resolve("app.log");
        String trace = String.join("\n",
                "2024-05-01 12:00:00 ERROR request failed java.lang.IllegalStateException: patient 123-45-",
                "\tat com.example.Handler.handle(Handler.java:42)",
                "Caused by: java.io.IOException: 6789 refused",
                "\t... 3 more");
        append(a, trace + "\n2024-05-01 12:00:01 INFO next\n");
        FileInputConfig cfg = config().withMultiline(FileInputConfig.Multiline.ofMode("java"));
        try (InputHarness h = new InputHarness(cfg, state, new CollectingSink(false))) {
            Await.until("two events (the last flushed by timeout)", WAIT, () -> h.sink.count() == 2);
            RawEvent first = h.sink.events().get(0);
            assertThat(new String(first.message(), StandardCharsets.UTF_8)).isEqualTo(trace);
            assertThat(first.fields().get("log.flags")).isEqualTo(List.of("multiline"));
            assertThat(first.position()).isEqualTo(trace.length() + 1);
            assertThat(h.sink.messages().get(1)).isEqualTo("2024-05-01 12:00:01 INFO next");
            h.stop();
        }
    }

    @Test
    void kubernetesCriAndDockerFilesAreDecodedWithFormatAuto() throws IOException {
        append(dir.resolve("cri.log"), String.join("\n",
                "2024-01-01T00:00:00.123456789Z stdout P first half ",
                "2024-01-01T00:00:00.2Z stdout F second half",
                "2024-01-01T00:00:01Z stderr F on stderr", ""));
        append(dir.resolve("docker.log"), String.join("\n",
                "{\"log\":\"part \\\"a\\\" \",\"stream\":\"stdout\",\"time\":\"2024-01-01T00:00:02.5Z\"}",
                "{\"log\":\"part b\\n\",\"stream\":\"stdout\",\"time\":\"2024-01-01T00:00:02.6Z\"}", ""));
        FileInputConfig cfg = config().withFormat(FileInputConfig.Format.AUTO);
        try (InputHarness h = new InputHarness(cfg, state, new CollectingSink(false))) {
            Await.until("three events", WAIT, () -> h.sink.count() == 3);
            List<String> got = new ArrayList<>();
            for (RawEvent e : h.sink.events()) {
                got.add(new String(e.message(), StandardCharsets.UTF_8) + "|" + e.fields().get("stream") + "|"
                        + e.timestampMs());
            }
            assertThat(got).containsExactlyInAnyOrder(
                    "first half second half|stdout|1704067200123",
                    "on stderr|stderr|1704067201000",
                    "part \"a\" part b|stdout|1704067202500");
            h.stop();
        }
    }

    @Test
    void filesRotatedWhileStoppedAreFoundAndRead() throws IOException {
        Path a = dir.resolve("app.log");
        append(a, "gen1 line1\n");
        InputHarness first = new InputHarness(config(), state, new CollectingSink(false));
        Await.until("first line", WAIT, () -> first.sink.count() == 1);
        first.stop();

        // While stopped: gen1 gets a last line and is rotated; gen2 is written and rotated too (never seen by us).
        append(a, "gen1 line2\n");
        Files.move(a, dir.resolve("app.log.1"));
        append(a, "gen2 only line\n");
        Files.move(dir.resolve("app.log.1"), dir.resolve("app.log.2"));
        Files.move(a, dir.resolve("app.log.1"));
        Files.writeString(dir.resolve("app.log.3.gz"), "compressed generations are not read\n");
        append(a, "gen3 line\n");

        try (InputHarness second = new InputHarness(config(), state, new CollectingSink(false))) {
            Await.until("three lines", WAIT, () -> second.sink.count() == 3);
            assertThat(second.sink.messages()).containsExactlyInAnyOrder("gen1 line2", "gen2 only line", "gen3 line");
            assertThat(second.count("redactd.file.recovered")).isEqualTo(2);
            Await.until("rotated files let go", WAIT, () -> second.input.openFiles() == 1);
            second.stop();
            assertThat(second.sink.messages()).hasSize(3);
        }
    }

    @Test
    void stopWaitsForInFlightBatchesAndCommitsTheirOffsets() throws IOException {
        Path a = dir.resolve("a.log");
        append(a, "one\ntwo\nthree\n");
        InputHarness h = new InputHarness(config().withBatching(1, 1 << 20, 2), state, new CollectingSink(true));
        Await.until("two batches held", WAIT, () -> h.sink.heldBatches() == 2);
        io.vertx.core.Future<Void> stopped = h.input.stop();
        Await.holdsFor("stop waits for the acknowledgements", java.time.Duration.ofMillis(300),
                () -> stopped.isComplete() ? "stop completed with batches unacknowledged" : null);
        h.sink.release();
        InputHarness.await(stopped);
        h.close();
        assertThat(h.sink.messages()).containsExactly("one", "two");
        java.util.Map<String, Checkpoints.Entry> saved = new Checkpoints(state, "app").load();
        assertThat(saved.values()).singleElement().satisfies(e -> {
            assertThat(e.offset()).isEqualTo(8); // just past "two\n": "three" was never handed on
            assertThat(e.path()).isEqualTo(a.toString());
        });
    }

    @Test
    void aFailedBatchIsRetriedInOrderAndNotCommittedBeforeIt() throws IOException {
        Path a = dir.resolve("a.log");
        append(a, "one\ntwo\n");
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.redactd.daemon.pipeline.EventSink flaky = batch -> {
            if (calls.getAndIncrement() == 0) {
                return io.vertx.core.Future.failedFuture(new IllegalStateException("buffer full"));
            }
            batch.events().forEach(e -> got.add(new String(e.message(), StandardCharsets.UTF_8)));
            return io.vertx.core.Future.succeededFuture();
        };
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        try {
            FileInput input = new FileInput(vertx, config(), flaky, state, meters);
            InputHarness.await(input.start());
            Await.until("delivered after the retry", WAIT, () -> got.size() == 2);
            assertThat(got).containsExactly("one", "two");
            assertThat(meters.find("redactd.file.sink.failures").counter().count()).isEqualTo(1);
            InputHarness.await(input.stop());
            assertThat(new Checkpoints(state, "app").load().values()).singleElement()
                    .extracting(Checkpoints.Entry::offset).isEqualTo(8L);
        } finally {
            InputHarness.await(vertx.close());
        }
    }

    @Test
    void aFifoMatchedByTheGlobIsCountedAndSkippedWhileOtherFilesAreTailed() throws Exception {
        Path fifo = dir.resolve("pipe.log");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        append(dir.resolve("real.log"), "still tailed\n");
        try (InputHarness h = new InputHarness(config(), state, new CollectingSink(false))) {
            Await.until("the regular file's line", WAIT, () -> h.sink.count() == 1);
            assertThat(h.count("redactd.input.errors", "reason", "not_regular_file")).isEqualTo(1);
            append(dir.resolve("real.log"), "and more\n");
            Await.until("more lines after several scans", WAIT, () -> h.sink.count() == 2);
            assertThat(h.count("redactd.input.errors", "reason", "not_regular_file")).as("counted once").isEqualTo(1);
            h.stop();
        }
    }

    @Test
    void aDeletedFilesInodeReusedByANewFileDoesNotSkipItsStart() throws IOException {
        Path a = dir.resolve("a.log");
        append(a, "old content line\n");
        InputHarness first = new InputHarness(config(), state, new CollectingSink(false));
        Await.until("first line", WAIT, () -> first.sink.count() == 1);
        first.stop();

        long oldInode = (Long) Files.getAttribute(a, "unix:ino");
        Files.delete(a);
        append(a, "NEW first line, longer than the old offset\nnew second\n");
        boolean reused = (Long) Files.getAttribute(a, "unix:ino") == oldInode; // ext4 usually hands it out again
        try (InputHarness second = new InputHarness(config(), state, new CollectingSink(false))) {
            Await.until("both new lines", WAIT, () -> second.sink.count() == 2);
            assertThat(second.sink.messages()).containsExactly("NEW first line, longer than the old offset",
                    "new second");
            assertThat(second.count("redactd.file.inode.reuse")).isEqualTo(reused ? 1 : 0);
            second.stop();
        }
    }

    @Test
    void aCopytruncateWhileStoppedResumesTheCopyAtTheCheckpointAndRereadsTheFile() throws IOException {
        Path a = dir.resolve("a.log");
        StringBuilder before = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            before.append(RotatingLogWriter.line(i)).append('\n'); // more than the 256 fingerprinted bytes
        }
        append(a, before.toString());
        InputHarness first = new InputHarness(config(), state, new CollectingSink(false));
        Await.until("20 lines", WAIT, () -> first.sink.count() == 20);
        first.stop();

        append(a, RotatingLogWriter.line(20) + "\n" + RotatingLogWriter.line(21) + "\n");
        Files.copy(a, dir.resolve("a.log.1"));
        try (FileChannel ch = FileChannel.open(a, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        append(a, RotatingLogWriter.line(22) + "\n");

        try (InputHarness second = new InputHarness(config(), state, new CollectingSink(false))) {
            Await.until("the lines written while stopped", WAIT, () -> second.sink.count() == 3);
            second.stop();
            assertThat(second.sink.messages()).containsExactlyInAnyOrder(RotatingLogWriter.line(20),
                    RotatingLogWriter.line(21), RotatingLogWriter.line(22));
        }
    }

    /**
     * A starved input: no scan runs while a new generation is created and rotated twice (app.log -> app.log.1 ->
     * app.log.2) and reading is paused by back-pressure. The generation no glob ever matched must still be read.
     */
    @Test
    void aGenerationRenamedTwiceBetweenTwoScansWhileReadingIsPausedIsRead() throws IOException {
        Path a = dir.resolve("app.log");
        append(a, "gen1 line1\ngen1 line2\n");
        try (InputHarness h = new InputHarness(config().withBatching(1, 1 << 20, 1), state,
                new CollectingSink(true))) {
            Await.until("first batch held", WAIT, () -> h.sink.heldBatches() == 1);
            h.input.holdDiscovery(true);
            rotateTwiceWithOneGenerationBetween(a);
            h.input.holdDiscovery(false);
            h.sink.release();
            Await.until("gen1 and gen3 read, rotated files let go", WAIT, () -> h.sink.messages().containsAll(
                    List.of("gen1 line1", "gen1 line2", "gen3 line")) && h.input.openFiles() == 1);
            assertThat(h.sink.messages()).containsExactlyInAnyOrder("gen1 line1", "gen1 line2", "gen2 only line",
                    "gen3 line");
            assertThat(h.count("redactd.file.recovered")).isEqualTo(1);
            h.stop();
        }
    }

    /**
     * The same missed generation, last written before the input's last checkpoint (stopped, or killed, before any
     * scan saw it): the restart must read it although it is older than that checkpoint.
     */
    @Test
    void aGenerationMissedBeforeTheLastCheckpointIsReadAfterARestart() throws IOException {
        Path a = dir.resolve("app.log");
        append(a, "gen1 line\n");
        InputHarness first = new InputHarness(config(), state, new CollectingSink(false));
        Await.until("first line", WAIT, () -> first.sink.count() == 1);
        first.input.holdDiscovery(true);
        rotateTwiceWithOneGenerationBetween(a);
        long gen2Written = Files.getLastModifiedTime(dir.resolve("app.log.1")).toMillis();
        Await.until("the clock past gen2's last write", WAIT, () -> System.currentTimeMillis() > gen2Written + 1);
        first.stop();
        assertThat(Files.getLastModifiedTime(state.resolve("file-app.json")).toMillis())
                .as("the last checkpoint is newer than gen2").isGreaterThan(gen2Written);

        try (InputHarness second = new InputHarness(config(), state, new CollectingSink(false))) {
            Await.until("gen3 read, rotated files let go", WAIT, () -> second.sink.messages().contains("gen3 line")
                    && second.input.openFiles() == 1);
            assertThat(second.sink.messages()).containsExactlyInAnyOrder("gen2 only line", "gen3 line");
            second.stop();
        }
    }

    @Test
    void rotatedGenerationsLastWrittenBeforeTheFirstRunAreNotRead() throws IOException {
        Path old = dir.resolve("app.log.1");
        append(old, "history from before the first run\n");
        Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        append(dir.resolve("app.log"), "current\n");
        try (InputHarness h = new InputHarness(config(), state, new CollectingSink(false))) {
            Await.until("the current line", WAIT, () -> h.sink.count() == 1);
            long scans = h.input.discoveries();
            Await.until("two more scans", WAIT, () -> h.input.discoveries() >= scans + 2);
            h.stop();
            assertThat(h.sink.messages()).containsExactly("current");
            assertThat(h.count("redactd.file.recovered")).isZero();
        }
        // Nor after a restart, when the state knows when the input first ran.
        try (InputHarness h = new InputHarness(config(), state, new CollectingSink(false))) {
            long scans = h.input.discoveries();
            Await.until("two more scans", WAIT, () -> h.input.discoveries() >= scans + 2);
            h.stop();
            assertThat(h.sink.count()).isZero();
        }
    }

    /**
     * logrotate's copytruncate seen half way by a scan: the copy exists but is still empty when a scan runs. It must
     * not pass for a generation never read (read from 0: every line twice); the truncation handling finds it.
     */
    @Test
    void aCopyStillBeingWrittenIsNotTakenForANewGeneration() throws IOException {
        Path a = dir.resolve("a.log");
        StringBuilder before = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            before.append(RotatingLogWriter.line(i)).append('\n'); // more than the 256 fingerprinted bytes
        }
        append(a, before.toString());
        try (InputHarness h = new InputHarness(config().withBatching(1, 1 << 20, 1), state,
                new CollectingSink(true))) {
            Await.until("first batch held", WAIT, () -> h.sink.heldBatches() == 1);
            Path copy = Files.createFile(dir.resolve("a.log.1"));
            long scans = h.input.discoveries();
            Await.until("two scans with the copy empty", WAIT, () -> h.input.discoveries() >= scans + 2);
            Files.write(copy, Files.readAllBytes(a), StandardOpenOption.APPEND);
            try (FileChannel ch = FileChannel.open(a, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            append(a, RotatingLogWriter.line(20) + " written after the truncation, longer than before\n");
            h.sink.release();
            Await.until("all 21 lines", WAIT, () -> h.sink.count() >= 21 && h.input.openFiles() == 1);
            assertThat(h.sink.messages()).doesNotHaveDuplicates().hasSize(21);
            assertThat(h.count("redactd.file.truncations.copy.found")).isEqualTo(1);
            assertThat(h.count("redactd.file.recovered")).isZero();
            h.stop();
        }
    }

    /** app.log (gen1) -> app.log.1; gen2 created; app.log.1 -> app.log.2, app.log (gen2) -> app.log.1; gen3. */
    private void rotateTwiceWithOneGenerationBetween(Path a) throws IOException {
        Files.move(a, dir.resolve("app.log.1"));
        append(a, "gen2 only line\n");
        Files.move(dir.resolve("app.log.1"), dir.resolve("app.log.2"));
        Files.move(a, dir.resolve("app.log.1"));
        append(a, "gen3 line\n");
    }
}
