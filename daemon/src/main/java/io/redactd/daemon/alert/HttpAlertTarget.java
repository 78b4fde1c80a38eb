package io.redactd.daemon.alert;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * POSTs an alert as JSON: the generic webhook body (HMAC-signed when a secret is configured), Slack's incoming
 * webhook form or a PagerDuty Events API v2 trigger. HTTPS trusts the JVM's store or {@code tls.ca_file}.
 *
 * <p>The URL's path and query are credentials for Slack (the webhook path) and for many webhooks ({@code ?token=}),
 * so a failure is described by its kind, the status and {@code host:port} only: never the URL, and never a client
 * exception's message (Vert.x's name the request line).
 */
final class HttpAlertTarget implements AlertTarget {
    static final String SIGNATURE_HEADER = "X-Redactd-Signature";

    private final String id;
    private final String url;
    /** {@code host:port} of the url: all of it a message may name. */
    private final String hostPort;
    private final Vertx vertx;
    private final Map<String, String> headers;
    private final Function<Alert, byte[]> body;
    private final byte[] secret;
    private final long timeoutMs;
    private final HttpClientAgent client;

    HttpAlertTarget(String id, Vertx vertx, AlertTargetConfig config, Map<String, String> env) {
        this.id = id;
        this.url = config.url();
        this.hostPort = hostPort(url);
        this.vertx = vertx;
        this.headers = config.headers();
        this.timeoutMs = config.timeoutDuration().toMillis();
        String s = Secrets.read(config.secretFile(), config.secretEnv(), env, "alert target " + id + " secret");
        this.secret = s == null ? null : s.getBytes(StandardCharsets.UTF_8);
        this.body = switch (config.type()) {
            case "slack" -> a -> AlertPayloads.bytes(AlertPayloads.slack(a));
            case "pagerduty" -> {
                String key = Secrets.read(config.routingKeyFile(), config.routingKeyEnv(), env,
                        "alert target " + id + " routing key");
                yield a -> AlertPayloads.bytes(AlertPayloads.pagerDuty(a, key));
            }
            default -> a -> AlertPayloads.bytes(AlertPayloads.generic(a));
        };
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs))
                .setVerifyHost(config.tls().verifyHostname());
        if (config.tls().caFile() != null) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(config.tls().caFile()));
        }
        // One connection per attempt in flight: a smaller pool would queue attempts inside the client, where they
        // would use up their timeout waiting for a connection.
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(Math.max(1, config.maxInFlight())));
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Future<Void> send(Alert alert) {
        byte[] payload = body.apply(alert);
        RequestOptions req = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                .setIdleTimeout(timeoutMs)
                .putHeader("Content-Type", "application/json")
                .putHeader("User-Agent", "redactd-alerts");
        headers.forEach(req::putHeader);
        if (secret != null) {
            req.putHeader(SIGNATURE_HEADER, "sha256=" + hmacHex(secret, payload));
        }
        // `timeout` bounds the whole attempt (connection, request, answer): the idle timeout alone lets a server that
        // trickles bytes hold it for ever. At the deadline the request is reset and the attempt fails.
        Promise<Void> result = Promise.promise();
        HttpClientRequest[] request = new HttpClientRequest[1];
        long timer = vertx.setTimer(timeoutMs, t -> {
            if (result.tryFail(new DeliveryException("no answer within " + timeoutMs + " ms from " + hostPort, false))
                    && request[0] != null) {
                request[0].reset();
            }
        });
        Future<HttpClientRequest> requested;
        try {
            requested = client.request(req);
        } catch (RuntimeException e) {
            vertx.cancelTimer(timer);
            return Future.failedFuture(new DeliveryException(describe(e, timeoutMs) + " (" + hostPort + ")", false));
        }
        requested
                .compose(r -> {
                    if (result.future().isComplete()) {
                        // The deadline passed while a connection was found: the attempt already failed and will be
                        // retried, so this request must not go out too (a duplicate alert, a pool slot held).
                        r.reset();
                        return Future.failedFuture(new DeliveryException("no answer within " + timeoutMs + " ms from "
                                + hostPort, false));
                    }
                    request[0] = r;
                    return r.send(Buffer.buffer(payload));
                })
                .compose(resp -> resp.body().map(ignored -> resp.statusCode()))
                .onComplete(ar -> {
                    vertx.cancelTimer(timer);
                    if (ar.failed()) {
                        result.tryFail(new DeliveryException(describe(ar.cause(), timeoutMs) + " (" + hostPort + ")", false));
                        return;
                    }
                    int code = ar.result();
                    if (code / 100 == 2) {
                        result.tryComplete();
                    } else {
                        result.tryFail(new DeliveryException("HTTP " + code + " from " + hostPort
                                + (code / 100 == 3 ? " (redirects are not followed: fix the url)" : ""), permanent(code)));
                    }
                });
        return result.future();
    }

    /**
     * A 4xx other than 408/429 will not change by retrying, and neither will a 3xx: redirects are not followed (an
     * alert must not be sent where the config does not say), so retrying one would repeat it for ever.
     */
    static boolean permanent(int code) {
        return code / 100 == 3 || (code / 100 == 4 && code != 408 && code != 429);
    }

    /** The kind of a transport failure, in words; never the exception's message, which can quote the URL. */
    static String describe(Throwable e, long timeoutMs) {
        if (e instanceof TimeoutException || e.getClass().getSimpleName().contains("Timeout")) {
            return "timed out (" + timeoutMs + " ms)";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof SSLException) {
            return "TLS failure (" + e.getClass().getSimpleName() + ")";
        }
        if (e instanceof HttpClosedException) {
            return "connection closed by the server";
        }
        if (e instanceof IOException) {
            return "connection error (" + e.getClass().getSimpleName() + ")";
        }
        return "delivery error (" + e.getClass().getSimpleName() + ")";
    }

    /** {@code host:port} of an http(s) URL, the port made explicit; {@code ?} when it does not parse. */
    static String hostPort(String url) {
        try {
            URI u = URI.create(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            int port = u.getPort() >= 0 ? u.getPort() : scheme.equals("http") ? 80 : 443;
            String host = u.getHost() == null ? "?" : u.getHost();
            return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
        } catch (IllegalArgumentException e) {
            return "?";
        }
    }

    static String hmacHex(byte[] key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JRE", e);
        }
    }

    @Override
    public Future<Void> close() {
        return client.close();
    }
}
