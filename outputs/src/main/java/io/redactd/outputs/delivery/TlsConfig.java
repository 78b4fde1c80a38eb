package io.redactd.outputs.delivery;

import io.redactd.outputs.ConfigProblem;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
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
    private static final String BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String END = "-----END CERTIFICATE-----";

    public TlsConfig {
        verifyHostname = verifyHostname == null || verifyHostname;
    }

    public List<ConfigProblem> validate(String prefix) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (caFile != null) {
            String problem = caFileProblem(Path.of(caFile));
            if (problem != null) {
                problems.add(ConfigProblem.of(prefix + "ca_file", problem));
            }
        }
        return problems;
    }

    /**
     * Loads the CA file as the client will, so a bad one is named at check-config and start instead of failing every
     * request later (the client reads it lazily, at the first connection: bb7 D11). Null when it holds certificates.
     */
    static String caFileProblem(Path file) {
        if (!Files.isReadable(file)) {
            return "cannot read CA file " + file;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "cannot read CA file " + file + " (" + e.getClass().getSimpleName() + ")";
        }
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JVM has no X.509 support", e);
        }
        int certificates = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).trim().equals(BEGIN)) {
                continue;
            }
            int begin = i;
            StringBuilder block = new StringBuilder(BEGIN).append('\n');
            for (i = i + 1; i < lines.size() && !lines.get(i).trim().equals(END); i++) {
                block.append(lines.get(i).trim()).append('\n');
            }
            if (i >= lines.size()) {
                return "certificate at line " + (begin + 1) + " of " + file + " has no " + END + " line";
            }
            block.append(END).append('\n');
            try {
                factory.generateCertificate(new ByteArrayInputStream(block.toString().getBytes(StandardCharsets.US_ASCII)));
            } catch (CertificateException e) {
                return "certificate at line " + (begin + 1) + " of " + file + " is not a valid X.509 certificate";
            }
            certificates++;
        }
        return certificates == 0 ? "no PEM certificate (" + BEGIN + ") in " + file : null;
    }
}
