package io.redactd.daemon.tls;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The one TLS policy of every redactd listener: TLS 1.3 and 1.2 only; in TLS 1.2 only forward-secret ECDHE key
 * exchange with AEAD ciphers (AES-GCM, ChaCha20-Poly1305). No CBC, no RSA key exchange, no SHA-1 MACs.
 */
public final class TlsPolicy {
    public static final Set<String> PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

    /** JDK (IANA) suite names; TLS 1.3 suites first. */
    public static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_256_GCM_SHA384",
            "TLS_AES_128_GCM_SHA256",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private TlsPolicy() {
    }

    /** The complete server SSL options for the given key material (used at start and on every reload). */
    public static ServerSSLOptions serverOptions(PemMaterial material, ClientAuthMode clientAuth, long handshakeTimeoutMs) {
        ServerSSLOptions options = new ServerSSLOptions()
                .setKeyCertOptions(keyCert(material))
                .setClientAuth(clientAuth.vertx())
                .setEnabledSecureTransportProtocols(PROTOCOLS)
                .setSslHandshakeTimeout(handshakeTimeoutMs)
                .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
        CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
        if (material.clientCa() != null) {
            options.setTrustOptions(trust(material));
        }
        return options;
    }

    /** Puts the same policy on a server's listen options (Vert.x reads TLS settings from there at listen time). */
    public static void apply(NetServerOptions target, ServerSSLOptions ssl) {
        target.setSsl(true)
                .setKeyCertOptions(ssl.getKeyCertOptions())
                .setClientAuth(ssl.getClientAuth())
                .setEnabledSecureTransportProtocols(ssl.getEnabledSecureTransportProtocols())
                .setSslHandshakeTimeout(ssl.getSslHandshakeTimeout())
                .setSslHandshakeTimeoutUnit(ssl.getSslHandshakeTimeoutUnit());
        ssl.getEnabledCipherSuites().forEach(target::addEnabledCipherSuite);
        if (ssl.getTrustOptions() != null) {
            target.setTrustOptions(ssl.getTrustOptions());
        }
    }

    private static PemKeyCertOptions keyCert(PemMaterial material) {
        return new PemKeyCertOptions()
                .setCertValue(Buffer.buffer(material.cert()))
                .setKeyValue(Buffer.buffer(material.key()));
    }

    private static PemTrustOptions trust(PemMaterial material) {
        return new PemTrustOptions().addCertValue(Buffer.buffer(material.clientCa()));
    }
}
