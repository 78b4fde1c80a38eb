package io.redactd.daemon.integrity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.redactd.daemon.event.EventDocument;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The pipeline's own documents ({@link EventDocument}, serialized without chain) chained with {@code append}. */
class AppendToEventDocumentTest {
    private static final long T0 = 1_795_000_000_000L;

    @TempDir
    Path dir;

    private static byte[] ecs(long i) {
        TreeMap<String, Object> findings = new TreeMap<>();
        findings.put("SSN", 1L);
        return new EventDocument()
                .put("@timestamp", EventDocument.isoMillis(T0 + i))
                .put("message", "login ok user=[REDACTED:NAME] ssn=[REDACTED:SSN] \u00e9\t#" + i)
                .put("host.name", "web-01")
                .put("log.file.path", "/var/log/app.log")
                .put("log.offset", i * 120)
                .put("event.dataset", "app.auth")
                .put("redactd.findings", findings)
                .toCanonicalJson();
    }

    @Test
    void appendedDocumentsAreCanonicalAndVerify() throws Exception {
        Path state = dir.resolve("state");
        SealingKey key = SealingKey.generate(false);
        String k0 = key.keyHex();
        key.create(state);
        HashChain chain = HashChain.open(state, "web-01", new CheckpointPolicy(500, 3_600_000), T0);
        List<String> lines = new ArrayList<>();
        for (int batch = 0; batch < 4; batch++) {
            for (int i = 0; i < 500; i++) {
                byte[] doc = chain.append(ecs(batch * 500L + i));
                assertThat(CanonicalJson.canonicalize(doc)).isEqualTo(doc);
                lines.add(new String(doc, StandardCharsets.UTF_8));
            }
            for (byte[] c; (c = chain.pollControlEvent(T0)) != null; ) {
                lines.add(new String(c, StandardCharsets.UTF_8));
            }
            chain.commit();
        }
        assertThat(lines.get(0)).startsWith("{\"@timestamp\":\"2026-11-18T11:06:40.000Z\",\"chain\":{\"hash\":\"")
                .contains("\"seq\":1,\"stream\":\"" + chain.stream() + "\"},\"event\":{");

        Path file = dir.resolve("out.ndjson");
        Files.write(file, lines);
        StringWriter sw = new StringWriter();
        int rc = new CommandLine(new VerifyCommand()).setOut(new PrintWriter(sw)).setErr(new PrintWriter(sw))
                .execute(file.toString(), "--key", k0, "--no-progress");
        assertThat(rc).as(sw.toString()).isZero();
        assertThat(sw.toString()).contains("2,004 events, 4 checkpoints").contains("covers every event of this stream");
    }

    @Test
    void appendHashesExactlyWhatLinkHashes() throws Exception {
        HashChain a = HashChain.open(dir.resolve("a"), "x", CheckpointPolicy.DEFAULT, T0);
        HashChain b = HashChain.open(dir.resolve("b"), "x", CheckpointPolicy.DEFAULT, T0);
        assertThat(a.stream()).isEqualTo(b.stream());
        byte[] appended = a.append("{\"@timestamp\":\"t\",\"message\":\"m\"}".getBytes(StandardCharsets.UTF_8));
        CanonicalWriter w = new CanonicalWriter(64).raw("{\"@timestamp\":\"t\",\"chain\":{");
        int at = w.size();
        b.writeSeqAndStream(w).raw("},\"message\":\"m\"}");
        assertThat(appended).isEqualTo(b.link(w.array(), 0, w.size(), at));
    }

    @Test
    void chainGoesFirstLastOrAloneAsTheKeysDemand() throws Exception {
        HashChain c = HashChain.open(dir, "x", CheckpointPolicy.DEFAULT, T0);
        for (String doc : List.of("{}", "{\"@t\":1}", "{\"a\":[\"}\"],\"zz\":{\"chain\":1}}",
                "{\"a\\\"b\":\"x\",\"cha\":\"y\",\"chainz\":2}", "{\"\u00e9\":1}", "{\"a\":\"},\\\"chain\\\":\"}")) {
            byte[] out = c.append(doc.getBytes(StandardCharsets.UTF_8));
            assertThat(CanonicalJson.canonicalize(out)).as(doc).isEqualTo(out);
        }
        assertThatThrownBy(() -> c.append("{\"chain\":{}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already has");
        assertThatThrownBy(() -> c.append("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON object");
    }
}
