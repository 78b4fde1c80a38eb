package io.redactd.outputs.delivery;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a credential from a file (password, API key, HEC token), so it never sits in the config itself. */
public final class SecretFile {
    private SecretFile() {
    }

    /** The file's content without surrounding whitespace; errors name the file, never its content. */
    public static String read(String path) throws IOException {
        String secret;
        try {
            secret = Files.readString(Path.of(path), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IOException("cannot read secret file " + path + ": " + e.getClass().getSimpleName(), e);
        }
        if (secret.isEmpty()) {
            throw new IOException("secret file " + path + " is empty");
        }
        if (secret.indexOf('\n') >= 0 || secret.indexOf('\r') >= 0) {
            throw new IOException("secret file " + path + " holds more than one line");
        }
        return secret;
    }
}
