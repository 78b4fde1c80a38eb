package io.redactd.daemon.cli;

import io.redactd.daemon.input.file.Await;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.redactd.daemon.integrity.Tampering.checkpointIndexes;
import static io.redactd.daemon.integrity.Tampering.indexOfSeq;
import static io.redactd.daemon.integrity.Tampering.parse;
import static io.redactd.daemon.integrity.Tampering.rehash;
import static io.redactd.daemon.integrity.Tampering.seqOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The integrity chain as the running daemon writes it: {@code redactd run} (stdin -> disk buffer -> file output) as a
 * real process, then {@code redactd verify} on what it wrote. Restarts continue the chain; a SIGKILL leaves a stream
 * that still verifies (replayed events show up as duplicates, not as tampering).
 */
class ChainedDaemonIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static void poll(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for " + what).isLessThan(deadline);
            Thread.sleep(20); // polling interval of a condition with a deadline
        }
    }

    /** Whether the last 64 KiB of {@code file} contain {@code marker} (the file grows to megabytes: no full reads). */
    private static boolean tailContains(Path file, String marker) {
        try (var ch = java.nio.channels.FileChannel.open(file)) {
            long size = ch.size();
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(size, 64 * 1024));
            ch.read(buf, size - buf.capacity());
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).contains(marker);
        } catch (IOException e) {
            return false;
        }
    }

    /** Event lines; every 4th carries a synthetic SSN (valid area rules) so redaction is exercised too. */
    private static byte[] input(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i <= to; i++) {
            sb.append("run event ").append(i).append(i % 4 == 0 ? " patient ssn 123-45-6789" : " GET /health 200")
                    .append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A running daemon fed on stdin; {@link #stop} sends SIGTERM (drain) or SIGKILL. */
    private static final class Run implements AutoCloseable {
        final Process process;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final OutputStream stdin;

        Run(Path config) throws IOException {
            process = RedactdProcess.builder("run", "--config", config.toString()).start();
            RedactdProcess.drain(process.getErrorStream(), err);
            RedactdProcess.drain(process.getInputStream(), OutputStream.nullOutputStream());
            stdin = process.getOutputStream();
        }

        void feed(byte[] data) throws IOException {
            stdin.write(data);
            stdin.flush();
        }

        int stop(String signal) throws Exception {
            assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor()).isZero();
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("exited after SIG" + signal).isTrue();
            return process.exitValue();
        }

        String log() {
            return err.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static Path config(Path dir, Path out) throws IOException {
        Path cfg = dir.resolve("redactd.yaml");
        Files.writeString(cfg, """
                inputs:
                  - id: in
                    type: stdin
                outputs:
                  - id: ndjson
                    type: file
                    path: %s
                integrity:
                  stream_name: it-host
                  checkpoint_events: 500
                buffer:
                  max_bytes: 8388608
                admin:
                  enabled: false
                state_dir: %s
                """.formatted(out, dir.resolve("state")));
        return cfg;
    }

    private static Path keygen(Path dir) throws Exception {
        RedactdProcess.Result r = RedactdProcess.run("keygen", "--state-dir=" + dir.resolve("state"));
        assertThat(r.exit()).as(r.stderr()).isZero();
        String keyLine = r.stdout().lines().filter(l -> l.startsWith("verification-key=")).findFirst().orElseThrow();
        Path keyFile = dir.resolve("verification.key");
        Files.writeString(keyFile, keyLine + "\n");
        return keyFile;
    }

    private static RedactdProcess.Result verify(Path keyFile, Path file) throws Exception {
        return RedactdProcess.run("verify", "--no-progress", "--key-file", keyFile.toString(), file.toString());
    }

    /** Runs until the output holds event {@code last} (the last fed), then drains on SIGTERM. */
    private static void runToCompletion(Path cfg, Path out, byte[] data, int last) throws Exception {
        try (Run run = new Run(cfg)) {
            run.feed(data);
            String marker = "\"run event " + last + " ";
            poll("event " + last + " in the output", Duration.ofSeconds(30), () -> tailContains(out, marker));
            assertThat(run.stop("TERM")).as(run.log()).isZero();
            assertThat(run.log()).doesNotContain("123-45-6789");
        }
    }

    private static List<JsonNode> events(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            docs.add(JSON.readTree(line));
        }
        return docs;
    }

    @Test
    void chainContinuesAcrossRestartsVerifiesAndNamesTheTamperedSeq(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.ndjson");
        Path cfg = config(dir, out);
        Path key = keygen(dir);

        runToCompletion(cfg, out, input(1, 1200), 1200);
        List<JsonNode> first = events(out);
        JsonNode lastOfFirst = first.get(first.size() - 1);
        // A clean stop seals the stream: its last event is the final checkpoint.
        assertThat(lastOfFirst.path("event").path("kind").asText()).isEqualTo("checkpoint");

        runToCompletion(cfg, out, input(1201, 2000), 2000);
        List<JsonNode> all = events(out);
        JsonNode firstOfSecond = all.get(first.size());
        assertThat(firstOfSecond.path("chain").path("stream").asText()).isEqualTo(lastOfFirst.path("chain").path("stream").asText())
                .startsWith("it-host-");
        assertThat(firstOfSecond.path("chain").path("seq").asLong()).isEqualTo(lastOfFirst.path("chain").path("seq").asLong() + 1);
        assertThat(firstOfSecond.path("chain").path("prev").asText()).isEqualTo(lastOfFirst.path("chain").path("hash").asText());
        long messages = all.stream().filter(d -> d.path("message").asText().startsWith("run event ")).count();
        assertThat(messages).isEqualTo(2000);
        assertThat(Files.readString(out)).doesNotContain("123-45-6789");

        RedactdProcess.Result intact = verify(key, out);
        assertThat(intact.exit()).as(intact.stdout() + intact.stderr()).isZero();
        assertThat(intact.stdout()).contains("RESULT: INTACT").contains("covers every event of this stream");

        // One character of one message changed, in the second run's part of the stream.
        List<String> lines = new ArrayList<>(Files.readAllLines(out));
        int victim = first.size() + 10;
        while (!all.get(victim).path("message").asText().startsWith("run event 1")) {
            victim++;
        }
        long victimSeq = all.get(victim).path("chain").path("seq").asLong();
        String original = lines.get(victim);
        String tampered = original.replaceFirst("run event (\\d)", "run event 9");
        assertThat(tampered).isNotEqualTo(original);
        lines.set(victim, tampered);
        Path forged = dir.resolve("tampered.ndjson");
        Files.write(forged, lines);
        RedactdProcess.Result bad = verify(key, forged);
        assertThat(bad.exit()).as(bad.stdout() + bad.stderr()).isEqualTo(1);
        assertThat(bad.stdout()).contains("seq " + victimSeq).doesNotContain("RESULT: INTACT");
    }

    @Test
    void aSigkillMidRunLeavesAStreamThatVerifiesAfterRestart(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.ndjson");
        Path cfg = config(dir, out);
        Path key = keygen(dir);

        try (Run run = new Run(cfg)) {
            // Fed from a thread: the pipe fills while the daemon pushes back, and the kill must come mid-stream.
            Thread feeder = new Thread(() -> {
                try {
                    run.feed(input(1, 60_000));
                } catch (IOException e) {
                    // The daemon was killed while we were still writing: expected.
                }
            });
            feeder.start();
            poll("the first events delivered", Duration.ofSeconds(30), () -> Await.lines(out) >= 3000);
            assertThat(run.stop("KILL")).isEqualTo(137);
            feeder.join(10_000);
        }
        long beforeRestart = Await.lines(out);

        runToCompletion(cfg, out, input(100_001, 100_500), 100_500);
        List<JsonNode> all = events(out);
        assertThat(all.size()).isGreaterThan((int) beforeRestart + 500);
        assertThat(all.stream().map(d -> d.path("message").asText()).filter(m -> m.matches("run event 100\\d{3} .*"))
                .distinct().count()).as("every event fed after the restart is delivered").isEqualTo(500);

        RedactdProcess.Result r = verify(key, out);
        assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
        assertThat(r.stdout()).contains("RESULT: INTACT");
        long distinctSeqs = all.stream().map(d -> d.path("chain").path("seq").asLong()).distinct().count();
        if (distinctSeqs < all.size()) {
            assertThat(r.stdout()).contains("duplicate deliveries (same seq, same hash)");
        }
    }

    /** Writes {@code lines} to a file and verifies it; {@code args} are extra verify options. */
    private static RedactdProcess.Result verifyLines(Path dir, Path keyFile, List<String> lines, String name,
                                                     String... args) throws Exception {
        Path f = dir.resolve(name + ".ndjson");
        Files.write(f, lines);
        List<String> all = new ArrayList<>(List.of("verify", "--no-progress", "--key-file", keyFile.toString()));
        all.addAll(List.of(args));
        all.add(f.toString());
        return RedactdProcess.run(all.toArray(String[]::new));
    }

    /** The first event seq at or after {@code from} that is not a checkpoint and whose successor is not one either. */
    private static long plainSeqFrom(List<String> lines, long from) {
        for (int i = indexOfSeq(lines, from); i + 1 < lines.size(); i++) {
            if (!lines.get(i).contains("\"kind\":\"checkpoint\"") && !lines.get(i + 1).contains("\"kind\":\"checkpoint\"")) {
                return seqOf(lines.get(i));
            }
        }
        throw new AssertionError("no plain event after seq " + from);
    }

    @Test
    void everyTamperingOfTheDaemonsOwnOutputIsDetectedAndNamedBySeq(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.ndjson");
        Path cfg = config(dir, out);
        Path key = keygen(dir);
        runToCompletion(cfg, out, input(1, 3000), 3000);
        List<String> pristine = Files.readAllLines(out);
        assertThat(checkpointIndexes(pristine)).as("checkpoints at batch ends after 500 events").hasSizeGreaterThanOrEqualTo(4);

        RedactdProcess.Result intact = verifyLines(dir, key, pristine, "intact");
        assertThat(intact.exit()).as(intact.stdout() + intact.stderr()).isZero();
        Matcher expect = Pattern.compile("--expect-seq (\\d+)").matcher(intact.stdout());
        assertThat(expect.find()).as(intact.stdout()).isTrue();

        // Change one character of one message.
        List<String> lines = new ArrayList<>(pristine);
        long modified = plainSeqFrom(pristine, 700);
        int at = indexOfSeq(lines, modified);
        lines.set(at, lines.get(at).replaceFirst("run event (\\d)", "run event X"));
        assertThat(lines.get(at)).isNotEqualTo(pristine.get(at));
        RedactdProcess.Result r = verifyLines(dir, key, lines, "modified");
        assertThat(r.exit()).as(r.stdout()).isEqualTo(1);
        assertThat(r.stdout()).contains("TAMPERED: modified at seq " + modified);

        // Delete one event.
        lines = new ArrayList<>(pristine);
        long deleted = plainSeqFrom(pristine, 1200);
        lines.remove(indexOfSeq(lines, deleted));
        r = verifyLines(dir, key, lines, "deleted");
        assertThat(r.exit()).as(r.stdout()).isEqualTo(1);
        assertThat(r.stdout()).contains("TAMPERED: deleted at seq " + deleted);

        // Insert a forged event whose chain.hash was recomputed.
        lines = new ArrayList<>(pristine);
        long inserted = plainSeqFrom(pristine, 1700);
        at = indexOfSeq(lines, inserted);
        ObjectNode forged = parse(lines.get(at));
        forged.put("message", "run event 0 GET /nothing-to-see 200");
        lines.add(at, rehash(forged));
        r = verifyLines(dir, key, lines, "inserted");
        assertThat(r.exit()).as(r.stdout()).isEqualTo(1);
        assertThat(r.stdout()).contains("inserted at seq " + inserted);

        // Swap two events.
        lines = new ArrayList<>(pristine);
        long swapped = plainSeqFrom(pristine, 2100);
        at = indexOfSeq(lines, swapped);
        Collections.swap(lines, at, at + 1);
        r = verifyLines(dir, key, lines, "swapped");
        assertThat(r.exit()).as(r.stdout()).isEqualTo(1);
        assertThat(r.stdout()).contains("TAMPERED: reordered at seq " + swapped);

        // Truncate the tail before the last checkpoint; the auditor kept the last sealed seq.
        List<Integer> cps = checkpointIndexes(pristine);
        List<String> cut = new ArrayList<>(pristine.subList(0, cps.get(cps.size() - 2) - 3));
        long newEnd = seqOf(cut.get(cut.size() - 1));
        r = verifyLines(dir, key, cut, "truncated", "--expect-seq", expect.group(1));
        assertThat(r.exit()).as(r.stdout()).isEqualTo(1);
        assertThat(r.stdout()).contains("TAMPERED: truncated at seq " + (newEnd + 1));

        // Replace a checkpoint's MAC (and rehash it so the chain itself still links).
        lines = new ArrayList<>(pristine);
        at = cps.get(2);
        ObjectNode cp = parse(lines.get(at));
        ((ObjectNode) cp.get("checkpoint")).put("mac", "ab".repeat(32));
        lines.set(at, rehash(cp));
        r = verifyLines(dir, key, lines, "mac");
        assertThat(r.exit()).as(r.stdout()).isEqualTo(1);
        assertThat(r.stdout()).contains("TAMPERED: checkpoint invalid at seq " + seqOf(lines.get(at)));
    }
}
