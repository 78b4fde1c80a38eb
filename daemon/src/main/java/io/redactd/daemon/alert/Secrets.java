package io.redactd.daemon.alert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/** Reads a secret from a file or an environment variable; errors name the file or variable, never the secret. */
final class Secrets {
    private Secrets() {
    }

    /**
     * Null when neither is given. Throws IllegalArgumentException with {@code /run/x: no such file},
     * {@code /run/x: is empty} or {@code environment variable X is not set}: a config problem's message (the key is its
     * path) or, prefixed with {@code what}, a start-up error.
     */
    static String read(String file, String envName, Map<String, String> env) {
        if (file != null) {
            String s;
            try {
                s = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (NoSuchFileException e) {
                throw new IllegalArgumentException(file + ": no such file");
            } catch (AccessDeniedException e) {
                throw new IllegalArgumentException(file + ": permission denied");
            } catch (IOException | RuntimeException e) {
                // The exception's message is not used: a decoding error could quote the file's bytes.
                throw new IllegalArgumentException(file + ": cannot read (" + e.getClass().getSimpleName() + ")");
            }
            if (s.isEmpty()) {
                throw new IllegalArgumentException(file + ": is empty");
            }
            return s;
        }
        if (envName != null) {
            String s = env.get(envName);
            if (s == null || s.isBlank()) {
                throw new IllegalArgumentException("environment variable " + envName + " is not set");
            }
            return s.strip();
        }
        return null;
    }

    /** {@link #read(String, String, Map)} for start-up: the message says which target and which secret. */
    static String read(String file, String envName, Map<String, String> env, String what) {
        try {
            return read(file, envName, env);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + ": " + e.getMessage());
        }
    }
}
