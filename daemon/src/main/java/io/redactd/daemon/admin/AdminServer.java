package io.redactd.daemon.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The admin listener: {@code /metrics} (Prometheus text), {@code /healthz} (the process is up and its event loops
 * answer), {@code /readyz} (200 when every input is open and every output accepts, else 503 naming what is not
 * ready). Bound to loopback unless configured otherwise.
 */
public final class AdminServer {
    private static final String TEXT_FORMAT = "text/plain; version=0.0.4";
    private final Vertx vertx;
    private final PrometheusMeterRegistry registry;
    private final Supplier<List<String>> notReady;
    private final Supplier<List<String>> details;
    private HttpServer server;

    /**
     * @param notReady lists the components that are not ready (ids and kinds only); empty when ready
     */
    public AdminServer(Vertx vertx, PrometheusMeterRegistry registry, Supplier<List<String>> notReady) {
        this(vertx, registry, notReady, List::of);
    }

    /**
     * @param details extra status lines appended to the /readyz body (canary result, {@code degraded: ...} alert
     *                targets); they never change the status code
     */
    public AdminServer(Vertx vertx, PrometheusMeterRegistry registry, Supplier<List<String>> notReady,
                       Supplier<List<String>> details) {
        this.vertx = vertx;
        this.registry = registry;
        this.notReady = notReady;
        this.details = details;
    }

    public Future<Integer> start(String host, int port) {
        Router router = Router.router(vertx);
        router.get("/metrics").handler(ctx -> {
            // name[]=... selects metric families, as Prometheus's own exporters do: a poller that needs one counter
            // (a benchmark, a readiness script) then costs the daemon a fraction of a full scrape (~8 ms here).
            List<String> names = ctx.queryParam("name[]");
            String body = names.isEmpty() ? registry.scrape() : registry.scrape(TEXT_FORMAT, families(names));
            ctx.response().putHeader("Content-Type", TEXT_FORMAT + "; charset=utf-8").end(body);
        });
        router.get("/healthz").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain").end("ok\n"));
        router.get("/readyz").handler(ctx -> {
            List<String> missing = notReady.get();
            List<String> extra = details.get();
            StringBuilder tail = new StringBuilder();
            extra.forEach(l -> tail.append(l).append('\n'));
            boolean degraded = extra.stream().anyMatch(l -> l.startsWith("degraded"));
            if (missing.isEmpty()) {
                ctx.response().putHeader("Content-Type", "text/plain")
                        .end((degraded ? "ready (degraded)\n" : "ready\n") + tail);
            } else {
                ctx.response().setStatusCode(503).putHeader("Content-Type", "text/plain")
                        .end("not ready: " + String.join(", ", missing) + "\n" + tail);
            }
        });
        return vertx.createHttpServer().requestHandler(router).listen(port, host).map(s -> {
            server = s;
            return s.actualPort();
        });
    }

    /** Families named as exposed ({@code x_total}, {@code x_count} ...) or as registered ({@code x}): both select x. */
    static Set<String> families(List<String> names) {
        Set<String> out = new java.util.HashSet<>();
        for (String n : names) {
            out.add(n);
            for (String suffix : SAMPLE_SUFFIXES) {
                if (n.endsWith(suffix)) {
                    out.add(n.substring(0, n.length() - suffix.length()));
                }
            }
        }
        return out;
    }

    private static final List<String> SAMPLE_SUFFIXES = List.of("_total", "_count", "_sum", "_bucket", "_max", "_info");

    public Future<Void> stop() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
