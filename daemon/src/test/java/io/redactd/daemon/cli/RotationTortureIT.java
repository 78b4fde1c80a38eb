package io.redactd.daemon.cli;

import io.redactd.daemon.input.file.FileInputConfig;
import io.redactd.daemon.input.file.RotatingLogWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real daemon ({@code java -jar redactd.jar run --config config-examples/file-to-file.yaml}) tailing a log that is
 * rotated by rename and by copytruncate while the daemon is killed with SIGKILL twice and restarted on the same state
 * dir; and the same daemon fed bad input (binary garbage, invalid UTF-8, a 10 MB line, a file deleted while read).
 */
class RotationTortureIT {
    private static final Pattern ADMIN = Pattern.compile("admin=127\\.0\\.0\\.1:(\\d+)");
    /** The line number at the start of a redacted message; a torn line left by a kill may hold two documents. */
    private static final Pattern NUMBERED = Pattern.compile("\"message\":\"(\\d{8}) ");
    /** Any raw synthetic PHI this test writes (SSN-shaped values and the e-mail domain). */
    private static final Pattern RAW_PHI = Pattern.compile("\\d{3}-\\d{2}-\\d{4}|@clinic-mail\\.org");

    private static final int TOTAL = 200_000;
    private static final int ROTATE_EVERY = 20_000;
    private static final int COPYTRUNCATE_AT = 100_000;
    private static final int LINES_PER_SECOND = 20_000;
    /** file input defaults: 1024 events per batch, 4 batches in flight per open file. */
    private static final int IN_FLIGHT_PER_FILE = 4 * 1024;
    /**
     * Lines acknowledged but not yet in the checkpoint at a kill: checkpoints are written at most every
     * {@code checkpoint_interval_ms}; at each kill the daemon is tailing the writer, so at most the writer's lines of
     * that interval plus one write's duration (taken as the interval again, fsyncs under load).
     */
    private static final int CHECKPOINT_LAG_LINES =
            LINES_PER_SECOND * 2 * FileInputConfig.DEFAULT_CHECKPOINT_INTERVAL_MS / 1000;

    private final List<Daemon> daemons = new ArrayList<>();

    @AfterEach
    void stopAll() {
        daemons.forEach(d -> d.process.destroyForcibly());
    }

    /**
     * Line {@code n}: its 8-digit number, then a synthetic SSN (area 101..600, valid group and serial) on every 7th
     * line or a synthetic e-mail on every 11th, so detection and redaction run throughout.
     */
    static String line(int n) {
        StringBuilder sb = new StringBuilder(64).append(String.format("%08d", n));
        if (n % 7 == 0) {
            sb.append(" patient ssn ").append(101 + n % 500).append('-')
                    .append(String.format("%02d", 1 + n % 98)).append('-').append(1000 + n % 9000);
        }
        if (n % 11 == 0) {
            sb.append(" notify p").append(n).append("@clinic-mail.org");
        }
        return sb.append(" request served in ").append(n % 997).append(" ms").toString();
    }

    @Test
    void everyLineSurvivesRenamesACopytruncateAndTwoSigkills(@TempDir Path dir) throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Path state = dir.resolve("state");
        RotatingLogWriter writer = new RotatingLogWriter(logs, "app.log", TOTAL, ROTATE_EVERY, COPYTRUNCATE_AT,
                LINES_PER_SECOND, RotationTortureIT::line);
        OutputScan scan = new OutputScan(out, TOTAL);

        // Kill 1 just after the rotation at 60,000 while the writer goes on (it may rotate at 80,000 while no daemon
        // runs); the writer is held at 90,000 until daemon 2 runs, so that the copytruncate at 100,000 happens under
        // daemon 2. Kill 2 just after the rotation at 140,000; again the writer goes on while no daemon runs.
        writer.pauseAt(90_000);
        Daemon first = start(logs, out, state);
        writer.start();
        poll("writer past the rotation at 60,000", Duration.ofSeconds(30), () -> writer.written() >= 60_050);
        int openAtKill1 = openFiles(curl(first.port, "/metrics")[0]);
        first.sigkill();
        System.out.printf("kill 1: writer at %d, output holds %d documents, %d files open%n", writer.written(),
                scan.update().documents, openAtKill1);

