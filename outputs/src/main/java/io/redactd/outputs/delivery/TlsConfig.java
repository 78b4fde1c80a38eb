package io.redactd.outputs.delivery;

import io.redactd.outputs.ConfigProblem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tls:} settings of an HTTPS output.
 *
 * @param caFile         PEM file of the CA(s) that sign the server certificate; absent: the JVM's default trust store
 * @param verifyHostname check that the certificate names the host of the endpoint (default true; turning it off is
 *                       logged at every start)
 */
public record TlsConfig(String caFile, Boolean verifyHostname) {
    public static final TlsConfig DEFAULT = new TlsConfig(null, null);

    public TlsConfig {
        verifyHostname = verifyHostname == null || verifyHostname;
    }

    public List<ConfigProblem> validate(String prefix) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (caFile != null && !Files.isReadable(Path.of(caFile))) {
            problems.add(ConfigProblem.of(prefix + "ca_file", "cannot read CA file " + caFile));
        }
        return problems;
    }
}
