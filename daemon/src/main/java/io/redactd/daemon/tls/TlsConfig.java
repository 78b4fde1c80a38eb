package io.redactd.daemon.tls;

import io.redactd.outputs.ConfigProblem;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code tls:} block of a listener.
 *
 * @param cert               PEM certificate chain file (leaf first)
 * @param key                PEM private key file: PKCS#8 ({@code PRIVATE KEY}), PKCS#1 RSA or SEC1 EC; unencrypted
 * @param clientCa           PEM file of CA certificates that client certificates must chain to (mTLS)
 * @param clientAuth         none | optional | required
 * @param allowedClients     subject CNs or subject-alternative names (DNS, email, URI, IP) accepted after the
 *                           handshake; empty = any client certificate signed by {@code client_ca}
 * @param reloadIntervalSecs how often the three files are checked for changes (content hash)
 * @param engine             auto | openssl | jdk: the TLS implementation ({@link TlsEngine}); same policy either way
 */
public record TlsConfig(
        String cert,
        String key,
        String clientCa,
        ClientAuthMode clientAuth,
        List<String> allowedClients,
        Integer reloadIntervalSecs,
        TlsEngine engine) {

    public TlsConfig {
        clientAuth = clientAuth == null ? ClientAuthMode.NONE : clientAuth;
        allowedClients = allowedClients == null ? List.of() : List.copyOf(allowedClients);
        reloadIntervalSecs = reloadIntervalSecs == null ? 5 : reloadIntervalSecs;
        engine = engine == null ? TlsEngine.AUTO : engine;
    }

    /** With the default engine ({@code auto}). */
    public TlsConfig(String cert, String key, String clientCa, ClientAuthMode clientAuth, List<String> allowedClients,
                     Integer reloadIntervalSecs) {
        this(cert, key, clientCa, clientAuth, allowedClients, reloadIntervalSecs, null);
    }

    /** The same block with another engine (tests run the listeners under each). */
    public TlsConfig withEngine(TlsEngine other) {
        return new TlsConfig(cert, key, clientCa, clientAuth, allowedClients, reloadIntervalSecs, other);
    }

    public static TlsConfig of(String cert, String key) {
        return new TlsConfig(cert, key, null, ClientAuthMode.NONE, List.of(), null, null);
    }

    /** Problems with this block, with paths relative to it ({@code cert}, {@code client_ca}, ...). */
    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        if (cert == null || cert.isBlank()) {
            problems.add(ConfigProblem.of("cert", "required (PEM certificate file)"));
        }
        if (key == null || key.isBlank()) {
            problems.add(ConfigProblem.of("key", "required (PEM private key file)"));
        }
        if (clientAuth != ClientAuthMode.NONE && (clientCa == null || clientCa.isBlank())) {
            problems.add(ConfigProblem.of("client_ca", "required when client_auth is " + clientAuth.configName()));
        }
        if (!allowedClients.isEmpty() && clientAuth == ClientAuthMode.NONE) {
            problems.add(ConfigProblem.of("allowed_clients", "needs client_auth optional or required"));
        }
        if (reloadIntervalSecs < 1 || reloadIntervalSecs > 3600) {
            problems.add(ConfigProblem.of("reload_interval_secs", "must be between 1 and 3600, got " + reloadIntervalSecs));
        }
        // The files themselves, as the listener will read them: a missing or wrong file is a config problem with its
        // path and line (check-config and start-up alike), not a failure when the listener starts.
        problems.addAll(PemMaterial.problems(this));
        if (engine == TlsEngine.OPENSSL && TlsEngine.openSslProblem() != null) {
            problems.add(ConfigProblem.of("engine", "openssl cannot be used on this host (" + TlsEngine.openSslProblem()
                    + "); use auto or jdk"));
        }
        return problems;
    }

    /** The same problems under a parent key, e.g. {@code tls.cert}. */
    public List<ConfigProblem> validate(String parent) {
        return validate().stream().map(p -> ConfigProblem.of(parent + "." + p.path(), p.message())).toList();
    }
}
