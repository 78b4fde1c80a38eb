package io.redactd.daemon.input.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP input's memory is bounded by bytes, not by request count: a daemon JVM with a small heap, run as the
 * launcher runs it (ParallelGC, {@code -XX:+ExitOnOutOfMemoryError}), gets parallel uploads that are each within every
 * configured limit but together far larger than the heap. It must stay up, answer each one 200 or 503 with
 * Retry-After, and have forwarded every event of the 200s and none of the 503s. Once it is idle again, the refused
 * requests, sent again one at a time, all get through: what a request held of the memory budget was given back.
 *
 * <p>The daemon runs from the test classpath; {@code -Dredactd.http-memory.jar=<jar>} runs a built jar instead (how
 * the test was shown to fail on the jar before the fix: that daemon dies of OutOfMemoryError).
 */
class HttpMemoryTest {
    private static final String TOKEN = "mem-token-3c9e1a7f5b2d4e60";
    private static final int PLAIN = 6;
    private static final int PLAIN_LINES = 30_000;
    private static final int GZIP = 4;
    private static final int GZIP_LINES = 16_000;
    private static final Pattern LISTENING = Pattern.compile("http input 'http' listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern REQUEST_ID = Pattern.compile("\"message\":\"R(\\d\\d)-");

    @Test
    void parallelLargeAndGzipUploadsBeyondTheHeapAreAnswered200Or503AndNeverKillTheDaemon(@TempDir Path dir)
            throws Exception {
        Path config = dir.resolve("redactd.yaml");
        // The defaults but smaller, to fit the small heap: 4 MiB bodies, inflating to at most 16 MiB. The memory
        // budget is left at its default (a quarter of the heap, 32 MiB), so the jar before the fix reads this too.
        Files.writeString(config, """
                state_dir: %s
                inputs:
                  - id: http
                    type: http
                    listen: "127.0.0.1:0"
                    insecure: true
                    max_body_bytes: 4194304
                    max_decompressed_bytes: 16777216
                    tokens:
                      - source: app
                        token: %s
                outputs:
                  - id: file
                    type: file
                    path: %s
                admin:
                  listen: 127.0.0.1:0
                """.formatted(dir.resolve("state"), TOKEN, dir.resolve("out.ndjson")));
        List<byte[]> bodies = new ArrayList<>();
        for (int r = 0; r < PLAIN + GZIP; r++) {
            bodies.add(r < PLAIN ? lines(r, PLAIN_LINES, 110) : gzip(lines(r, GZIP_LINES, 620)));
        }
        assertThat(bodies.get(0).length).isLessThan(4 << 20);
        assertThat(bodies.get(PLAIN).length).isLessThan(1 << 20);

        Process daemon = daemon(config);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Thread logReader = drain(daemon.getInputStream(), log);
        try {
            int port = port(daemon, log);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            ExecutorService senders = Executors.newFixedThreadPool(bodies.size());
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int r = 0; r < bodies.size(); r++) {
                HttpRequest request = upload(port, r, bodies.get(r));
                answers.add(senders.submit(() -> client.send(request, HttpResponse.BodyHandlers.ofString())));
            }
            Map<Integer, Integer> status = new TreeMap<>();
            for (int r = 0; r < answers.size(); r++) {
                try {
                    HttpResponse<String> answer = answers.get(r).get(90, TimeUnit.SECONDS);
                    status.put(r, answer.statusCode());
                    if (answer.statusCode() == 503) {
                        assertThat(answer.headers().firstValue("Retry-After")).as("request %d: 503 says when", r)
                                .isPresent();
                        assertThat(answer.body()).contains("server_busy");
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    status.put(r, -1); // no answer: the connection died with the daemon
                }
            }
            senders.shutdown();
            assertThat(daemon.isAlive()).as("daemon still running after the uploads; its log:%n%s", text(log)).isTrue();
            assertThat(status.values()).as("answers by request %s, log:%n%s", status, text(log))
                    .allMatch(s -> s == 200 || s == 503);
            assertThat(status.values()).as("answers by request %s", status).contains(200, 503);

            // Every answer is out, so nothing holds memory any more: one at a time, each refused request fits.
            for (int r = 0; r < bodies.size(); r++) {
                if (status.get(r) == 503) {
                    int again = client.send(upload(port, r, bodies.get(r)), HttpResponse.BodyHandlers.ofString())
                            .statusCode();
                    assertThat(again).as("request %d sent again on an idle daemon", r).isEqualTo(200);
                }
            }

            // SIGTERM: the daemon drains what it acknowledged into the file output, then exits 0
            daemon.destroy();
            assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
            logReader.join();
            assertThat(daemon.exitValue()).as(text(log)).isZero();
            assertThat(text(log)).doesNotContain("OutOfMemoryError");

            // each request's events exactly once: all of those answered 200, nothing of a 503 (sent again later)
            Map<Integer, Integer> forwarded = forwarded(dir);
            for (int r = 0; r < bodies.size(); r++) {
                assertThat(forwarded.getOrDefault(r, 0)).as("events of request %d (first answered %d)", r, status.get(r))
                        .isEqualTo(r < PLAIN ? PLAIN_LINES : GZIP_LINES);
            }
        } finally {
            daemon.destroyForcibly();
        }
    }

