package io.redactd.daemon.input.http;

import io.redactd.outputs.ConfigProblem;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One ingest token ({@code inputs[].tokens[]}). The config file never needs to hold the token itself: give its
 * SHA-256 in hex ({@code printf %s TOKEN | sha256sum}), a file that holds it (a Kubernetes secret mount), or
 * {@code token: ${ENV_VAR}} so it comes from the environment. Only the digest is kept once loaded.
 *
 * @param source  stamped on the token's events as {@code event.dataset}
 * @param sha256  lower- or upper-case hex SHA-256 of the token
 * @param file    path of a file whose content (trimmed) is the token
 * @param token   the token, meant to be filled in from the environment (never write a literal token here)
 * @param outputs output ids this token's events may reach (carried as {@code redactd.route}); empty = all
 */
public record TokenConfig(
        String source,
        String sha256,
        String file,
        String token,
        List<String> outputs) {

    @Override
    public String toString() {
        // never print the token
        return "TokenConfig[source=" + source + ", sha256=" + sha256 + ", file=" + file + ", token="
                + (token == null ? "null" : "***") + ", outputs=" + outputs + "]";
    }

    public TokenConfig {
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    /** Problems with this entry, with paths under {@code at} (e.g. {@code tokens[0]}). */
    List<ConfigProblem> validate(String at) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (source == null || source.isBlank()) {
            problems.add(ConfigProblem.of(at + ".source", "required (the name stamped as event.dataset)"));
        }
        int given = (sha256 == null ? 0 : 1) + (file == null ? 0 : 1) + (token == null ? 0 : 1);
        if (given == 0) {
            problems.add(ConfigProblem.of(at, "no token given: set sha256, file or token (with token: ${VAR}, is the environment variable set?)"));
        } else if (given > 1) {
            problems.add(ConfigProblem.of(at, "give exactly one of sha256 (hex SHA-256 of the token), file (path to the "
                    + "token) or token (from an environment variable)"));
        }
        if (token != null && token.strip().length() < 16) {
            problems.add(ConfigProblem.of(at + ".token", "shorter than 16 characters (is the environment variable set?)"));
        }
        if (sha256 != null) {
            boolean hex = sha256.length() == 64 && sha256.chars().allMatch(c -> Character.digit(c, 16) >= 0);
            if (!hex) {
                problems.add(ConfigProblem.of(at + ".sha256", "expected 64 hex digits (sha256sum of the token), got " + sha256.length() + " characters"));
            }
        }
        return problems;
    }

    byte[] hashBytes() {
        return HexFormat.of().parseHex(sha256.toLowerCase(java.util.Locale.ROOT));
    }
}
