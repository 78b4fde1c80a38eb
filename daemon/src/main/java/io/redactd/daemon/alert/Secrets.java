package io.redactd.daemon.alert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Reads a secret from a file or an environment variable; errors name the file or variable, never the secret. */
final class Secrets {
    private Secrets() {
    }

    /** Null when neither is given. */
    static String read(String file, String envName, Map<String, String> env, String what) {
        if (file != null) {
            try {
                String s = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
                if (s.isEmpty()) {
                    throw new IllegalArgumentException(what + " file " + file + " is empty");
                }
                return s;
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + what + " file " + file + ": " + e.getClass().getSimpleName());
            }
        }
        if (envName != null) {
            String s = env.get(envName);
            if (s == null || s.isBlank()) {
                throw new IllegalArgumentException(what + " environment variable " + envName + " is not set");
            }
            return s.strip();
        }
        return null;
    }
}