        Daemon second = start(logs, out, state);
        writer.resume();
        poll("writer past the rotation at 140,000 and the copytruncate seen by daemon 2", Duration.ofSeconds(30),
                () -> writer.written() >= 140_050
                        && metric(second, "redactd_file_truncations_total{input=\"files\"}") >= 1);
        String beforeKill2 = curl(second.port, "/metrics")[0];
        int openAtKill2 = openFiles(beforeKill2);
        second.sigkill();
        System.out.printf("kill 2: writer at %d, output holds %d documents, %d files open%n", writer.written(),
                scan.update().documents, openAtKill2);
        assertThat(metric(beforeKill2, "redactd_file_truncations_total{input=\"files\"}")).isEqualTo(1);
        assertThat(metric(beforeKill2, "redactd_file_truncations_copy_found_total{input=\"files\"}"))
                .as("the copytruncate copy found and read from where the file was left").isEqualTo(1);

        Daemon last = start(logs, out, state);
        writer.await(60, TimeUnit.SECONDS);
        try {
            poll("every numbered line in the output", Duration.ofSeconds(40), () -> scan.update().missing().isEmpty());
        } catch (AssertionError e) {
            throw new AssertionError("missing line ranges (first 20): " + scan.missing()
                    + "; daemon 3 stdout+stderr:\n" + last.log(), e);
        }

        String metrics = curl(last.port, "/metrics")[0];
        assertThat(metric(metrics, "redactd_input_events_total{input=\"files\"}")).isPositive();
        assertThat(metric(metrics, "redactd_findings_total{type=\"SSN\"}")).isPositive();
        assertThat(metric(metrics, "redactd_findings_total{type=\"EMAIL\"}")).isPositive();
        assertThat(curl(last.port, "/healthz")).containsExactly("ok\n", "200");

