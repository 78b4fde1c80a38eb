package io.redactd.daemon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.redactd.daemon.input.file.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon as the .deb runs it (ParallelGC, exit on OutOfMemoryError), with a small heap, under 120 syslog TCP
 * connections writing as fast as the socket takes into an output that does not answer (a HEC endpoint that holds
 * every request, behind a 1 MiB disk buffer): the pipeline's admission budget must pause the sockets instead of
 * filling the heap (before it, each connection kept 4 batches of 512 events and the heap ran out), and once the
 * output answers every line sent arrives, once, redacted.
 */
class ConnectionFloodIT {
    private static final String SSN = "123-45-6789";
    private static final int CONNECTIONS = 120;
    private static final int LINES_PER_CONNECTION = 300;
    private static final int LINE_BYTES = 1000;
    private static final Pattern ID = Pattern.compile("F(\\d{4})-(\\d{6})");

    /** A Splunk HEC endpoint that holds every request until opened, then answers success and keeps the event ids. */
    private static final class HeldHec implements AutoCloseable {
        final Vertx vertx = Vertx.vertx();
        final List<HttpServerRequest> held = new ArrayList<>();
        final ConcurrentHashMap<String, Integer> seen = new ConcurrentHashMap<>();
        final AtomicBoolean rawSeen = new AtomicBoolean();
        final HttpServer server;
        boolean open;

