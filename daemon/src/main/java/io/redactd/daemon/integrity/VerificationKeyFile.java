package io.redactd.daemon.integrity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The auditor's copy of the keys, as {@code redactd keygen} prints them:
 * <pre>
 *   verification-key=&lt;64 hex digits: K[0]&gt;
 *   ed25519-public-key=&lt;64 hex digits&gt;     (optional)
 * </pre>
 * A file holding only the 64 hex digits of K[0] is accepted too, and so is keygen's whole output (its other lines
 * are prose, skipped).
 */
record VerificationKeyFile(byte[] k0, byte[] ed25519Public) {
    static final String KEY = "verification-key";
    static final String PUBLIC = "ed25519-public-key";
    /** A bare key line; one of another length is still read, so a truncated key is an error, not ignored. */
    private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]+");

    static VerificationKeyFile read(Path file) throws IOException {
        byte[] k0 = null;
        byte[] pub = null;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0 && !HEX.matcher(line).matches()) {
                continue; // keygen's own words around the key lines: the whole of its output is a valid key file
            }
            String name = eq < 0 ? KEY : line.substring(0, eq).strip();
            String value = eq < 0 ? line : line.substring(eq + 1).strip();
            if (name.equals(KEY)) {
                k0 = Hex.decode(value, 32, "verification key in " + file);
            } else if (name.equals(PUBLIC)) {
                pub = Hex.decode(value, 32, "Ed25519 public key in " + file);
            }
        }
        if (k0 == null && pub == null) {
            throw new IllegalArgumentException(file + " holds no " + KEY + "= or " + PUBLIC + "= line");
        }
        return new VerificationKeyFile(k0, pub);
    }
}
