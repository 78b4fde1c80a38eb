package io.redactd.daemon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.redactd.daemon.integrity.CheckpointPolicy;
import io.redactd.daemon.integrity.HashChain;
import io.redactd.itopensearch.OpenSearchNode;
import io.redactd.outputs.delivery.DeadLetterFile;
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

    /** Key file for a fresh state dir (keygen through the real CLI). */
    private static Path keygen(Path dir, Path state) throws Exception {
        RedactdProcess.Result keygen = RedactdProcess.run("keygen", "--state-dir=" + state);
        assertThat(keygen.exit()).as(keygen.stderr()).isZero();
        Path keyFile = dir.resolve("verification.key");
        Files.writeString(keyFile, keygen.stdout().lines().filter(l -> l.startsWith("verification-key="))
                .findFirst().orElseThrow() + "\n");
        return keyFile;
    }

    /** {@code events} log events chained by the real chain, checkpoints every 1,000, ending with a final one. */
    private static List<byte[]> chained(Path state, int events) throws Exception {
        long t0 = 1_795_000_000_000L;
        HashChain chain = HashChain.open(state, "es-kw", new CheckpointPolicy(1_000, 3_600_000), t0);
        List<byte[]> docs = new ArrayList<>(events + events / 1_000 + 2);
        for (int i = 1; i <= events; i++) {
            for (byte[] c; (c = chain.pollControlEvent(t0)) != null; ) {
                docs.add(c);
            }
            docs.add(chain.append(("{\"@timestamp\":\"2026-11-18T11:06:40.000Z\",\"message\":\"kw line " + i
                    + " GET /api/orders 200\"}").getBytes(StandardCharsets.UTF_8)));
            if (i % 500 == 0) {
                chain.commit();
            }
        }
        byte[] last = chain.finalCheckpoint(t0);
        if (last != null) {
            docs.add(last);
        }
        chain.commit();
        return docs;
    }

    private static void bulkIndex(OpenSearchNode node, String index, List<byte[]> docs) throws Exception {
        for (int from = 0; from < docs.size(); from += 5_000) {
            StringBuilder bulk = new StringBuilder();
            for (byte[] d : docs.subList(from, Math.min(docs.size(), from + 5_000))) {
                bulk.append("{\"index\":{\"_index\":\"").append(index).append("\"}}\n")
                        .append(new String(d, StandardCharsets.UTF_8)).append('\n');
            }
            HttpResponse<String> r = node.send("POST", "/_bulk", bulk.toString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).path("errors").asBoolean()).as("bulk errors").isFalse();
        }
        node.send("POST", "/" + index + "/_refresh", null);
    }

    private static RedactdProcess.Result verifyIndex(OpenSearchNode node, String index, Path keyFile,
                                                     String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("verify", "--no-progress", "--es", node.url(), "--index", index,
                "--key-file", keyFile.toString()));
        args.addAll(List.of(more));
        return RedactdProcess.run(args.toArray(String[]::new));
    }

    private static String idOfSeq(OpenSearchNode node, String index, long seq) throws Exception {
        HttpResponse<String> r = node.send("POST", "/" + index + "/_search",
                "{\"query\":{\"term\":{\"chain.seq\":\"" + seq + "\"}}}");
        JsonNode hits = JSON.readTree(r.body()).path("hits").path("hits");
        assertThat(hits.size()).as(r.body()).isEqualTo(1);
        return hits.get(0).path("_id").asText();
    }

    /**
     * D9: an index whose template maps every string, and chain.seq, as keyword (no redactd template). A lexical sort
     * would put seq 10..19, 100..199, 1000..1999, 10000..19999 before seq 2 and read as ~10,000 moved events. 25,000
     * events are 6 pages of 5,000 and cross two digit counts inside a page. D4 against the same index: documents
     * taken out of the index as an output's dead-lettering leaves them, and given back with --dead-letter.
     */
    @Test
    void keywordMappedSeqIsReadInNumericOrderAndDeadLetteredDocumentsFillTheirGaps(@TempDir Path dir)
            throws Exception {
        OpenSearchNode node = OpenSearchNode.shared();
        String index = "redactd-verify-kw";
        node.send("DELETE", "/" + index, null);
        HttpResponse<String> created = node.send("PUT", "/" + index, "{\"mappings\":{\"dynamic_templates\":[{"
                + "\"strings\":{\"match_mapping_type\":\"string\",\"mapping\":{\"type\":\"keyword\"}}}],"
                + "\"properties\":{\"chain\":{\"properties\":{\"seq\":{\"type\":\"keyword\"}}}}}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        Path state = dir.resolve("state");
        Path keyFile = keygen(dir, state);
        List<byte[]> docs = chained(state, 25_000);
        long lastSeq = docs.size();
        bulkIndex(node, index, docs);

        RedactdProcess.Result intact = verifyIndex(node, index, keyFile);
        assertThat(intact.exit()).as(intact.stdout() + intact.stderr()).isZero();
        assertThat(intact.stdout()).contains("read " + String.format(java.util.Locale.ROOT, "%,d", lastSeq)
                        + " events in 1 stream(s)")
                .contains("seq 1.." + lastSeq).contains("RESULT: INTACT")
                .doesNotContain("reordered").doesNotContain("moved").doesNotContain("TAMPERED");

        // D4: the store rejected seq 2..4 (a run) and 12,345; the es output wrote them to its dead-letter file.
        Path dl = dir.resolve("es-dl.ndjson");
        List<DeadLetterFile.Entry> rejected = new ArrayList<>();
        for (long seq : new long[] {2, 3, 4, 12_345}) {
            rejected.add(new DeadLetterFile.Entry(docs.get((int) seq - 1), 400, "mapper_parsing_exception",
                    "failed to parse", 1));
            HttpResponse<String> del = node.send("DELETE", "/" + index + "/_doc/" + idOfSeq(node, index, seq)
                    + "?refresh=true", null);
            assertThat(del.statusCode()).as(del.body()).isEqualTo(200);
        }
        new DeadLetterFile(dl, "es").write(rejected);
        RedactdProcess.Result withDl = verifyIndex(node, index, keyFile, "--dead-letter", dl.toString());
        assertThat(withDl.exit()).as(withDl.stdout() + withDl.stderr()).isZero();
        assertThat(withDl.stdout()).contains("note: 4 event(s) found only in dead-letter files")
                .contains("seq 2 (es: HTTP 400 mapper_parsing_exception)").contains("RESULT: INTACT")
                .doesNotContain("deleted");
        RedactdProcess.Result withoutDl = verifyIndex(node, index, keyFile);
        assertThat(withoutDl.exit()).as(withoutDl.stdout()).isEqualTo(1);
        assertThat(withoutDl.stdout()).contains("TAMPERED: deleted at seq 2: events seq 2..4 are missing (3) "
                + "(deleted; if an output dead-lettered them, verify with --dead-letter").contains("deleted at seq 12345");

        // Tampering is still found in numeric order: one document updated in place, named by its seq.
        long victim = 17_777;
        HttpResponse<String> update = node.send("POST", "/" + index + "/_update/" + idOfSeq(node, index, victim)
                + "?refresh=true", "{\"doc\":{\"message\":\"kw line altered\"}}");
        assertThat(update.statusCode()).as(update.body()).isEqualTo(200);
        RedactdProcess.Result tampered = verifyIndex(node, index, keyFile, "--dead-letter", dl.toString());
        assertThat(tampered.exit()).as(tampered.stdout()).isEqualTo(1);
        assertThat(tampered.stdout()).contains("TAMPERED: modified at seq " + victim)
                .contains("RESULT: TAMPERED (first: modified at seq " + victim + ")").doesNotContain("reordered");
    }

    /** D9: chain.seq mapped as text without a keyword sub-field cannot be sorted: a usage refusal, never TAMPERED. */
    @Test
    void textMappedSeqIsRefusedWithTheFixNotReportedAsTampering(@TempDir Path dir) throws Exception {
        OpenSearchNode node = OpenSearchNode.shared();
        String index = "redactd-verify-text";
        node.send("DELETE", "/" + index, null);
        HttpResponse<String> created = node.send("PUT", "/" + index,
                "{\"mappings\":{\"properties\":{\"chain\":{\"properties\":{\"seq\":{\"type\":\"text\"}}}}}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        Path state = dir.resolve("state");
        Path keyFile = keygen(dir, state);
        bulkIndex(node, index, chained(state, 30));
        RedactdProcess.Result r = verifyIndex(node, index, keyFile);
        assertThat(r.exit()).as(r.stdout() + r.stderr()).isEqualTo(5);
        assertThat(r.stderr()).contains("chain.seq is mapped as text in index " + index + " (without a keyword "
                        + "sub-field, text cannot be sorted), so the index cannot be read in seq order; nothing was "
                        + "verified")
                .contains("map chain.seq as long (install the redactd index template")
                .contains("--unordered");
        assertThat(r.stdout()).doesNotContain("TAMPERED").doesNotContain("RESULT");
    }
}
