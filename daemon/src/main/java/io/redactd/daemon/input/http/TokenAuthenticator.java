package io.redactd.daemon.input.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Maps a presented token to the source it is bound to. Only SHA-256 digests are kept in memory; the presented token
 * is hashed and compared against every configured digest with {@link MessageDigest#isEqual} (constant time), and
 * the loop never exits early, so timing reveals neither the token nor which entry matched.
 */
public final class TokenAuthenticator {

    /** What a valid token grants: its source name and the outputs it may reach (empty = all). */
    public record Grant(String source, List<String> outputs) {
    }

    private record Entry(byte[] digest, Grant grant) {
    }

    private final List<Entry> entries;

    private TokenAuthenticator(List<Entry> entries) {
        this.entries = entries;
    }

    /** Reads token files (blocking) and checks each entry; errors name the entry, never the token. */
    public static TokenAuthenticator load(List<TokenConfig> tokens, String at) throws IOException {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            TokenConfig token = tokens.get(i);
            String key = at + ".tokens[" + i + "]";
            List<String> problems = token.validate("tokens[" + i + "]").stream()
                    .map(p -> at + "." + p.path() + ": " + p.message()).toList();
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
            byte[] digest;
            if (token.sha256() != null) {
                digest = token.hashBytes();
            } else if (token.token() != null) {
                digest = sha256(token.token().strip());
            } else {
                String secret;
                try {
                    secret = Files.readString(Path.of(token.file()), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new IOException(key + ".file: cannot read " + token.file() + ": " + e.getClass().getSimpleName(), e);
                }
                if (secret.length() < 16) {
                    throw new IllegalArgumentException(key + ".file: " + token.file() + " holds a token shorter than 16 characters");
                }
                digest = sha256(secret);
            }
            entries.add(new Entry(digest, new Grant(token.source(), token.outputs())));
        }
        return new TokenAuthenticator(List.copyOf(entries));
    }

    /**
     * The token an {@code Authorization} header presents: {@code Splunk <token>}, {@code Bearer <token>} or, as Splunk
     * documents for HEC ({@code curl -u x:<token>}), {@code Basic base64(<any user>:<token>)}. Empty when the header is
     * none of these (a malformed header, not a wrong token). The token then goes through {@link #authenticate} like
     * any other.
     */
    public static Optional<String> presentedToken(String header) {
        int space = header.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        String scheme = header.substring(0, space);
        String credentials = header.substring(space + 1).strip();
        String token = null;
        if (scheme.equalsIgnoreCase("Splunk") || scheme.equalsIgnoreCase("Bearer")) {
            token = credentials;
        } else if (scheme.equalsIgnoreCase("Basic")) {
            token = basicPassword(credentials);
        }
        return token == null || token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /** The password of {@code base64(user:password)}, or null when it is not that. */
    private static String basicPassword(String credentials) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(credentials);
        } catch (IllegalArgumentException e) {
            return null;
        }
        String pair = new String(decoded, StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        return colon < 0 ? null : pair.substring(colon + 1).strip();
    }

    public Optional<Grant> authenticate(String presented) {
        byte[] digest = sha256(presented);
        Grant match = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), digest) && match == null) {
                match = entry.grant();
            }
        }
        return Optional.ofNullable(match);
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
