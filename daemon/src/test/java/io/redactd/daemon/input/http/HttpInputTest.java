package io.redactd.daemon.input.http;

import io.redactd.daemon.pipeline.ContentValue;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.daemon.config.ComponentContext;
import io.redactd.daemon.pipeline.RawEvent;
import io.redactd.daemon.tls.ClientAuthMode;
import io.redactd.daemon.tls.ExternalProcess;
import io.redactd.daemon.tls.RecordingSink;
import io.redactd.daemon.tls.TestPki;
import io.redactd.daemon.tls.TlsConfig;
import io.redactd.daemon.tls.TlsEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The HTTP input against curl over real TLS. */
class HttpInputTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TOKEN = "ehr-token-7f3a9c2e-5b1d-4e8f";
    private static final String FILE_TOKEN = "lab-token-from-secret-file-0042";
    private static Vertx vertx;
    private static TestPki pki;
    private static TestPki.Issued serverCert;
    private static Path tokenFile;

    @TempDir
    static Path shared;

    private final List<HttpInput> started = new ArrayList<>();
    private final RecordingSink sink = new RecordingSink();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    @BeforeAll
    static void setUp() throws IOException {
        vertx = Vertx.vertx();
        pki = new TestPki(Files.createDirectories(shared.resolve("pki")));
        serverCert = pki.serverPkcs8Ec("server");
        tokenFile = shared.resolve("lab.token");
        Files.writeString(tokenFile, FILE_TOKEN + "\n");
    }

    @AfterAll
    static void tearDown() throws Exception {
        await(vertx.close());
    }

    @AfterEach
    void stopInputs() throws Exception {
        sink.release();
        for (HttpInput input : started) {
            await(input.stop());
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static String sha256Hex(String token) {
        return HexFormat.of().formatHex(TokenAuthenticator.sha256(token));
    }

    private static List<TokenConfig> tokens() {
        return List.of(new TokenConfig("ehr", sha256Hex(TOKEN), null, null, null),
                new TokenConfig("lab", null, tokenFile.toString(), null, List.of("siem-es")));
    }

    private static TlsConfig tls() {
        return TlsConfig.of(serverCert.cert().toString(), serverCert.key().toString());
    }

    private static HttpInputConfig config(TlsConfig tls, Integer maxBody, Integer maxInflated, Integer maxInflight,
                                          Integer requestTimeout, Integer burst) {
        return new HttpInputConfig("127.0.0.1:0", tls, tls == null, tokens(), null, maxBody,
                maxInflated, null, null, null, null, null, requestTimeout, maxInflight, null, 7, burst, null, null);
    }

    private HttpInput start(HttpInputConfig config) throws Exception {
        HttpInput input = new HttpInput(config, new ComponentContext("http-test", vertx, sink, shared, metrics));
        await(input.start());
        started.add(input);
        return input;
    }

    private record Reply(int status, JsonObject body, String headers, int curlExit) {
    }

    private static List<String> curlCommand(HttpInput input, String path, String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-D", "-", "--max-time", "15",
                "--cacert", pki.ca().toString()));
        cmd.addAll(List.of(args));
        cmd.add("https://localhost:" + input.port() + path);
        return cmd;
    }

    private static Reply curl(HttpInput input, String path, String... args) throws IOException {
        return parse(ExternalProcess.run(curlCommand(input, path, args), null, 20));
    }

    private static Reply parse(ExternalProcess.Result result) {
        String out = result.stdout();
        int split = out.indexOf("\r\n\r\n");
        if (split < 0) {
            return new Reply(-1, null, out, result.exitCode());
        }
        String headers = out.substring(0, split);
        String body = out.substring(split + 4);
        int status = Integer.parseInt(headers.split(" ")[1]);
        return new Reply(status, body.isBlank() ? null : new JsonObject(body), headers, result.exitCode());
    }

    private static Path write(Path dir, String name, byte[] data) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, data);
        return file;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    @Test
    void ndjsonAndTextLinesOnV1Logs(@TempDir Path dir) throws Exception {
        HttpInput input = start(config(tls(), null, null, null, null, null));
        String ndjson = "{\"patient\":{\"name\":\"Jane Roe\"},\"msg\":\"admitted\"}\n\n{\"msg\":\"discharged\",\"n\":[1,2]}\r\n";
        Reply json = curl(input, "/v1/logs", "-H", "Authorization: Bearer " + TOKEN, "-H", "Content-Type: application/x-ndjson",
                "--data-binary", "@" + write(dir, "a.ndjson", ndjson.getBytes(StandardCharsets.UTF_8)));
        assertThat(json.status()).isEqualTo(200);
        assertThat(json.body().getInteger("accepted")).isEqualTo(2);

        Reply text = curl(input, "/v1/logs", "-H", "Authorization: Bearer " + FILE_TOKEN, "-H", "Content-Type: text/plain",
                "--data-binary", "@" + write(dir, "b.txt", "line one\nline two".getBytes(StandardCharsets.UTF_8)));
        assertThat(text.status()).isEqualTo(200);

        assertThat(sink.messages()).containsExactly("{\"patient\":{\"name\":\"Jane Roe\"},\"msg\":\"admitted\"}",
                "{\"msg\":\"discharged\",\"n\":[1,2]}", "line one", "line two");
        List<RawEvent> events = sink.events();
        assertThat(events.get(0).fields()).containsEntry("event.dataset", "ehr").containsEntry("redactd.format", "json")
                .doesNotContainKey("redactd.route");
        assertThat(events.get(2).fields()).containsEntry("event.dataset", "lab")
                .containsEntry("redactd.route", List.of("siem-es")).doesNotContainKey("redactd.format");
    }

    @Test
    void gzipBodiesAreInflatedAndZipBombsRefused(@TempDir Path dir) throws Exception {
        HttpInput input = start(config(tls(), null, 1024 * 1024, null, null, null));
        Reply ok = curl(input, "/v1/logs", "-H", "Authorization: Bearer " + TOKEN, "-H", "Content-Encoding: gzip",
                "--data-binary", "@" + write(dir, "ok.gz", gzip("compressed line\n".getBytes(StandardCharsets.UTF_8))));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(sink.messages()).containsExactly("compressed line");

        byte[] bomb = gzip(new byte[50 * 1024 * 1024]);
        assertThat(bomb.length).isLessThan(100 * 1024);
        Reply refused = curl(input, "/v1/logs", "-H", "Authorization: Bearer " + TOKEN, "-H", "Content-Encoding: gzip",
                "--data-binary", "@" + write(dir, "bomb.gz", bomb));
        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.body().getString("error")).isEqualTo("body_too_large");
        assertThat(refused.body().getString("message")).contains("max_decompressed_bytes");

        Reply notGzip = curl(input, "/v1/logs", "-H", "Authorization: Bearer " + TOKEN, "-H", "Content-Encoding: gzip",
                "--data-binary", "plain text");
        assertThat(notGzip.status()).isEqualTo(400);
        assertThat(notGzip.body().getString("error")).isEqualTo("invalid_gzip");
        assertThat(sink.messages()).hasSize(1);
    }

    @Test
    void oversizeBodiesGet413(@TempDir Path dir) throws Exception {
        HttpInput input = start(config(tls(), 2048, null, null, null, null));
        Reply big = curl(input, "/v1/logs", "-H", "Authorization: Bearer " + TOKEN,
                "--data-binary", "@" + write(dir, "big.txt", "x".repeat(5000).getBytes(StandardCharsets.UTF_8)));
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.body().getString("message")).contains("max_body_bytes");
        Reply chunked = curl(input, "/services/collector/raw", "-H", "Authorization: Splunk " + TOKEN,
                "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + dir.resolve("big.txt"));
        assertThat(chunked.status()).isEqualTo(413);
        assertThat(chunked.body().getInteger("code")).isEqualTo(6);
        assertThat(sink.events()).isEmpty();
    }

    @Test
    void aBodyRefusedPartWayStillGetsItsAnswer(@TempDir Path dir) throws Exception {
        // 8 MiB against max_body_bytes 1 MiB: refused while most of it is still on the way. Closing with those bytes
        // unread resets the connection, and the reset could destroy the 413 before curl read it (about 1 in 10 here
        // before the rest of a refused body was read and dropped; the same race made the 503 of the memory budget
        // test flaky).
        HttpInput input = start(config(tls(), 1 << 20, 1 << 20, null, null, null));
        Path big = write(dir, "big.txt", "x".repeat(8 << 20).getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 20; i++) {
            Reply refused = curl(input, "/v1/logs", "-H", "Authorization: Bearer " + TOKEN,
                    "-H", "Transfer-Encoding: chunked", "-H", "Expect:", "--data-binary", "@" + big);
            assertThat(refused.status()).as("attempt %d: %s", i, refused.headers()).isEqualTo(413);
            assertThat(refused.body().getString("error")).isEqualTo("body_too_large");
            // the same refused by its Content-Length before a byte of it is read
            Reply known = curl(input, "/v1/logs", "-H", "Authorization: Bearer " + TOKEN, "-H", "Expect:",
                    "--data-binary", "@" + big);
            assertThat(known.status()).as("attempt %d: %s", i, known.headers()).isEqualTo(413);
        }
        assertThat(sink.events()).isEmpty();
    }

    @Test
    void splunkHecEventRawAndHealth(@TempDir Path dir) throws Exception {
        HttpInput input = start(config(tls(), null, null, null, null, null));
        String body = "{\"event\":\"login ok\",\"time\":1700000000.5,\"host\":\"web-1\",\"sourcetype\":\"app\"}"
                + "  {\"event\":{\"user\":\"jdoe\",\"action\":\"view\"},\"index\":\"main\"}\n"
                + "{\"event\":\"tagged\",\"fields\":{\"mrn\":\"MRN-0012345\"},\"source\":\"ehr.log\"}";
        Reply event = curl(input, "/services/collector/event", "-H", "Authorization: Splunk " + TOKEN,
                "--data-binary", "@" + write(dir, "hec.json", body.getBytes(StandardCharsets.UTF_8)));
        assertThat(event.status()).isEqualTo(200);
        assertThat(event.body()).isEqualTo(new JsonObject().put("text", "Success").put("code", 0));
        List<RawEvent> events = sink.events();
        assertThat(sink.messages()).containsExactly("login ok", "{\"user\":\"jdoe\",\"action\":\"view\"}",
                "{\"event\":\"tagged\",\"fields\":{\"mrn\":\"MRN-0012345\"}}");
        assertThat(events.get(0).timestampMs()).isEqualTo(1_700_000_000_500L);
        assertThat(events.get(0).fields()).containsEntry("host.name", new ContentValue("web-1")).containsEntry("splunk.sourcetype", new ContentValue("app"))
                .containsEntry("event.dataset", "ehr");
        assertThat(events.get(1).fields()).containsEntry("redactd.format", "json").containsEntry("splunk.index", new ContentValue("main"));
        assertThat(events.get(2).fields()).containsEntry("redactd.format", "json")
                .allSatisfy((k, v) -> assertThat(String.valueOf(v)).doesNotContain("MRN-0012345"));

        Reply raw = curl(input, "/services/collector/raw?sourcetype=syslog&host=db-2", "-H", "Authorization: Splunk " + TOKEN,
                "--data-binary", "@" + write(dir, "raw.txt", "raw one\nraw two\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(raw.status()).isEqualTo(200);
        assertThat(raw.body().getInteger("code")).isZero();
        assertThat(sink.messages()).endsWith("raw one", "raw two");
        assertThat(sink.events().get(4).fields()).containsEntry("host.name", new ContentValue("db-2")).containsEntry("splunk.sourcetype", new ContentValue("syslog"));

        Reply health = curl(input, "/services/collector/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).isEqualTo(new JsonObject().put("text", "HEC is healthy").put("code", 17));
    }

    @Test
    void hecDataErrorsUseHecCodesAndAcceptOnlyTheEventsBeforeTheNamedOne(@TempDir Path dir) throws Exception {
        HttpInput input = start(config(tls(), null, null, null, null, null));
        String auth = "Authorization: Splunk " + TOKEN;
        Reply invalid = curl(input, "/services/collector/event", "-H", auth, "--data-binary",
                "@" + write(dir, "bad.json", "{\"event\":\"fine\"}{\"event\":\"broken".getBytes(StandardCharsets.UTF_8)));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.body().getInteger("code")).isEqualTo(6);
        assertThat(invalid.body().getInteger("invalid-event-number")).isEqualTo(1);
        assertThat(invalid.body().getString("text")).doesNotContain("broken");
        // garbage after a complete event, or a separator HEC does not allow: the event after the good one is named
        for (String body : List.of("{\"event\":\"fine\"}garbage", "{\"event\":\"fine\"},{\"event\":\"b\"}")) {
            Reply after = curl(input, "/services/collector/event", "-H", auth, "--data-binary", body);
            assertThat(after.status()).as(body).isEqualTo(400);
            assertThat(after.body().getInteger("invalid-event-number")).as(body).isEqualTo(1);
        }
        Reply first = curl(input, "/services/collector/event", "-H", auth, "--data-binary", "{\"event\":");
        assertThat(first.body().getInteger("invalid-event-number")).isZero();
        // As Splunk: the events before invalid-event-number were taken (a Splunk sender counts them as delivered)
        assertThat(sink.messages()).containsExactly("fine", "fine", "fine");

        // As Splunk: indexer acknowledgement is off (400, code 14), a token in the query string is refused (400, 16)
        Reply ack = curl(input, "/services/collector/ack", "-H", auth, "--data-binary", "{\"acks\":[0]}");
        assertThat(ack.status()).isEqualTo(400);
        assertThat(ack.body()).isEqualTo(new JsonObject().put("text", "ACK is disabled").put("code", 14));
        Reply query = curl(input, "/services/collector/event?token=" + TOKEN, "--data-binary", "{\"event\":\"x\"}");
        assertThat(query.status()).isEqualTo(400);
        assertThat(query.body().getInteger("code")).isEqualTo(16);
        assertThat(sink.events()).hasSize(3);

        Reply empty = curl(input, "/services/collector/event", "-H", auth, "--data-binary", "@" + write(dir, "empty", new byte[0]));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.body().getInteger("code")).isEqualTo(5);

        Reply missing = curl(input, "/services/collector/event", "-H", auth, "--data-binary", "{\"host\":\"x\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().getInteger("code")).isEqualTo(12);

        Reply blank = curl(input, "/services/collector/event", "-H", auth, "--data-binary", "{\"event\":\"  \"}");
        assertThat(blank.body().getInteger("code")).isEqualTo(13);

        Reply ndjson = curl(input, "/v1/logs", "-H", "Authorization: Bearer " + TOKEN, "-H", "Content-Type: application/x-ndjson",
                "--data-binary", "@" + write(dir, "n.ndjson", "{\"ok\":1}\nnot json\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(ndjson.status()).isEqualTo(400);
        assertThat(ndjson.body().getString("error")).isEqualTo("invalid_json");
        assertThat(ndjson.body().getInteger("line")).isEqualTo(2);

        Reply hugeHeader = curl(input, "/v1/logs", "-H", "X-Big: " + "h".repeat(20_000), "--data-binary", "x");
        assertThat(hugeHeader.status()).isEqualTo(431);
        assertThat(hugeHeader.body().getString("message")).isEqualTo("request headers too large");

        Reply notFound = curl(input, "/nope", "-H", auth, "--data-binary", "x");
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.body().getString("message")).contains("/v1/logs");
        assertThat(sink.events()).hasSize(3);
    }

    @Test
    void badTokensAreRefusedCountedAndRateLimited() throws Exception {
        HttpInput input = start(config(tls(), null, null, null, null, 3));
        Reply none = curl(input, "/services/collector/event", "--data-binary", "{\"event\":\"x\"}");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body()).isEqualTo(new JsonObject().put("text", "Token is required: send Authorization: Splunk <token>").put("code", 2));
        Reply malformed = curl(input, "/services/collector/event", "-H", "Authorization: Basic Zm9vYmFy", // no user:token
                "--data-binary", "{\"event\":\"x\"}");
        assertThat(malformed.status()).isEqualTo(401);
        assertThat(malformed.body().getInteger("code")).isEqualTo(3);
        Reply wrong = curl(input, "/v1/logs", "-H", "Authorization: Bearer wrong-" + TOKEN, "--data-binary", "x");
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.body().getString("error")).isEqualTo("invalid_token");

        Reply limited = curl(input, "/v1/logs", "-H", "Authorization: Bearer " + TOKEN, "--data-binary", "x");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.headers()).containsIgnoringCase("retry-after:");
        assertThat(metrics.get("redactd.http.auth.failures").tag("reason", "invalid").counter().count()).isEqualTo(1.0);
        assertThat(metrics.get("redactd.http.auth.failures").tag("reason", "missing").counter().count()).isEqualTo(1.0);
        assertThat(metrics.get("redactd.http.auth.rate.limited").counter().count()).isEqualTo(1.0);
        assertThat(sink.events()).isEmpty();
    }

    @Test
    void answers200OnlyAfterTheSinkAcknowledgesAnd503WhenFull() throws Exception {
        sink.hold(true);
        HttpInput input = start(config(tls(), null, null, 1, null, null));
        Process first = new ProcessBuilder(curlCommand(input, "/services/collector/event", "-H", "Authorization: Splunk " + TOKEN,
                "--data-binary", "{\"event\":\"waits for the buffer\"}")).start();
        RecordingSink.await(() -> sink.heldCount() == 1, WAIT, "the first request never reached the sink");
        assertThat(first.isAlive()).as("no answer before the pipeline acknowledges").isTrue();

        Reply busy = curl(input, "/services/collector/event", "-H", "Authorization: Splunk " + TOKEN,
                "--data-binary", "{\"event\":\"no room\"}");
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.body().getInteger("code")).isEqualTo(9);
        assertThat(busy.headers()).containsIgnoringCase("retry-after: 7");
        Reply health = curl(input, "/services/collector/health");
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.body().getInteger("code")).isEqualTo(18);

        sink.release();
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Reply answered = parse(new ExternalProcess.Result(first.exitValue(),
                new String(first.getInputStream().readAllBytes(), StandardCharsets.UTF_8), ""));
        assertThat(answered.status()).isEqualTo(200);
        assertThat(answered.body().getInteger("code")).isZero();
        assertThat(sink.messages()).containsExactly("waits for the buffer");
        assertThat(busy.body().getString("text")).contains("the pipeline is full");
    }

    @Test
    void admissionCountsBytesHeldUntilAcknowledgedAnd503sWhatDoesNotFit(@TempDir Path dir) throws Exception {
        // 1 MiB bodies, 4 MiB for all requests: two held bodies of ~1 MB (with their events' overhead) leave too little
        sink.hold(true);
        HttpInput input = start(new HttpInputConfig("127.0.0.1:0", tls(), false, tokens(), null, 1 << 20, 1 << 20,
                null, null, null, null, null, null, null, null, 7, null, null, 4L << 20));
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 9000; i++) {
            text.append("line ").append(100_000 + i).append(" card 4111111111111111 ").append("q".repeat(80)).append('\n');
        }
        Path body = write(dir, "body.txt", text.toString().getBytes(StandardCharsets.US_ASCII));
        List<Process> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            held.add(new ProcessBuilder(curlCommand(input, "/v1/logs", "-H", "Authorization: Bearer " + TOKEN,
                    "--data-binary", "@" + body)).start());
            int batches = 9 * (i + 1);
            RecordingSink.await(() -> sink.heldCount() == batches, WAIT, "request " + i + " never reached the sink");
        }
        double holding = metrics.get("redactd.http.request.memory").gauge().value();
        assertThat(holding).as("two bodies' events and their overhead").isGreaterThan(2 * 9000 * 110.0)
                .isLessThanOrEqualTo(4 << 20);

        // a known length that does not fit is refused before its body is read
        Reply known = curl(input, "/services/collector/raw", "-H", "Authorization: Splunk " + TOKEN,
                "--data-binary", "@" + body);
        assertThat(known.status()).isEqualTo(503);
        assertThat(known.body().getInteger("code")).isEqualTo(9);
        assertThat(known.body().getString("text")).startsWith("Server is busy").contains("max_request_memory_bytes");
        assertThat(known.headers()).containsIgnoringCase("retry-after: 7");
        // a chunked body is counted as it arrives
        Reply chunked = curl(input, "/v1/logs", "-H", "Authorization: Bearer " + TOKEN,
                "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + body);
        assertThat(chunked.status()).isEqualTo(503);
        assertThat(chunked.body().getString("error")).isEqualTo("server_busy");
        assertThat(chunked.headers()).containsIgnoringCase("retry-after: 7");
        assertThat(metrics.get("redactd.http.busy").tag("reason", "memory_budget").counters())
                .extracting(c -> c.count()).containsExactlyInAnyOrder(1.0, 1.0);
        assertThat(sink.heldCount()).as("nothing of a refused request reached the pipeline").isEqualTo(18);
        Reply health = curl(input, "/services/collector/health");
        assertThat(health.status()).as("less than max_body_bytes free").isEqualTo(503);
        assertThat(health.body().getInteger("code")).isEqualTo(18);

        // acknowledged batches give their bytes back; then the refused request fits
        sink.hold(false);
        sink.release();
        for (Process p : held) {
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 200");
        }
        assertThat(metrics.get("redactd.http.request.memory").gauge().value()).isZero();
        assertThat(curl(input, "/services/collector/health").status()).isEqualTo(200);
        Reply again = curl(input, "/services/collector/raw", "-H", "Authorization: Splunk " + TOKEN,
                "--data-binary", "@" + body);
        assertThat(again.status()).isEqualTo(200);
        assertThat(sink.events()).hasSize(3 * 9000);
        assertThat(metrics.get("redactd.http.request.memory").gauge().value()).isZero();
    }

    @Test
    void slotsHeldBySlowUploadsAreNamedAsSuchNotAsAFullPipeline() throws Exception {
        HttpInput input = start(config(tls(), null, null, 1, null, null));
        try (SSLSocket slow = tlsSocket(input.port())) {
            // A valid request whose body trickles: it holds the only slot without reaching the pipeline.
            slow.getOutputStream().write(("POST /v1/logs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Length: 1000\r\n\r\nabc").getBytes(StandardCharsets.US_ASCII));
            slow.getOutputStream().flush();
            RecordingSink.await(() -> metrics.get("redactd.http.requests.receiving").gauge().value() == 1, WAIT,
                    "the slow request never started");
            Reply busy = curl(input, "/v1/logs", "-H", "Authorization: Bearer " + TOKEN, "--data-binary", "x");
            assertThat(busy.status()).isEqualTo(503);
            assertThat(busy.body().getString("message")).contains("1 of them still receiving their body")
                    .doesNotContain("pipeline is full");
        }
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"OPENSSL", "JDK"})
    void certificateRotationKeepsKeepAliveClientsAndServesTheNewCertificate(TlsEngine engine, @TempDir Path dir)
            throws Exception {
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");
        Files.copy(serverCert.cert(), cert);
        Files.copy(serverCert.key(), key);
        TlsConfig tls = new TlsConfig(cert.toString(), key.toString(), null, ClientAuthMode.NONE, List.of(), 1, engine);
        HttpInput input = start(config(tls, null, null, null, null, null));
        try (SSLSocket keepAlive = tlsSocket(input.port())) {
            BigInteger before = serial(keepAlive);
            assertThat(post(keepAlive, "before rotation")).startsWith("HTTP/1.1 200");
            TestPki.Issued next = pki.serverPkcs8Ec("http-next");
            Files.copy(next.key(), dir.resolve("k.new"));
            Files.copy(next.cert(), dir.resolve("c.new"));
            Files.move(dir.resolve("k.new"), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(dir.resolve("c.new"), cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            BigInteger expected;
            try (InputStream in = Files.newInputStream(next.cert())) {
                expected = ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
            }
            RecordingSink.await(() -> {
                try (SSLSocket fresh = tlsSocket(input.port())) {
                    return serial(fresh).equals(expected);
                } catch (Exception e) {
                    return false;
                }
            }, WAIT, "new connections never saw the rotated certificate");
            assertThat(expected).isNotEqualTo(before);
            assertThat(post(keepAlive, "after rotation, same connection")).startsWith("HTTP/1.1 200");
        }
        assertThat(sink.messages()).containsExactly("before rotation", "after rotation, same connection");
    }

    private static String post(SSLSocket socket, String line) throws IOException {
        byte[] body = line.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(("POST /v1/logs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(body);
        socket.getOutputStream().flush();
        // read the status line, the headers and a Content-Length body
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        String headers = head.toString();
        int at = headers.toLowerCase(java.util.Locale.ROOT).indexOf("content-length:");
        int length = Integer.parseInt(headers.substring(at + 15, headers.indexOf("\r\n", at)).trim());
        in.readNBytes(length);
        return headers;
    }

    private static SSLSocket tlsSocket(int port) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(pki.ca())) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        socket.startHandshake();
        return socket;
    }

    private static BigInteger serial(SSLSocket socket) throws Exception {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }

    @ParameterizedTest
    @EnumSource(value = TlsEngine.class, names = {"OPENSSL", "JDK"})
    void mutualTlsWithOptionalClientCertificates(TlsEngine engine, @TempDir Path dir) throws Exception {
        TestPki.Issued allowed = pki.client("http-allowed", "billing-svc");
        TestPki.Issued intruder = pki.client("http-intruder", "mallory");
        // optional means "may send none", not "may send anything": a certificate from another CA fails the handshake
        TestPki.Issued foreign = TestPki.other(Files.createDirectories(dir.resolve("other-ca")))
                .client("http-foreign", "billing-svc");
        TlsConfig tls = new TlsConfig(serverCert.cert().toString(), serverCert.key().toString(), pki.ca().toString(),
                ClientAuthMode.OPTIONAL, List.of("billing-svc"), null, engine);
        HttpInput input = start(config(tls, null, null, null, null, null));
        String auth = "Authorization: Bearer " + TOKEN;
        Reply withCert = curl(input, "/v1/logs", "-H", auth, "--cert", allowed.cert().toString(), "--key",
                allowed.key().toString(), "--data-binary", "from allowed client");
        assertThat(withCert.status()).isEqualTo(200);
        Reply noCert = curl(input, "/v1/logs", "-H", auth, "--data-binary", "token only");
        assertThat(noCert.status()).isEqualTo(200);
        Reply refused = curl(input, "/v1/logs", "-H", auth, "--cert", intruder.cert().toString(), "--key",
                intruder.key().toString(), "--data-binary", "from intruder");
        assertThat(refused.status()).isEqualTo(-1);
        assertThat(refused.curlExit()).isNotZero();
        Reply untrusted = curl(input, "/v1/logs", "-H", auth, "--cert", foreign.cert().toString(), "--key",
                foreign.key().toString(), "--data-binary", "from another ca");
        assertThat(untrusted.status()).isEqualTo(-1);
        assertThat(untrusted.curlExit()).isNotZero();
        assertThat(sink.messages()).containsExactly("from allowed client", "token only");
        assertThat(metrics.get("redactd.tls.clients.refused").counter().count()).isEqualTo(1.0);
    }

    @Test
    void plaintextOnlyWhenInsecureAndSlowClientsAreCutOff() throws Exception {
        assertThat(config(null, null, null, null, null, null).withInsecure(false).validate())
                .anyMatch(p -> p.path().equals("tls") && p.message().startsWith("required"));
        HttpInput input = start(config(null, null, null, null, 1, null));
        ExternalProcess.Result plain = ExternalProcess.run(List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
                "-H", "Authorization: Bearer " + TOKEN, "--data-binary", "plain", "http://127.0.0.1:" + input.port() + "/v1/logs"),
                null, 20);
        assertThat(plain.stdout()).isEqualTo("200");
        try (Socket slow = new Socket("127.0.0.1", input.port())) {
            slow.getOutputStream().write("POST /v1/logs HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            slow.setSoTimeout(5000);
            InputStream in = slow.getInputStream();
            assertThat(in.read()).as("a client trickling its headers is disconnected").isEqualTo(-1);
        }
        try (Socket slowBody = new Socket("127.0.0.1", input.port())) {
            slowBody.getOutputStream().write(("POST /v1/logs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Length: 100\r\n\r\nonly part").getBytes(StandardCharsets.US_ASCII));
            slowBody.setSoTimeout(5000);
            String answer = new String(slowBody.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(answer).startsWith("HTTP/1.1 408").contains("request_timeout");
        }
    }
}
