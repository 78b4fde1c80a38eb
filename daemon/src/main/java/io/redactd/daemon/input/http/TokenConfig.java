package io.redactd.daemon.input.http;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One ingest token ({@code inputs[].tokens[]}). The config never holds the token itself: either its SHA-256 in hex
 * ({@code echo -n TOKEN | sha256sum}) or a file that holds it (a Kubernetes secret mount).
 *
 * @param source  stamped on the token's events as {@code event.dataset}
 * @param sha256  lower- or upper-case hex SHA-256 of the token
 * @param file    path of a file whose content (trimmed) is the token
 * @param outputs output ids this token's events may reach (carried as {@code redactd.route}); empty = all
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record TokenConfig(
        @JsonProperty("source") String source,
        @JsonProperty("sha256") String sha256,
        @JsonProperty("file") String file,
        @JsonProperty("outputs") List<String> outputs) {

    public TokenConfig {
        outputs = outputs == null ? List.of() : List.copyOf(outputs);
    }

    List<String> problems(String at) {
        List<String> problems = new ArrayList<>();
        if (source == null || source.isBlank()) {
            problems.add(at + ".source: required (the name stamped as event.dataset)");
        }
        if ((sha256 == null) == (file == null)) {
            problems.add(at + ": give exactly one of sha256 (hex SHA-256 of the token) or file (path to the token)");
        }
        if (sha256 != null) {
            boolean hex = sha256.length() == 64 && sha256.chars().allMatch(c -> Character.digit(c, 16) >= 0);
            if (!hex) {
                problems.add(at + ".sha256: expected 64 hex digits (sha256sum of the token), got " + sha256.length() + " characters");
            }
        }
        return problems;
    }

    byte[] hashBytes() {
        return HexFormat.of().parseHex(sha256.toLowerCase(java.util.Locale.ROOT));
    }
}
