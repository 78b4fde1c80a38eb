package io.redactd.daemon.alert;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Function;

/**
 * POSTs an alert as JSON: the generic webhook body (HMAC-signed when a secret is configured), Slack's incoming
 * webhook form or a PagerDuty Events API v2 trigger. HTTPS trusts the JVM's store or {@code tls.ca_file}.
 */
final class HttpAlertTarget implements AlertTarget {
    static final String SIGNATURE_HEADER = "X-Redactd-Signature";

    private final String id;
    private final String url;
    private final Map<String, String> headers;
    private final Function<Alert, byte[]> body;
    private final byte[] secret;
    private final long timeoutMs;
    private final HttpClientAgent client;

    HttpAlertTarget(String id, Vertx vertx, AlertTargetConfig config, Map<String, String> env) {
        this.id = id;
        this.url = config.url();
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
        this.client = vertx.createHttpClient(options);
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
        return client.request(req)
                .compose(r -> r.send(Buffer.buffer(payload)))
                .recover(e -> Future.failedFuture(new DeliveryException(e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : ": " + e.getMessage()), false)))
                .compose(resp -> resp.body().compose(ignored -> {
                    int code = resp.statusCode();
                    if (code / 100 == 2) {
                        return Future.succeededFuture();
                    }
                    boolean permanent = code / 100 == 4 && code != 408 && code != 429;
                    return Future.failedFuture(new DeliveryException("HTTP " + code, permanent));
                }));
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