        HeldHec() throws Exception {
            server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
                String text = body.toString(StandardCharsets.UTF_8);
                if (text.contains(SSN)) {
                    rawSeen.set(true);
                }
                Matcher m = ID.matcher(text);
                while (m.find()) {
                    seen.merge(m.group(), 1, Integer::sum);
                }
                synchronized (this) {
                    if (!open) {
                        held.add(req);
                        return;
                    }
                }
                answer(req);
            })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }

        static void answer(HttpServerRequest req) {
            req.response().putHeader("Content-Type", "application/json").end("{\"text\":\"Success\",\"code\":0}");
        }

        void open() {
            List<HttpServerRequest> release;
            synchronized (this) {
                open = true;
                release = new ArrayList<>(held);
                held.clear();
            }
            // An answer goes out on the request's own connection: from any thread, Vert.x hands it to its loop.
            release.forEach(HeldHec::answer);
        }

        synchronized int heldCount() {
            return held.size();
        }

        @Override
        public void close() throws Exception {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** N connections, each writing its numbered lines as fast as the socket takes them, from one selector thread. */
    private static final class Flood {
        final AtomicLong linesWritten = new AtomicLong();
        final AtomicBoolean done = new AtomicBoolean();
        volatile Throwable failure;

        Thread start(int port) {
            Thread t = new Thread(() -> {
                try {
                    run(port);
                    done.set(true);
                } catch (Throwable e) {
                    failure = e;
                }
            }, "flood");
            t.setDaemon(true);
            t.start();
            return t;
        }

        private static ByteBuffer chunk(int conn, int from, int count) {
            StringBuilder sb = new StringBuilder(count * LINE_BYTES);
            for (int i = from; i < from + count; i++) {
                int start = sb.length();
                sb.append("<134>1 2026-12-07T22:00:00Z h").append(conn).append(" app - - - ")
                        .append(String.format("F%04d-%06d", conn, i)).append(" ssn ").append(SSN).append(' ');
                while (sb.length() - start < LINE_BYTES - 1) {
                    sb.append('p');
                }
                sb.append('\n');
            }
            return ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.US_ASCII));
        }

        private void run(int port) throws IOException {
            int perChunk = 20;
            try (Selector selector = Selector.open()) {
                for (int c = 0; c < CONNECTIONS; c++) {
                    SocketChannel ch = SocketChannel.open();
                    // A small send buffer: what the sender's kernel holds is not what this test is about.
                    ch.setOption(StandardSocketOptions.SO_SNDBUF, 32 * 1024);
                    ch.connect(new InetSocketAddress("127.0.0.1", port));
                    ch.configureBlocking(false);
                    ch.register(selector, SelectionKey.OP_WRITE, new int[]{c, 0});
                }
                java.util.Map<Integer, ByteBuffer> pending = new java.util.HashMap<>();
                int open = CONNECTIONS;
                while (open > 0) {
                    selector.select(1000);
                    for (SelectionKey key : selector.selectedKeys()) {
                        int[] state = (int[]) key.attachment();
                        SocketChannel ch = (SocketChannel) key.channel();
                        ByteBuffer buf = pending.get(state[0]);
                        if (buf == null || !buf.hasRemaining()) {
                            if (buf != null) {
                                linesWritten.addAndGet(perChunk);
                            }
                            if (state[1] >= LINES_PER_CONNECTION) {
                                ch.shutdownOutput();
                                ch.close();
                                open--;
                                continue;
                            }
                            buf = chunk(state[0], state[1], perChunk);
                            state[1] += perChunk;
                            pending.put(state[0], buf);
                        }
                        ch.write(buf);
                    }
                    selector.selectedKeys().clear();
                }
            }
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** A sample's value from /metrics, -1 when the family is not there. */
    private static long metric(int adminPort, String name) {
        HttpResponse<String> r;
        try {
            r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("GET /metrics failed", e);
        }
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.E+-]+)$").matcher(r.body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
    }

    private static long vmHwmKb(Process p) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + p.pid() + "/status"))) {
            if (l.startsWith("VmHWM:")) {
                return Long.parseLong(l.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    @Test
    void manyConnectionsIntoAStalledOutputArePausedNotBufferedAndLoseNothing(@TempDir Path dir) throws Exception {
        try (HeldHec hec = new HeldHec()) {
            Path token = Files.writeString(dir.resolve("token"), "flood-token-8c1d");
            Path config = Files.writeString(dir.resolve("flood.yaml"), """
                    state_dir: %s
                    buffer: {max_bytes: 1048576}
                    inputs:
                      - id: flood
                        type: syslog
                        listen: "127.0.0.1:0"
                        insecure: true
                    outputs:
                      - id: hec
                        type: splunk_hec
                        endpoint: http://127.0.0.1:%d
                        token_file: %s
                        insecure: true
                        gzip: false
                        dead_letter_path: %s
                    admin:
                      listen: 127.0.0.1:0
                    """.formatted(dir.resolve("state"), hec.server.actualPort(), token,
                    dir.resolve("dead-letter.ndjson")));
            // As packaging/src/deb/redactd runs it, with a heap a fifth of its 512 MiB.
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+ExitOnOutOfMemoryError", "-XX:+UseParallelGC", "-Xmx96m", "-jar",
                    RedactdProcess.jar().toString(), "run", "--config", config.toString());
            Process daemon = new ProcessBuilder(cmd).start();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            RedactdProcess.drain(daemon.getErrorStream(), log);
            RedactdProcess.drain(daemon.getInputStream(), OutputStream.nullOutputStream());
            try {
                Pattern started = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) \\(plaintext\\)(?s).*admin=127\\.0\\.0\\.1:(\\d+)");
                Await.until("the daemon to start", Duration.ofSeconds(60), () -> {
                    assertThat(daemon.isAlive()).as("daemon running; log:\n%s", log).isTrue();
                    return started.matcher(log.toString(StandardCharsets.UTF_8)).find();
                });
                Matcher m = started.matcher(log.toString(StandardCharsets.UTF_8));
                assertThat(m.find()).isTrue();
                int port = Integer.parseInt(m.group(1));
                int admin = Integer.parseInt(m.group(2));

                Flood flood = new Flood();
                flood.start(port);
                // The output holds everything: the senders stall once the daemon stops reading. Watch until they do.
                long maxAdmitted = 0;
                long last = -1;
                long stalledSince = System.nanoTime();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < deadline && System.nanoTime() - stalledSince < TimeUnit.MILLISECONDS.toNanos(2500)) {
                    assertThat(daemon.isAlive()).as("daemon alive under the flood; log:\n%s", log).isTrue();
                    maxAdmitted = Math.max(maxAdmitted, metric(admin, "redactd_pipeline_admitted_bytes"));
                    long now = flood.linesWritten.get();
                    if (now != last) {
                        last = now;
                        stalledSince = System.nanoTime();
                    }
                    Thread.sleep(100); // sampling interval of the gauge while the senders run
                }
                long total = (long) CONNECTIONS * LINES_PER_CONNECTION;
                assertThat(daemon.isAlive()).as("daemon alive; log:\n%s", log).isTrue();
                assertThat(flood.done).as("the senders were held back, not let through").isFalse();
                assertThat(hec.heldCount()).as("the output was asked and held").isPositive();
                long limit = metric(admin, "redactd_pipeline_admission_limit_bytes");
                // an eighth of what the JVM reports as its heap (ParallelGC leaves a survivor space out of -Xmx96m)
                assertThat(limit).as("admission limit").isBetween(10L << 20, 12L << 20);
                // The high-water mark plus what the connections had read when it was crossed (a socket read each).
                assertThat(maxAdmitted).as("admitted bytes").isBetween(limit / 2, limit + CONNECTIONS * (256L << 10));
                assertThat(metric(admin, "redactd_pipeline_admission_pauses_total")).isPositive();
                long hwm = vmHwmKb(daemon);

                hec.open();
                long deadlineAll = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                while (!(flood.done.get() && hec.seen.size() == total)) {
                    assertThat(daemon.isAlive()).as("daemon alive; log:\n%s", log).isTrue();
                    if (System.nanoTime() > deadlineAll) {
                        throw new AssertionError("timed out waiting for every line at the output: " + hec.seen.size()
                                + " of " + total + " seen, " + flood.linesWritten.get() + " written, senders done "
                                + flood.done.get() + ", admitted " + metric(admin, "redactd_pipeline_admitted_bytes"));
                    }
                    Thread.sleep(100); // polling interval of a condition with a deadline
                }
                assertThat(flood.failure).isNull();
                assertThat(flood.linesWritten.get()).isEqualTo(total);
                assertThat(hec.seen.values()).as("each line once").allMatch(n -> n == 1);
                assertThat(hec.rawSeen).as("no raw SSN at the output").isFalse();
                Await.until("the budget to be free again", Duration.ofSeconds(10),
                        () -> metric(admin, "redactd_pipeline_admitted_bytes") == 0);
                hwm = Math.max(hwm, vmHwmKb(daemon));
                assertThat(hwm).as("peak RSS in kB").isLessThan(400 * 1024);
                System.out.printf("ConnectionFloodIT: %d lines, max admitted %d bytes, peak RSS %d kB%n", total,
                        maxAdmitted, hwm);
            } finally {
                daemon.destroy();
                if (!daemon.waitFor(20, TimeUnit.SECONDS)) {
                    daemon.destroyForcibly();
                }
            }
            assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain(SSN).doesNotContain("OutOfMemoryError");
        }
    }
}