    private static HttpRequest upload(int port, int request, byte[] body) {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/logs"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (request >= PLAIN) {
            req.header("Content-Encoding", "gzip");
        }
        return req.build();
    }

    private static Process daemon(Path config) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:+UseParallelGC", "-XX:+ExitOnOutOfMemoryError"));
        String jar = System.getProperty("redactd.http-memory.jar");
        if (jar != null && !jar.isBlank()) {
            cmd.addAll(List.of("-jar", jar));
        } else {
            cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                    "io.redactd.daemon.cli.RedactdCommand"));
        }
        cmd.addAll(List.of("run", "--config", config.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** The HTTP port, once the daemon says it listens (or the log so far when it never does). */
    private static int port(Process daemon, ByteArrayOutputStream log) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && daemon.isAlive()) {
            Matcher m = LISTENING.matcher(text(log));
            if (m.find() && text(log).contains("redactd started")) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(50); // polling the daemon's log: there is no other signal that it is up
        }
        throw new AssertionError("daemon did not start:\n" + text(log));
    }

    /** Events per request id found in the file output and its rotations. */
    private static Map<Integer, Integer> forwarded(Path dir) throws IOException {
        Map<Integer, Integer> counts = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("out.ndjson")).toList()) {
                try (Stream<String> lines = Files.lines(f)) {
                    lines.forEach(line -> {
                        Matcher m = REQUEST_ID.matcher(line);
                        assertThat(m.find()).as("an event of a request").isTrue();
                        assertThat(line).doesNotContain("536-22-1234").doesNotContain("4111111111111111");
                        counts.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
                    });
                }
            }
        }
        return counts;
    }

    /** {@code count} lines of {@code width} bytes, each naming its request and carrying synthetic PHI. */
    private static byte[] lines(int request, int count, int width) {
        byte[] line = new byte[width + 1];
        Arrays.fill(line, (byte) 'x');
        byte[] text = ("R" + request / 10 + request % 10 + "-000000 patient ssn 536-22-1234 card 4111111111111111 mail "
                + "j.doe@example.org ").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, line, 0, text.length);
        line[width] = '\n';
        byte[] out = new byte[count * line.length];
        for (int i = 0; i < count; i++) {
            int at = i * line.length;
            System.arraycopy(line, 0, out, at, line.length);
            for (int d = 9, n = i; d >= 4; d--, n /= 10) {
                out[at + d] = (byte) ('0' + n % 10);
            }
        }
        return out;
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        }) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (to) {
                        to.write(buf, 0, n);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String text(ByteArrayOutputStream log) {
        synchronized (log) {
            return log.toString(StandardCharsets.UTF_8);
        }
    }
}
