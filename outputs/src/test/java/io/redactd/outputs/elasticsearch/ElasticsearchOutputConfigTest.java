package io.redactd.outputs.elasticsearch;

import io.redactd.outputs.ConfigProblem;
import io.redactd.outputs.delivery.BatchConfig;
import io.redactd.outputs.delivery.RetryConfig;
import io.redactd.outputs.delivery.TlsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ElasticsearchOutputConfigTest {
    @TempDir
    Path dir;

    private static List<String> paths(List<ConfigProblem> problems) {
        return problems.stream().map(ConfigProblem::path).collect(Collectors.toList());
    }

    @Test
    void defaultsAreValidAndProblemsNameTheirKey() throws Exception {
        ElasticsearchOutputConfig minimal = new ElasticsearchOutputConfig("https://es.example:9200", null, null, null,
                null, null, null, null, null, null, dir.resolve("dead.ndjson").toString(), null, null, null);
        assertThat(minimal.validate()).isEmpty();
        assertThat(minimal.index()).isEqualTo("logs-redactd-%Y.%m.%d");
        assertThat(minimal.gzip()).isTrue();
        assertThat(minimal.batch().maxDocuments()).isEqualTo(5000);

        Path key = dir.resolve("api.key");
        Files.writeString(key, "secret");
        ElasticsearchOutputConfig bad = new ElasticsearchOutputConfig("es:9200", "Logs-%Q", null, "elastic", null,
                key.toString(), null, null, new BatchConfig(0, 10L, -1L), new RetryConfig(0, 10L, 5L), null,
                new ElasticsearchOutputConfig.TemplateConfig(true, "Mixed"), 5L, null);
        assertThat(paths(bad.validate())).contains("endpoint", "index", "api_key_file", "password_file",
                "batch.max_documents", "batch.max_bytes", "batch.max_wait_ms", "retry.max_attempts",
                "retry.initial_backoff_ms", "dead_letter_path", "template.name", "request_timeout_ms");

        ElasticsearchOutputConfig clearText = new ElasticsearchOutputConfig("http://es:9200", null, null, null, null,
                key.toString(), null, null, null, null, "dead.ndjson", null, null, null);
        assertThat(clearText.validate()).singleElement().satisfies(p -> assertThat(p.message()).contains("clear text"));
    }

    @Test
    void aCaFileThatHoldsNoCertificateIsAConfigProblemNamingKeyFileAndLine() throws Exception {
        Path notACert = dir.resolve("badca.pem");
        Files.writeString(notACert, "not a cert\n");
        Path brokenBlock = dir.resolve("broken.pem");
        Files.writeString(brokenBlock, "# our CA\n-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
        for (Path file : List.of(notACert, brokenBlock)) {
            ElasticsearchOutputConfig config = new ElasticsearchOutputConfig("https://es.example:9200", null, null, null,
                    null, null, new TlsConfig(file.toString(), null), null, null, null,
                    dir.resolve("dead.ndjson").toString(), null, null, null);
            assertThat(config.validate()).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("tls.ca_file");
                assertThat(p.message()).contains(file.toString());
            });
        }
        assertThat(new TlsConfig(notACert.toString(), null).validate("tls.").get(0).message())
                .startsWith("no PEM certificate");
        assertThat(new TlsConfig(brokenBlock.toString(), null).validate("tls.").get(0).message())
                .startsWith("certificate at line 2 of").endsWith("is not a valid X.509 certificate");
    }

    @Test
    void indexPatternsUseTheEventDateInUtc() {
        IndexName name = new IndexName("logs-redactd-%Y.%m.%d-%H");
        assertThat(name.format(Instant.parse("2026-01-05T07:08:09Z").toEpochMilli())).isEqualTo("logs-redactd-2026.01.05-07");
        assertThat(name.wildcard()).isEqualTo("logs-redactd-*");
        assertThat(IndexName.problem("logs-%Y.%m.%d")).isNull();
        assertThat(IndexName.problem("logs-%y")).contains("%Y");
        assertThat(IndexName.problem("Logs")).contains("lowercase");
        assertThat(IndexName.problem("_logs")).contains("cannot start");
    }
}
