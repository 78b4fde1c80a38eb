package io.redactd.outputs.delivery;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemTrustOptions;

import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * A parsed {@code http(s)://host:port/base} endpoint and the Vert.x client for it.
 *
 * @param basePath path prefix without trailing slash ("" for none)
 */
public record HttpEndpoint(boolean tls, String host, int port, String basePath) {

    public static HttpEndpoint parse(String url) {
        URI uri = URI.create(url);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("endpoint must start with http:// or https://");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("endpoint has no host");
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new HttpEndpoint(tls, uri.getHost(), port, path);
    }

    /** A validation message for {@code url}, or null when it is usable. */
    public static String problem(String url) {
        if (url == null || url.isBlank()) {
            return "no endpoint given";
        }
        try {
            parse(url);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    public HttpClientAgent createClient(Vertx vertx, TlsConfig tlsConfig, int connectTimeoutMs, int maxConnections) {
        HttpClientOptions options = new HttpClientOptions()
                .setDefaultHost(host)
                .setDefaultPort(port)
                .setConnectTimeout(connectTimeoutMs)
                .setKeepAlive(true)
                .setDecompressionSupported(true);
        if (tls) {
            options.setSsl(true);
            if (tlsConfig.caFile() != null) {
                options.setTrustOptions(new PemTrustOptions().addCertPath(tlsConfig.caFile()));
            }
            options.setVerifyHost(tlsConfig.verifyHostname());
            // Without a CA file the client keeps the JVM's default trust store; the SSL options exist only once an
            // SSL setting is made, so set the handshake bound first (it was read while still null: bb7 D7).
            options.setSslHandshakeTimeout(connectTimeoutMs).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
            options.getSslOptions().setHostnameVerificationAlgorithm(tlsConfig.verifyHostname() ? "HTTPS" : "");
        }
        return vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(maxConnections));
    }
}
