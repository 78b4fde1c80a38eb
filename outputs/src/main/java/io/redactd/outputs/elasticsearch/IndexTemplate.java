package io.redactd.outputs.elasticsearch;

/**
 * The composable index template ({@code PUT _index_template/<name>}) with ECS mappings for what redactd writes:
 * {@code @timestamp} as date, {@code message} as text, the hash-chain fields as keywords ({@code chain.seq} as long,
 * so a verifier can sort by it numerically), common ECS identity fields as keywords.
 */
final class IndexTemplate {
    private IndexTemplate() {
    }

    static String body(String indexWildcard, boolean dataStream) {
        return "{\"index_patterns\":[\"" + indexWildcard + "\"],"
                + "\"priority\":200,"
                + (dataStream ? "\"data_stream\":{}," : "")
                + "\"template\":{\"mappings\":{"
                + "\"dynamic_templates\":[{\"chain_keywords\":{\"path_match\":\"chain.*\",\"mapping\":{\"type\":\"keyword\"}}}],"
                + "\"properties\":{"
                + "\"@timestamp\":{\"type\":\"date\"},"
                + "\"message\":{\"type\":\"text\"},"
                + "\"chain\":{\"properties\":{\"seq\":{\"type\":\"long\"},\"prev\":{\"type\":\"keyword\"},"
                + "\"hash\":{\"type\":\"keyword\"}}},"
                + "\"host\":{\"properties\":{\"name\":{\"type\":\"keyword\"}}},"
                + "\"log\":{\"properties\":{\"level\":{\"type\":\"keyword\"},"
                + "\"file\":{\"properties\":{\"path\":{\"type\":\"keyword\"}}}}},"
                + "\"event\":{\"properties\":{\"dataset\":{\"type\":\"keyword\"},\"module\":{\"type\":\"keyword\"}}},"
                + "\"redaction\":{\"properties\":{\"types\":{\"type\":\"keyword\"}}}"
                + "}}}}";
    }
}
