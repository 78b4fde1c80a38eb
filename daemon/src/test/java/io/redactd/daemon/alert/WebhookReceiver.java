package io.redactd.daemon.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** A real HTTP server standing in for a webhook endpoint: records every request, answers with a settable status. */
final class WebhookReceiver implements AutoCloseable {
    record Request(String path, Map<String, String> headers, byte[] body, long receivedNanos, int answered) {
        JsonNode json() {
            try {
                return new ObjectMapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("body is not JSON", e);
            }
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    final AtomicInteger status = new AtomicInteger(200);
    private final HttpServer server;
    final int port;

    private final String scheme;

    WebhookReceiver(Vertx vertx) throws Exception {
        this(vertx, new HttpServerOptions());
    }

    /** With {@code options.setSsl(true)} and a key/cert: an HTTPS receiver. */
    WebhookReceiver(Vertx vertx, HttpServerOptions options) throws Exception {
        scheme = options.isSsl() ? "https" : "http";
        server = vertx.createHttpServer(options).requestHandler(req -> req.body().onSuccess(b -> {
            Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            req.headers().forEach(e -> h.put(e.getKey(), e.getValue()));
            int code = status.get();
            requests.add(new Request(req.path(), h, b.getBytes(), System.nanoTime(), code));
            req.response().setStatusCode(code).end();
        }));
        port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    }

    String url(String path) {
        return scheme + "://localhost:" + port + path;
    }

    List<Request> accepted(String path) {
        return requests.stream().filter(r -> r.path().equals(path) && r.answered() / 100 == 2).toList();
    }

    /** Waits (with a deadline) until {@code n} requests on {@code path} matching {@code which} were accepted. */
    List<Request> await(String path, int n, Predicate<Request> which, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            List<Request> got = accepted(path).stream().filter(which).toList();
            if (got.size() >= n) {
                return got;
            }
            assertThat(System.nanoTime()).as("timed out waiting for " + n + " requests on " + path + ", have " + got.size())
                    .isLessThan(deadline);
            Thread.sleep(2); // polling interval of a condition with a deadline
        }
    }

    @Override
    public void close() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
