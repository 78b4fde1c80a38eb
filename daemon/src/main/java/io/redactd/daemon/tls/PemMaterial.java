package io.redactd.daemon.tls;

import io.redactd.outputs.ConfigProblem;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.impl.KeyStoreHelper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

/**
 * The PEM bytes of one listener's certificate chain, private key and (optional) client CA bundle, with a digest over
 * all three so a reload can tell whether anything changed. Checks the block types so a wrong file gets a clear error
 * at start instead of an opaque handshake failure later; the key bytes never appear in a message.
 */
public record PemMaterial(byte[] cert, byte[] key, byte[] clientCa, String digest) {

    public static PemMaterial load(TlsConfig config) throws IOException {
        byte[] cert = read(config.cert(), "cert");
        byte[] key = read(config.key(), "key");
        byte[] ca = config.clientCa() == null ? null : read(config.clientCa(), "client_ca");
        requireBlock(cert, "CERTIFICATE", "tls.cert: " + config.cert() + " holds no PEM CERTIFICATE block");
        if (ca != null) {
            requireBlock(ca, "CERTIFICATE", "tls.client_ca: " + config.clientCa() + " holds no PEM CERTIFICATE block");
        }
        String keyText = new String(key, StandardCharsets.US_ASCII);
        if (keyText.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new IOException("tls.key: " + config.key() + " is encrypted; provide an unencrypted PEM key (protect it with file permissions)");
        }
        if (!keyText.contains("-----BEGIN PRIVATE KEY-----") && !keyText.contains("-----BEGIN RSA PRIVATE KEY-----")
                && !keyText.contains("-----BEGIN EC PRIVATE KEY-----")) {
            throw new IOException("tls.key: " + config.key() + " holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
        }
        return new PemMaterial(cert, key, ca, digest(cert, key, ca));
    }

    /**
     * What the listener would fail on when it starts or first handshakes, as config problems (paths {@code cert},
     * {@code key}, {@code client_ca}): a file that cannot be read, a certificate that does not parse, a key that does
     * not parse or does not belong to the certificate. {@code check-config} and the daemon's start-up both run this
     * (through {@link TlsConfig#validate()}). Messages name the file, never its contents.
     */
    public static List<ConfigProblem> problems(TlsConfig config) {
        List<ConfigProblem> problems = new ArrayList<>();
        List<X509Certificate> chain = null;
        byte[] cert = config.cert() == null || config.cert().isBlank() ? null : readProblem(config.cert(), "cert", problems);
        if (cert != null) {
            chain = certificates(cert, config.cert(), "cert", problems);
        }
        byte[] key = config.key() == null || config.key().isBlank() ? null : readProblem(config.key(), "key", problems);
        if (key != null) {
            keyProblems(cert, key, chain, config, problems);
        }
        if (config.clientCa() != null && !config.clientCa().isBlank()) {
            byte[] ca = readProblem(config.clientCa(), "client_ca", problems);
            if (ca != null) {
                certificates(ca, config.clientCa(), "client_ca", problems);
            }
        }
        return problems;
    }

    /**
     * The checks of {@link #problems(TlsConfig)} on these bytes as they were read: a reload judges exactly the
     * material it would load (reading the files again could see another moment of a rotation in progress).
     */
    public List<ConfigProblem> problemsAsLoaded(TlsConfig config) {
        List<ConfigProblem> problems = new ArrayList<>();
        List<X509Certificate> chain = certificates(cert, config.cert(), "cert", problems);
        keyProblems(cert, key, chain, config, problems);
        if (clientCa != null) {
            certificates(clientCa, config.clientCa(), "client_ca", problems);
        }
        return problems;
    }

    private static void keyProblems(byte[] cert, byte[] key, List<X509Certificate> chain, TlsConfig config,
                                    List<ConfigProblem> problems) {
        String keyProblem = keyProblem(key, config.key());
        if (keyProblem != null) {
            problems.add(ConfigProblem.of("key", keyProblem));
        } else if (chain != null && !chain.isEmpty()) {
            String mismatch = matchProblem(cert, key, chain.get(0), config);
            if (mismatch != null) {
                problems.add(ConfigProblem.of("key", mismatch));
            }
        }
    }

    /** {@code /etc/x.pem: no such file}: the reason without an exception's message (it can echo more than the name). */
    public static String unreadable(String file, IOException e) {
        String why;
        if (e instanceof NoSuchFileException) {
            why = "no such file";
        } else if (e instanceof AccessDeniedException) {
            why = "permission denied";
        } else if (Files.isDirectory(Path.of(file))) {
            why = "is a directory, not a file";
        } else {
            why = "cannot read (" + e.getClass().getSimpleName() + ")";
        }
        return file + ": " + why;
    }

    private static byte[] readProblem(String file, String name, List<ConfigProblem> problems) {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException | RuntimeException e) {
            problems.add(ConfigProblem.of(name, e instanceof IOException io ? unreadable(file, io)
                    : file + ": not a usable path"));
            return null;
        }
    }

