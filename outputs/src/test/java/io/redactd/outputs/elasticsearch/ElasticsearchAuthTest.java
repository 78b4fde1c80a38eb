package io.redactd.outputs.elasticsearch;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.outputs.EventBatch;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static io.redactd.outputs.AsyncAssertions.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Credentials come from secret files and reach the server as the documented headers. */
class ElasticsearchAuthTest {
    private final Vertx vertx = Vertx.vertx();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        vertx.close();
    }

    private ElasticsearchOutput output(String url, String username, String passwordFile, String apiKeyFile) {
        ElasticsearchOutputConfig config = new ElasticsearchOutputConfig(url, "auth-redactd", false, username, passwordFile,
                apiKeyFile, null, false, null, null, dir.resolve("dead.ndjson").toString(), null, null, true);
        assertThat(config.validate()).isEmpty();
        return new ElasticsearchOutput("es", config, vertx, new SimpleMeterRegistry());
    }

    private static List<byte[]> one() {
        return List.of("{\"seq\":1,\"message\":\"[REDACTED:EMAIL] logged in\"}".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void basicAuthAndApiKeyAreReadFromFiles() throws Exception {
        Path password = dir.resolve("es.password");
        Files.writeString(password, "s3cr\u00e9t:with-colon\n");
        Path apiKey = dir.resolve("es.apikey");
        Files.writeString(apiKey, "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==\n");
        try (BulkReceiver receiver = new BulkReceiver(vertx, seen -> BulkReceiver.Outcome.CREATED)) {
            ElasticsearchOutput basic = output(receiver.url(), "redactd_writer", password.toString(), null);
            await(basic.start());
            await(basic.write(new EventBatch(one())));
            ElasticsearchOutput keyed = output(receiver.url(), null, null, apiKey.toString());
            await(keyed.start());
            await(keyed.write(new EventBatch(one())));

            String expectedBasic = "Basic " + Base64.getEncoder()
                    .encodeToString("redactd_writer:s3cr\u00e9t:with-colon".getBytes(StandardCharsets.UTF_8));
            assertThat(receiver.authorizations).containsExactly(expectedBasic,
                    "ApiKey VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==");
        }
    }

    @Test
    void unreadableSecretFailsTheStartNamingTheFileNotItsContent() throws Exception {
        Path apiKey = dir.resolve("es.apikey");
        Files.writeString(apiKey, "line-one\nline-two\n");
        ElasticsearchOutput output = output("http://127.0.0.1:9", null, null, apiKey.toString());
        assertThatThrownBy(() -> await(output.start()))
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining(apiKey.toString())
                .hasMessageContaining("more than one line")
                .hasMessageNotContaining("line-one");
    }
}
