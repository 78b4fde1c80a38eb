package io.redactd.daemon.config;

import java.util.List;
import java.util.Locale;

/**
 * Refuses tokenization keys that are not secret: a template's placeholder, too short, or text no random generator
 * would produce. Tokens are HMACs of low-entropy values (an SSN has 10^9), so anyone who knows the key can test every
 * value: a key from a template or a hand-typed phrase is as good as no key.
 *
 * <p>The minimum is 128 bits: at least {@value TokenizationConfig#MIN_KEY_CHARS} characters, which is 16 random
 * bytes in hex (recommended: {@code openssl rand -hex 32}, 32 bytes). "Obviously not random" is judged by checks
 * that a key from {@code openssl rand -hex 16} or {@code head -c 32 /dev/urandom | base64} fails with a probability
 * below one in ten thousand: fewer than 2.5 bits of entropy per character by the key's own character counts (random
 * hex of 32 characters has about 3.6), a run of 8 or more characters that repeat or count up or down ({@code aaaaaaaa},
 * {@code 12345678}), or the same 8 characters twice. Messages never contain the key or any part of it.
 */
final class TokenizationKeyCheck {
    /** Words of placeholders and hand-made keys; 5 letters or more, so random base64 contains one by chance < 1e-5. */
    private static final List<String> PLACEHOLDER_WORDS = List.of("replace", "placeholder", "change", "example",
            "sample", "dummy", "insert", "secret", "password", "random", "fixme", "xxxxx", "redactd", "token");
    static final double MIN_BITS_PER_CHAR = 2.5;
    static final int RUN = 8;

    private TokenizationKeyCheck() {
    }

    /** Why {@code key} (already stripped) cannot be a tokenization key, or null when it passes. */
    static String problem(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (String word : PLACEHOLDER_WORDS) {
            if (lower.contains(word)) {
                // The word is not named: it is a piece of the key.
                return "the key is a placeholder or a hand-made phrase (it contains a template word), not a random key; "
                        + "generate one: openssl rand -hex 32";
            }
        }
        if (key.length() < TokenizationConfig.MIN_KEY_CHARS) {
            return "the key is too short: at least " + TokenizationConfig.MIN_KEY_CHARS
                    + " characters, 128 bits as hex (openssl rand -hex 32)";
        }
        if (bitsPerChar(key) < MIN_BITS_PER_CHAR) {
            return "the key does not look random: too few different characters (under " + MIN_BITS_PER_CHAR
                    + " bits of entropy per character); generate one: openssl rand -hex 32";
        }
        if (hasSteppedRun(key) || hasRepeatedBlock(key)) {
            return "the key does not look random: it holds a run of " + RUN + " repeated or counting characters or the same "
                    + RUN + " characters twice; generate one: openssl rand -hex 32";
        }
        return null;
    }

    /** Shannon entropy of the key's character frequencies, in bits per character. */
    private static double bitsPerChar(String key) {
        java.util.Map<Character, Integer> counts = new java.util.HashMap<>();
        for (int i = 0; i < key.length(); i++) {
            counts.merge(key.charAt(i), 1, Integer::sum);
        }
        double bits = 0;
        for (int count : counts.values()) {
            double p = (double) count / key.length();
            bits -= p * Math.log(p) / Math.log(2);
        }
        return bits;
    }

    /** {@code RUN} characters with one constant step between neighbours: aaaaaaaa, abcdefgh, 87654321. */
    private static boolean hasSteppedRun(String key) {
        int length = 1;
        for (int i = 1; i < key.length(); i++) {
            int step = key.charAt(i) - key.charAt(i - 1);
            boolean continues = step >= -1 && step <= 1 && (length == 1 || step == key.charAt(i - 1) - key.charAt(i - 2));
            length = continues ? length + 1 : (step >= -1 && step <= 1 ? 2 : 1);
            if (length >= RUN) {
                return true;
            }
        }
        return false;
    }

    /** The same {@code RUN} characters at two places: a phrase typed twice, a pattern repeated. */
    private static boolean hasRepeatedBlock(String key) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i + RUN <= key.length(); i++) {
            if (!seen.add(key.substring(i, i + RUN))) {
                return true;
            }
        }
        return false;
    }
}
