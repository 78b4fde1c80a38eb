package io.redactd.outputs.delivery;

import io.vertx.core.http.HttpClosedException;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.concurrent.TimeoutException;

/**
 * Names a delivery failure for logs and /readyz in words an operator can act on. Only this project's own texts are
 * used (exception messages from the network stack are not echoed), so nothing from a response or an event leaks.
 */
public final class Failures {
    private Failures() {
    }

    public static String describe(Throwable failure) {
        if (failure instanceof ExchangeException || failure instanceof OutputFailure) {
            return failure.getMessage();
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException) {
                return "TLS handshake failed: server certificate not trusted (set tls.ca_file to the CA that signs it,"
                        + " or add that CA to the JVM trust store)";
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                // The JDK's texts for a name mismatch: "No subject alternative DNS name matching ..." and the like.
                String message = String.valueOf(t.getMessage());
                if (message.contains("subject alternative") || message.contains("No name matching")) {
                    return "TLS handshake failed: the server certificate does not name the endpoint's host";
                }
                return "TLS handshake failed: server certificate not trusted (" + t.getClass().getSimpleName() + ")";
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return "TLS handshake failed (" + t.getClass().getSimpleName() + ")";
            }
            if (t instanceof ConnectException) {
                return "cannot connect (connection refused or unreachable)";
            }
            if (t instanceof UnknownHostException) {
                return "cannot resolve the endpoint's host";
            }
            if (t instanceof HttpClosedException) {
                return "connection closed by the server";
            }
            if (t instanceof TimeoutException) {
                return "timed out (" + t.getClass().getSimpleName() + ")";
            }
        }
        return failure.getClass().getSimpleName();
    }
}
