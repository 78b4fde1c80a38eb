package io.redactd.daemon.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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

    private static byte[] read(String file, String name) throws IOException {
        try {
            return Files.readAllBytes(Path.of(file));
        } catch (IOException e) {
            throw new IOException("tls." + name + ": cannot read " + file + ": " + e.getClass().getSimpleName(), e);
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
