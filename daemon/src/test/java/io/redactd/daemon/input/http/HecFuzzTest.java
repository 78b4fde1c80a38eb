package io.redactd.daemon.input.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.daemon.config.ComponentContext;
import io.redactd.daemon.tls.LogCapture;
import io.redactd.daemon.tls.RecordingSink;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Random and mutated HEC bodies (truncated JSON, invalid UTF-8, deep nesting, wrong types) through the parser and a
 * live input: only RequestRejected with a HEC code ever comes out, answers are 200 or 4xx, and the canary value in
 * the events reaches neither an error message nor the log.
 */
class HecFuzzTest {
    private static final String CANARY = "CANARY-MRN-99817234-4111111111111111";

    static byte[] body(Random random) {
        String[] seeds = {
                "{\"event\":\"" + CANARY + "\",\"time\":1700000000}",
                "{\"event\":{\"note\":\"" + CANARY + "\",\"n\":[1,2,{\"x\":null}]},\"fields\":{\"k\":\"" + CANARY + "\"}}",
                "{\"event\":\"a\"}{\"event\":\"" + CANARY + "\"}",
                "{\"time\":\"" + CANARY + "\",\"event\":\"x\"}",
                "[\"" + CANARY + "\"]",
                "{\"event\":" + "[".repeat(300) + "\"" + CANARY + "\"" + "]".repeat(300) + "}",
                "{\"fields\":\"" + CANARY + "\",\"event\":\"x\"}",
        };
        byte[] b = seeds[random.nextInt(seeds.length)].getBytes(StandardCharsets.UTF_8);
        int mutations = random.nextInt(4);
        for (int m = 0; m < mutations && b.length > 0; m++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(4)) {
                case 0 -> b[at] = (byte) random.nextInt(256);
                case 1 -> b = Arrays.copyOf(b, at);
                case 2 -> b[at] = (byte) 0xFF;
                default -> b[at] = (byte) "{}[]\":,\\".charAt(random.nextInt(8));
            }
        }
        return b;
    }

    @Test
    void parserOnlyEverRejectsWithHecCodesAndNoContent() {
        Random random = new Random(99L);
        Set<Integer> codes = Set.of(5, 6, 12, 13, 15);
        int accepted = 0;
        int rejected = 0;
        for (int i = 0; i < 5_000; i++) {
            byte[] body = i % 10 == 0 ? randomBytes(random) : body(random);
            try {
                List<HecEventParser.HecEvent> events = HecEventParser.parse(body, 1000, 64 * 1024);
                assertThat(events).isNotEmpty();
                accepted++;
            } catch (RequestRejected e) {
                assertThat(codes).contains(e.hecCode());
                assertThat(e.getMessage()).doesNotContain(CANARY).doesNotContain("MRN");
                rejected++;
            }
            BodyLines.isSingleObject(body);
        }
        assertThat(accepted).isGreaterThan(250);
        assertThat(rejected).isGreaterThan(250);
    }

    private static byte[] randomBytes(Random random) {
        byte[] b = new byte[random.nextInt(200)];
        random.nextBytes(b);
        return b;
    }

    @Test
    void liveInputAnswersEveryFuzzedRequestWithoutLeaking() throws Exception {
        Vertx vertx = Vertx.vertx();
        String token = "fuzz-token-0123456789abcdef";
        HttpInputConfig config = new HttpInputConfig("127.0.0.1:0", null, true,
                List.of(new TokenConfig("fuzz", HexFormat.of().formatHex(TokenAuthenticator.sha256(token)), null, null, null)),
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null);
        HttpInput input = new HttpInput(config, new ComponentContext("fuzz", vertx, new RecordingSink(), Path.of("/tmp"),
                new SimpleMeterRegistry()));
        HttpClient client = HttpClient.newHttpClient();
        try (LogCapture log = new LogCapture()) {
            input.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            Random random = new Random(5L);
            for (int i = 0; i < 300; i++) {
                String path = i % 2 == 0 ? "/services/collector/event" : "/v1/logs";
                HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + input.port() + path))
                        .header("Authorization", (i % 50 == 0 ? "Bearer " + CANARY : "Splunk " + token))
                        .header("Content-Type", i % 4 == 1 ? "application/x-ndjson" : "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body(random)));
                HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isIn(200, 400, 403, 413, 429);
                assertThat(response.body()).startsWith("{").doesNotContain(CANARY);
            }
            assertThat(log.text()).contains("failed authentication").doesNotContain(CANARY).doesNotContain("99817234");
        } finally {
            input.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
