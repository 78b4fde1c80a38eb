package io.redactd.daemon.config;

import io.redactd.outputs.ConfigProblem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code detectors.tokenization:} the HMAC-SHA-256 key for the {@code tokenize} action. Exactly one of
 * {@code key_file} and {@code key_env}; the key is the trimmed content (its characters are the HMAC key, not
 * decoded), at least 32 characters and random: placeholders and keys that are obviously not random are refused
 * ({@link TokenizationKeyCheck}; {@code openssl rand -hex 32}). The key id goes into every token so keys can be rotated.
 *
 * @param keyFile file holding the key (mode 0600)
 * @param keyEnv  environment variable holding the key
 * @param keyId   short id of the key, e.g. {@code k2026}
 */
public record TokenizationConfig(String keyFile, String keyEnv, String keyId) {
    public static final int MIN_KEY_CHARS = 32;

    public List<ConfigProblem> validate() {
        List<ConfigProblem> problems = new ArrayList<>();
        if ((keyFile == null) == (keyEnv == null)) {
            problems.add(ConfigProblem.of("", "give exactly one of key_file and key_env"));
        }
        if (keyId == null || !keyId.matches("[A-Za-z0-9_-]{1,32}")) {
            problems.add(ConfigProblem.of("key_id", "a key id of 1-32 letters, digits, '_' or '-' is required"));
        }
        return problems;
    }

    /** Reads the key; problems name the file or variable, never the key. */
    public byte[] readKey(Map<String, String> env, List<ConfigProblem> problems) {
        String key;
        if (keyFile != null) {
            try {
                key = Files.readString(Path.of(keyFile), StandardCharsets.UTF_8).strip();
            } catch (IOException | RuntimeException e) {
                problems.add(ConfigProblem.of("key_file", "cannot read " + keyFile + ": " + e.getClass().getSimpleName()));
                return null;
            }
        } else {
            key = env.get(keyEnv);
            if (key == null) {
                problems.add(ConfigProblem.of("key_env", "environment variable " + keyEnv + " is not set"));
                return null;
            }
            key = key.strip();
        }
        String weak = TokenizationKeyCheck.problem(key);
        if (weak != null) {
            problems.add(ConfigProblem.of(keyFile != null ? "key_file" : "key_env", weak));
            return null;
        }
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