        OutputScan full = new OutputScan(out, TOTAL).update();
        assertThat(full.missing()).as("numbered lines never written").isEmpty();
        int duplicates = full.documents - TOTAL;
        System.out.printf("rotation torture (process): %d rotations, %d output files, %d documents, %d duplicates, "
                        + "%d lines without a number (torn by a kill)%n",
                writer.rotations(), full.files, full.documents, duplicates, full.unnumbered);
        assertThat(writer.rotations()).isEqualTo(9);
        // A line may come twice only if it was in flight (read, not yet covered by the checkpoint) at a kill: at
        // most the in-flight window of each file open then (one file more per kill for one opened after the look),
        // plus what was acknowledged since the last checkpoint write.
        assertThat(duplicates).as("duplicates")
                .isBetween(0, (openAtKill1 + openAtKill2 + 2) * IN_FLIGHT_PER_FILE + 2 * CHECKPOINT_LAG_LINES);
        assertThat(full.rawPhi).as("output documents holding raw synthetic PHI").isZero();
        for (Daemon d : daemons) {
            assertThat(RAW_PHI.matcher(d.log()).find()).as("raw PHI in daemon stdout/stderr").isFalse();
        }
    }

    /**
     * The daemon gets no CPU at all (SIGSTOP) while a generation is created and rotated twice, app.log -> app.log.1 ->
     * app.log.2, so no scan ever matches it under the glob; after SIGCONT every line of it must still arrive.
     */
    @Test
    void aGenerationRotatedTwiceWhileTheDaemonGetsNoCpuArrives(@TempDir Path dir) throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path out = Files.createDirectories(dir.resolve("out"));
        Path app = logs.resolve("app.log");
        int perGeneration = 1_000;
        writeLines(app, 0, perGeneration);
        Daemon d = start(logs, out, dir.resolve("state"));
        OutputScan scan = new OutputScan(out, 3 * perGeneration);
        poll("generation 1 in the output", Duration.ofSeconds(30),
                () -> scan.update().missing().equals(List.of(perGeneration + "-" + (3 * perGeneration - 1))));

        signal(d, "STOP");
        poll("the daemon stopped", Duration.ofSeconds(10), () -> processState(d).equals("T"));
        Files.move(app, logs.resolve("app.log.1"));
        writeLines(app, perGeneration, 2 * perGeneration);
        Files.move(logs.resolve("app.log.1"), logs.resolve("app.log.2"));
        Files.move(app, logs.resolve("app.log.1"));
        writeLines(app, 2 * perGeneration, 3 * perGeneration);
        signal(d, "CONT");

        try {
            poll("all three generations in the output", Duration.ofSeconds(30), () -> scan.update().missing().isEmpty());
        } catch (AssertionError e) {
            throw new AssertionError("missing line ranges: " + scan.missing() + "; daemon stdout+stderr:\n" + d.log(), e);
        }
        assertThat(scan.documents).as("documents, no duplicates without a kill").isEqualTo(3 * perGeneration);
        assertThat(metric(d, "redactd_file_recovered_total{input=\"files\"}")).isEqualTo(1);
    }

    private static void writeLines(Path file, int from, int to) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int n = from; n < to; n++) {
            sb.append(line(n)).append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.US_ASCII, java.nio.file.StandardOpenOption.CREATE_NEW);
    }

    private static void signal(Daemon d, String sig) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + sig, Long.toString(d.process.pid())).start().waitFor()).isZero();
    }

    /** The state letter of /proc/PID/stat (R, S, T ...). */
    private static String processState(Daemon d) {
        try {
            String stat = Files.readString(Path.of("/proc/" + d.process.pid() + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException e) {
            return "?";
        }
    }

    @Test
    void badInputIsCountedAndTheLinesAroundItArrive(@TempDir Path dir) throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path out = Files.createDirectories(dir.resolve("out"));
        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        bad.write("before bad input ssn 212-33-4455\n".getBytes(StandardCharsets.US_ASCII));
        byte[] garbage = new byte[64 * 1024];
        new Random(42).nextBytes(garbage);
        bad.write(garbage);
        bad.write("\nafter garbage\n".getBytes(StandardCharsets.US_ASCII));
        bad.write(new byte[] {'b', 'a', 'd', ' ', (byte) 0xC3, 0x28, ' ', (byte) 0xFF, (byte) 0xFE, ' ', (byte) 0xED,
                (byte) 0xA0, (byte) 0x80, '\n'});
        bad.write("after invalid utf-8\n".getBytes(StandardCharsets.US_ASCII));
        byte[] huge = new byte[10 * 1024 * 1024];
        Arrays.fill(huge, (byte) 'x');
        bad.write(huge);
        bad.write("\nafter the 10 MB line mail j.doe@clinic-mail.org\n".getBytes(StandardCharsets.US_ASCII));
        Files.write(logs.resolve("bad.log"), bad.toByteArray());
        Path gone = logs.resolve("gone.log");
        int goneLines = 20_000;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < goneLines; i++) {
            sb.append(String.format("%08d deleted-while-read%n", i));
        }
        Files.writeString(gone, sb);

        Daemon d = start(logs, out, dir.resolve("state"));
        poll("the first line of gone.log in the output", Duration.ofSeconds(20),
                () -> outputText(out).contains("deleted-while-read"));
        Files.delete(gone);
        Files.writeString(logs.resolve("late.log"), "written after the bad input\n");
        poll("the lines around the bad input and all of gone.log", Duration.ofSeconds(30), () -> {
            String text = outputText(out);
            return text.contains("\"message\":\"after the 10 MB line mail [REDACTED:EMAIL]\"")
                    && text.contains("\"message\":\"written after the bad input\"")
                    && text.split("deleted-while-read", -1).length - 1 == goneLines;
        });

        String text = outputText(out);
        assertThat(text).contains("\"message\":\"before bad input ssn [REDACTED:SSN]\"")
                .contains("\"message\":\"after garbage\"").contains("\"message\":\"after invalid utf-8\"")
                .contains("\"message\":\"bad ");
        assertThat(RAW_PHI.matcher(text).find()).as("raw PHI in the output").isFalse();
        assertThat(curl(d.port, "/healthz")).containsExactly("ok\n", "200");
        String metrics = curl(d.port, "/metrics")[0];
        assertThat(metric(metrics, "redactd_input_errors_total{input=\"files\",reason=\"line_too_long\"}"))
                .as("line_too_long").isPositive();
        assertThat(metric(metrics, "redactd_utf8_repaired_total")).as("utf8 repaired").isPositive();
        assertThat(d.process.isAlive()).isTrue();
        String log = d.log();
        assertThat(RAW_PHI.matcher(log).find()).as("raw PHI in daemon stdout/stderr").isFalse();
        assertThat(log).doesNotContain("Exception in thread").doesNotContain("OutOfMemoryError");
    }

    // --- the daemon process -------------------------------------------------------------------------------------

    private static final class Daemon {
        final Process process;
        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        int port;

        Daemon(Process process) {
            this.process = process;
        }

        /** stdout and stderr so far. */
        String log() {
            synchronized (output) {
                return output.toString(StandardCharsets.UTF_8);
            }
        }

        /** SIGKILL: no shutdown hook, no final checkpoint, no output flush. */
        void sigkill() throws Exception {
            assertThat(new ProcessBuilder("kill", "-KILL", Long.toString(process.pid())).start().waitFor()).isZero();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("killed").isTrue();
            assertThat(process.exitValue()).as("exit status of a SIGKILLed process").isEqualTo(128 + 9);
        }
    }

    private Daemon start(Path logs, Path out, Path state) throws Exception {
        Path config = Path.of(System.getProperty("redactd.root", "..")).resolve("config-examples/file-to-file.yaml");
        ProcessBuilder pb = RedactdProcess.builder("run", "--config", config.toString()).redirectErrorStream(true);
        pb.environment().put("REDACTD_INPUT", logs + "/*.log");
        pb.environment().put("REDACTD_OUTPUT", out.resolve("events.ndjson").toString());
        pb.environment().put("REDACTD_STATE", state.toString());
        pb.environment().put("REDACTD_ADMIN_PORT", "0");
        Daemon d = new Daemon(pb.start());
        daemons.add(d);
        RedactdProcess.drain(d.process.getInputStream(), new SynchronizedSink(d.output));
        poll("the start line", Duration.ofSeconds(30), () -> ADMIN.matcher(d.log()).find() || !d.process.isAlive());
        Matcher m = ADMIN.matcher(d.log());
        assertThat(m.find()).as(d.log()).isTrue();
        d.port = Integer.parseInt(m.group(1));
        return d;
    }

    /** Lets the test read the daemon's output while the drain thread appends to it. */
    private static final class SynchronizedSink extends java.io.OutputStream {
        private final ByteArrayOutputStream to;

        SynchronizedSink(ByteArrayOutputStream to) {
            this.to = to;
        }

        @Override
        public void write(int b) {
            synchronized (to) {
                to.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (to) {
                to.write(b, off, len);
            }
        }
    }

    // --- reading the output -------------------------------------------------------------------------------------

    /**
     * Reads every output file (the file output may rotate: files are followed by inode, so a renamed one continues
     * where it was left) up to its last complete line, incrementally, so polling stays cheap.
     */
    private static final class OutputScan {
        private final Path dir;
        private final BitSet seen;
        private final int total;
        private final Map<Object, Long> offsets = new HashMap<>();
        int documents;
        int unnumbered;
        int rawPhi;
        int files;

        OutputScan(Path dir, int total) {
            this.dir = dir;
            this.total = total;
            this.seen = new BitSet(total);
        }

        OutputScan update() {
            try (Stream<Path> list = Files.list(dir)) {
                List<Path> paths = list.filter(p -> p.getFileName().toString().startsWith("events.ndjson")).toList();
                files = Math.max(files, paths.size());
                for (Path p : paths) {
                    Object key = Files.readAttributes(p, BasicFileAttributes.class).fileKey();
                    long from = offsets.getOrDefault(key, 0L);
                    offsets.put(key, from + scan(p, from));
                }
            } catch (IOException e) {
                throw new AssertionError("cannot read the output", e);
            }
            return this;
        }

        /** Scans complete lines from {@code from}; returns the bytes consumed. */
        private long scan(Path p, long from) throws IOException {
            byte[] bytes;
            try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "r")) {
                long len = f.length() - from;
                if (len <= 0) {
                    return 0;
                }
                bytes = new byte[(int) len];
                f.seek(from);
                f.readFully(bytes);
            }
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--;
            }
            for (String doc : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
                if (doc.isEmpty()) {
                    continue;
                }
                if (RAW_PHI.matcher(doc).find()) {
                    rawPhi++;
                }
                Matcher m = NUMBERED.matcher(doc);
                boolean any = false;
                while (m.find()) {
                    int n = Integer.parseInt(m.group(1));
                    if (n < total) {
                        seen.set(n);
                        documents++;
                        any = true;
                    }
                }
                if (!any) {
                    unnumbered++;
                }
            }
            return end;
        }

        /** Missing line numbers as ranges ("80000-99999"), at most 20. */
        List<String> missing() {
            List<String> out = new ArrayList<>();
            for (int i = seen.nextClearBit(0); i < total && out.size() < 20; ) {
                int next = seen.nextSetBit(i);
                int end = next < 0 ? total : next;
                out.add(i + "-" + (end - 1));
                i = seen.nextClearBit(end);
            }
            return out;
        }
    }

    private static String outputText(Path out) {
        try (Stream<Path> list = Files.list(out)) {
            StringBuilder sb = new StringBuilder();
            for (Path p : list.filter(p -> p.getFileName().toString().startsWith("events.ndjson")).toList()) {
                sb.append(Files.readString(p, StandardCharsets.UTF_8));
            }
            return sb.toString();
        } catch (IOException e) {
            throw new AssertionError("cannot read the output", e);
        }
    }

    // --- helpers shared with DaemonIT's style -------------------------------------------------------------------

    private static void poll(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for " + what).isLessThan(deadline);
            Thread.sleep(100); // polling interval of a condition with a deadline
        }
    }

    /** curl -s -w '\n%{http_code}': body, then the status on the last line. */
    private static String[] curl(int port, String path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("curl", "-s", "-m", "5", "-w", "\n%{http_code}", "http://127.0.0.1:" + port + path)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        int nl = out.lastIndexOf('\n');
        return new String[] {out.substring(0, nl), out.substring(nl + 1)};
    }

    /** One series from a live daemon's /metrics; -1 if it does not answer (yet) or lacks the series. */
    private static double metric(Daemon d, String series) {
        try {
            return metric(curl(d.port, "/metrics")[0], series);
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Files the daemon holds open: opened minus let go. */
    private static int openFiles(String metrics) {
        double opened = metric(metrics, "redactd_file_opened_total{input=\"files\"}");
        double released = metric(metrics, "redactd_file_released_total{input=\"files\"}");
        assertThat(opened).as("redactd_file_opened_total").isPositive();
        return (int) (opened - Math.max(0, released));
    }

    private static double metric(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return -1;
    }
}
