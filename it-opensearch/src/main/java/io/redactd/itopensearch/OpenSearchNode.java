package io.redactd.itopensearch;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node OpenSearch 2.19 running in its own JVM (launched from the it-opensearch module's classpath), shared
 * by the tests of this JVM (those of {@code outputs} and {@code daemon}) and stopped when it exits. Ports are picked
 * once, up front, and passed explicitly: a clash fails the start rather than moving silently to another port. The
 * data directory survives {@link #stop()} so a restart keeps the indices (the outage test relies on it).
 */
public final class OpenSearchNode {
    private static OpenSearchNode shared;

    private final Path home;
    private final int httpPort;
    private final int transportPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    private OpenSearchNode(Path home, int httpPort, int transportPort) {
        this.home = home;
        this.httpPort = httpPort;
        this.transportPort = transportPort;
    }

    public static synchronized OpenSearchNode shared() throws Exception {
        if (shared == null) {
            Path home = Files.createTempDirectory("redactd-opensearch");
            shared = new OpenSearchNode(home, freePort(), freePort());
            shared.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> shared.stopQuietly()));
        }
        return shared;
    }

    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    public int httpPort() {
        return httpPort;
    }

    public synchronized void start() throws Exception {
        Path moduleRoot = Path.of(System.getProperty("redactd.it-opensearch.dir", "../it-opensearch/target"));
        Path classpathFile = moduleRoot.resolve("opensearch.classpath");
        if (!Files.exists(classpathFile)) {
            throw new IllegalStateException(classpathFile.toAbsolutePath()
                    + " is missing: build with './mvnw -pl outputs,daemon -am verify' so the it-opensearch module runs first");
        }
        String classpath = moduleRoot.resolve("classes").toAbsolutePath() + java.io.File.pathSeparator
                + Files.readString(classpathFile).strip();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-Xms512m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true", "-cp", classpath, "io.redactd.itopensearch.OpenSearchLauncher",
                home.toString(), Integer.toString(httpPort), Integer.toString(transportPort))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("opensearch-console.log").toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("OpenSearch exited with " + process.exitValue() + "; see "
                        + home.resolve("opensearch-console.log"));
            }
            try {
                HttpResponse<String> health = get("/_cluster/health?wait_for_status=yellow&timeout=2s");
                if (health.statusCode() == 200 && !health.body().contains("\"timed_out\":true")) {
                    return;
                }
            } catch (IOException notListeningYet) {
                process.waitFor(250, TimeUnit.MILLISECONDS);
            }
        }
        throw new IllegalStateException("OpenSearch did not become healthy within 120 s; see "
                + home.resolve("opensearch-console.log"));
    }

    /** Graceful stop (SIGTERM, the node's shutdown hook closes it); the data directory stays. */
    public synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        process = null;
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    public HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(60))
                        .header("Content-Type", path.contains("_bulk") ? "application/x-ndjson" : "application/json")
                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
