package io.redactd.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redactd.itopensearch.OpenSearchNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped example {@code config-examples/file-to-elasticsearch.yaml}, unchanged, against a real OpenSearch node:
 * the daemon tails a file into the index, {@code redactd verify --es} reads the chain back from the index (intact),
 * and one document updated in place is named by its {@code chain.seq}.
 */
class ElasticsearchVerifyIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LINES = 3000;
    private static final String SSN = "123-45-6789";
    private static final String EMAIL = "pat.quinn@example.org";
    private static final String INDEX = "redactd-verify-it";

    /** Log lines; every 5th carries a synthetic SSN, every 7th a synthetic e-mail address. */
    private static String input() {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= LINES; i++) {
            sb.append("es line ").append(i).append(" GET /api/orders 200");
            if (i % 5 == 0) {
                sb.append(" patient ssn ").append(SSN);
            }
            if (i % 7 == 0) {
                sb.append(" contact ").append(EMAIL);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static long count(OpenSearchNode node) throws Exception {
        node.send("POST", "/" + INDEX + "/_refresh", null);
        HttpResponse<String> r = node.get("/" + INDEX + "/_count");
        return r.statusCode() == 200 ? JSON.readTree(r.body()).path("count").asLong() : 0;
    }

    private static List<JsonNode> hits(OpenSearchNode node) throws Exception {
        node.send("POST", "/" + INDEX + "/_refresh", null);
        HttpResponse<String> r = node.send("POST", "/" + INDEX + "/_search",
                "{\"size\":10000,\"query\":{\"match_all\":{}}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> hits = new ArrayList<>();
        JSON.readTree(r.body()).path("hits").path("hits").forEach(hits::add);
        return hits;
    }

    private static RedactdProcess.Result verify(OpenSearchNode node, Path keyFile) throws Exception {
        return RedactdProcess.run("verify", "--no-progress", "--es", node.url(), "--index", INDEX,
                "--key-file", keyFile.toString());
    }

    @Test
    void shippedExampleFillsTheIndexAndVerifyReadsTheChainBackAndNamesAnUpdatedDocument(@TempDir Path dir)
            throws Exception {
        OpenSearchNode node = OpenSearchNode.shared();
        Path state = dir.resolve("state");
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.writeString(logs.resolve("app.log"), input());

        RedactdProcess.Result keygen = RedactdProcess.run("keygen", "--state-dir=" + state);
        assertThat(keygen.exit()).as(keygen.stderr()).isZero();
        Path keyFile = dir.resolve("verification.key");
        Files.writeString(keyFile, keygen.stdout().lines().filter(l -> l.startsWith("verification-key="))
                .findFirst().orElseThrow() + "\n");

        Path example = Path.of(System.getProperty("redactd.root", ".."), "config-examples",
                "file-to-elasticsearch.yaml").toAbsolutePath().normalize();
        ProcessBuilder pb = RedactdProcess.builder("run", "--config", example.toString());
        Map<String, String> env = pb.environment();
        env.put("REDACTD_INPUT", logs + "/*.log");
        env.put("REDACTD_ES_URL", node.url());
        env.put("REDACTD_ES_INDEX", INDEX);
        env.put("REDACTD_STATE", state.toString());
        env.put("REDACTD_ADMIN_PORT", "0");
        Process daemon = pb.start();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        RedactdProcess.drain(daemon.getErrorStream(), log);
        RedactdProcess.drain(daemon.getInputStream(), OutputStream.nullOutputStream());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
            while (count(node) < LINES) {
                assertThat(daemon.isAlive()).as(log.toString(StandardCharsets.UTF_8)).isTrue();
                assertThat(System.nanoTime()).as("timed out waiting for %d documents", LINES).isLessThan(deadline);
                daemon.waitFor(200, TimeUnit.MILLISECONDS); // polling interval of a condition with a deadline
            }
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(daemon.pid())).start().waitFor()).isZero();
            assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
            assertThat(daemon.exitValue()).as(log.toString(StandardCharsets.UTF_8)).isZero();
        } finally {
            daemon.destroyForcibly();
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).doesNotContain(SSN).doesNotContain(EMAIL);

        List<JsonNode> hits = hits(node);
        List<JsonNode> lines = hits.stream()
                .filter(h -> h.path("_source").path("message").asText().startsWith("es line ")).toList();
        assertThat(lines.stream().map(h -> h.path("_source").path("message").asText()).distinct().count())
                .as("every line indexed once").isEqualTo(LINES);
        assertThat(hits.size()).as("checkpoint events besides the lines").isGreaterThan(LINES);
        for (JsonNode hit : hits) {
            assertThat(hit.path("_source").toString()).doesNotContain(SSN).doesNotContain(EMAIL);
        }
        HttpResponse<String> rawSearch = node.send("POST", "/" + INDEX + "/_search",
                "{\"query\":{\"multi_match\":{\"query\":\"" + EMAIL + "\",\"type\":\"phrase\",\"fields\":[\"*\"]}}}");
        assertThat(JSON.readTree(rawSearch.body()).path("hits").path("total").path("value").asLong())
                .as(rawSearch.body()).isZero();

        RedactdProcess.Result intact = verify(node, keyFile);
        assertThat(intact.exit()).as(intact.stdout() + intact.stderr()).isZero();
        assertThat(intact.stdout()).contains("RESULT: INTACT");

        JsonNode victim = lines.stream()
                .filter(h -> h.path("_source").path("message").asText().startsWith("es line 1500 ")).findFirst()
                .orElseThrow();
        long victimSeq = victim.path("_source").path("chain").path("seq").asLong();
        HttpResponse<String> update = node.send("POST", "/" + INDEX + "/_update/" + victim.path("_id").asText()
                + "?refresh=true", "{\"doc\":{\"message\":\"es line 1500 GET /api/orders 500\"}}");
        assertThat(update.statusCode()).as(update.body()).isEqualTo(200);

        RedactdProcess.Result tampered = verify(node, keyFile);
        assertThat(tampered.exit()).as(tampered.stdout() + tampered.stderr()).isEqualTo(1);
        assertThat(tampered.stdout()).contains("seq " + victimSeq).doesNotContain("RESULT: INTACT");
    }
}