    private static List<X509Certificate> certificates(byte[] pem, String file, String name, List<ConfigProblem> problems) {
        if (!new String(pem, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
            problems.add(ConfigProblem.of(name, file + ": holds no PEM CERTIFICATE block"));
            return null;
        }
        try {
            Collection<? extends Certificate> certs =
                    CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem));
            List<X509Certificate> out = new ArrayList<>();
            for (Certificate c : certs) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                problems.add(ConfigProblem.of(name, file + ": holds no readable certificate"));
                return null;
            }
            return out;
        } catch (GeneralSecurityException | RuntimeException e) {
            problems.add(ConfigProblem.of(name, file + ": a CERTIFICATE block does not parse as an X.509 certificate"));
            return null;
        }
    }

    private static String keyProblem(byte[] key, String file) {
        String text = new String(key, StandardCharsets.US_ASCII);
        if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            return file + ": is encrypted; provide an unencrypted PEM key (protect it with file permissions)";
        }
        if (!text.contains("-----BEGIN PRIVATE KEY-----") && !text.contains("-----BEGIN RSA PRIVATE KEY-----")
                && !text.contains("-----BEGIN EC PRIVATE KEY-----")) {
            return file + ": holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)";
        }
        return null;
    }

    /**
     * Parses the key the way the listener will (Vert.x's PEM loader, with values: no file system, no Vert.x
     * instance) and checks that it signs what the certificate's public key verifies. Messages never quote the key.
     */
    private static String matchProblem(byte[] cert, byte[] key, X509Certificate leaf, TlsConfig config) {
        PrivateKey privateKey;
        try {
            KeyStore store = new PemKeyCertOptions().setCertValue(Buffer.buffer(cert)).setKeyValue(Buffer.buffer(key))
                    .loadKeyStore(null);
            privateKey = null;
            for (String alias : Collections.list(store.aliases())) {
                Key k = store.getKey(alias, KeyStoreHelper.DUMMY_PASSWORD.toCharArray());
                if (k instanceof PrivateKey pk) {
                    privateKey = pk;
                }
            }
        } catch (Exception e) {
            // The loader pairs key and certificate: a key of another algorithm than the certificate's fails here too.
            return config.key() + ": the private key does not parse (PKCS#8, PKCS#1 RSA or SEC1 EC expected) or is not"
                    + " the key of the certificate in " + config.cert();
        }
        if (privateKey == null) {
            return config.key() + ": the private key does not parse (PKCS#8, PKCS#1 RSA or SEC1 EC expected)";
        }
        String algorithm = switch (privateKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (algorithm == null) {
            return null; // a key type this check does not know: the handshake is the judge
        }
        PublicKey publicKey = leaf.getPublicKey();
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            if (verifier.verify(signature)) {
                return null;
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            // a key of another algorithm than the certificate's: a mismatch too
        }
        return config.key() + ": the private key does not belong to the certificate in " + config.cert();
    }

    private static byte[] read(String file, String name) throws IOException {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new IOException("tls." + name + ": " + unreadable(file, e), e);
        }
    }

    private static void requireBlock(byte[] pem, String type, String error) throws IOException {
        if (!new String(pem, StandardCharsets.US_ASCII).contains("-----BEGIN " + type + "-----")) {
            throw new IOException(error);
        }
    }

    private static String digest(byte[]... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                if (part != null) {
                    sha.update(part);
                }
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
