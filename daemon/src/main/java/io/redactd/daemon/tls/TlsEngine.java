package io.redactd.daemon.tls;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.SSLEngineOptions;

/**
 * Which TLS implementation a listener runs ({@code tls.engine}): {@code openssl} is Netty's engine over the
 * BoringSSL that netty-tcnative-boringssl-static bundles (native AES-GCM and ChaCha20 from the first byte, whereas
 * the JDK engine spends most of its decryption time in GHASH written in Java, as Netty hands it direct buffers),
 * {@code jdk} the JDK's SSLEngine, {@code auto} (the default) OpenSSL when it loads on this host and can run the whole
 * policy, the JDK otherwise. Both run the same {@link TlsPolicy}.
 */
public enum TlsEngine {
    AUTO,
    OPENSSL,
    JDK;

    @JsonValue
    public String configName() {
        return ConfigNames.of(this);
    }

    @JsonCreator
    public static TlsEngine fromConfig(String value) {
        return ConfigNames.parse(values(), value);
    }

    /**
     * The engine this setting runs in this process: {@code auto} becomes {@code openssl} or {@code jdk}.
     *
     * @throws IllegalStateException for {@code openssl} when OpenSSL cannot be used here, with the reason
     */
    public TlsEngine resolve() {
        return switch (this) {
            case AUTO -> OpenSslCheck.PROBLEM == null ? OPENSSL : JDK;
            case OPENSSL -> {
                if (OpenSslCheck.PROBLEM != null) {
                    throw new IllegalStateException("tls.engine: openssl cannot be used on this host ("
                            + OpenSslCheck.PROBLEM + "); use engine: auto or jdk");
                }
                yield OPENSSL;
            }
            case JDK -> JDK;
        };
    }

    /** Why OpenSSL cannot run the policy in this process, or null when it can (the library is loaded once). */
    public static String openSslProblem() {
        return OpenSslCheck.PROBLEM;
    }

    /** For the start-up line: what {@link #resolve()} picked and, where that is not obvious, why. */
    public String describeResolved() {
        TlsEngine used = resolve();
        if (used == OPENSSL) {
            return "openssl (" + OpenSsl.versionString() + ", netty-tcnative)";
        }
        return this == AUTO ? "jdk (tls.engine auto: OpenSSL unavailable: " + OpenSslCheck.PROBLEM + ")" : "jdk";
    }

    /** Vert.x engine options of a resolved engine (a fresh copy: Vert.x options are mutable). */
    SSLEngineOptions vertxOptions() {
        return switch (resolve()) {
            case OPENSSL -> new OpenSSLEngineOptions();
            case JDK -> new JdkSSLEngineOptions();
            case AUTO -> throw new IllegalStateException("unresolved");
        };
    }

    /**
     * Loads the native library once per process (Netty extracts it next to its epoll transport's) and checks that it
     * can run the whole policy: TLS 1.3 and every TLS 1.2 suite of {@link TlsPolicy#CIPHER_SUITES}. Null when usable.
     */
    private static final class OpenSslCheck {
        static final String PROBLEM = check();

        private static String check() {
            try {
                if (!OpenSsl.isAvailable()) {
                    Throwable cause = OpenSsl.unavailabilityCause();
                    return cause == null ? "not available" : describe(cause);
                }
                if (!SslProvider.isTlsv13Supported(SslProvider.OPENSSL)) {
                    return OpenSsl.versionString() + " without TLS 1.3";
                }
                for (String suite : TlsPolicy.CIPHER_SUITES) {
                    if (suite.startsWith("TLS_ECDHE_") && !OpenSsl.isCipherSuiteAvailable(suite)) {
                        return OpenSsl.versionString() + " lacks " + suite;
                    }
                }
                return null;
            } catch (LinkageError e) { // netty-tcnative classes missing from a trimmed class path
                return e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }

        /** The innermost cause (e.g. the UnsatisfiedLinkError under Netty's wrapper), class and message. */
        private static String describe(Throwable t) {
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root.getClass().getSimpleName() + ": " + root.getMessage();
        }
    }
}
