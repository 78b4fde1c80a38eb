package io.redactd.benchmarks.outputs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.redactd.outputs.EventBatch;
import io.redactd.outputs.buffer.BufferedFanOut;
import io.redactd.outputs.buffer.DiskBuffer;
import io.redactd.outputs.buffer.DiskBufferConfig;
import io.redactd.outputs.delivery.BatchConfig;
import io.redactd.outputs.elasticsearch.ElasticsearchOutput;
import io.redactd.outputs.elasticsearch.ElasticsearchOutputConfig;
import io.vertx.core.Vertx;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * File -> OpenSearch throughput of the buffered Elasticsearch output, against the rate at which curl alone bulk-loads
 * the same documents into the same node (the server's ceiling), in the same run.
 *
 * <p>The documents are ECS events built from the loghub corpus lines (already "redacted": the redactor is not part of
 * this measurement), written once to an NDJSON file. The redactd side reads that file, appends to the disk buffer
 * through {@link BufferedFanOut} and lets the output ship it; the clock runs from the first read to the last
 * acknowledged {@code _bulk}. The curl side posts the same documents in bulk files of the same batch size, one after
 * another. Each run writes a fresh index (deleted after it is counted); after one uncounted warm-up load, two rounds
 * of curl / redactd with gzip / redactd without gzip are interleaved, so load on the machine hits all three alike.
 *
 * <p>Arguments: {@code <opensearch url> <work dir> <corpus dir> [documents] [batch]}.
 */
public final class OpenSearchThroughput {
    private OpenSearchThroughput() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        Path work = Files.createDirectories(Path.of(args[1]));
        Path corpus = Path.of(args[2]);
        int count = args.length > 3 ? Integer.parseInt(args[3]) : 200_000;
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 5000;

        Path documents = work.resolve("documents.ndjson");
        long bytes = writeDocuments(corpus, documents, count);
        List<Path> bulkFiles = writeBulkFiles(documents, work, batch, "bench-curl");
        System.out.printf(Locale.ROOT, "documents: %d, %.1f MB (%.0f bytes each), batch %d%n", count, bytes / 1e6,
                (double) bytes / count, batch);

        HttpClient http = HttpClient.newHttpClient();
        // A first bulk load warms the node (JIT, index structures); it is not counted.
        curl(http, url, bulkFiles, count, "bench-curl");
        int rounds = 2;
        double curl = 0;
        double gzipOn = 0;
        double gzipOff = 0;
        for (int round = 1; round <= rounds; round++) {
            double c = curl(http, url, bulkFiles, count, "bench-curl");
            double on = redactd(http, url, documents, work, count, batch, true, "bench-redactd-gzip");
            double off = redactd(http, url, documents, work, count, batch, false, "bench-redactd-plain");
            System.out.printf(Locale.ROOT, "round %d: curl %.0f, redactd gzip %.0f (%.0f%%), redactd plain %.0f (%.0f%%) docs/s%n",
                    round, c, on, 100 * on / c, off, 100 * off / c);
            curl += c / rounds;
            gzipOn += on / rounds;
            gzipOff += off / rounds;
        }
        System.out.printf(Locale.ROOT, "curl ceiling (mean): %.0f docs/s%n", curl);
        System.out.printf(Locale.ROOT, "redactd gzip on  (mean): %.0f docs/s = %.0f%% of curl%n", gzipOn, 100 * gzipOn / curl);
        System.out.printf(Locale.ROOT, "redactd gzip off (mean): %.0f docs/s = %.0f%% of curl%n", gzipOff, 100 * gzipOff / curl);
    }

    private static long writeDocuments(Path corpus, Path target, int count) throws IOException {
        List<String[]> lines = new ArrayList<>();
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(corpus, "*.log")) {
            for (Path log : logs) {
                String name = log.getFileName().toString();
                for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    lines.add(new String[]{name, line});
                }
            }
        }
        JsonFactory json = new JsonFactory();
        String start = Instant.parse("2026-11-27T00:00:00Z").toString();
        try (OutputStream out = Files.newOutputStream(target)) {
            ByteArrayOutputStream document = new ByteArrayOutputStream(1024);
            for (int i = 0; i < count; i++) {
                String[] line = lines.get(i % lines.size());
                document.reset();
                try (JsonGenerator g = json.createGenerator(document)) {
                    g.writeStartObject();
                    g.writeStringField("@timestamp", start);
                    g.writeStringField("message", line[1]);
                    g.writeObjectFieldStart("log");
                    g.writeObjectFieldStart("file");
                    g.writeStringField("path", "/var/log/" + line[0]);
                    g.writeEndObject();
                    g.writeEndObject();
                    g.writeObjectFieldStart("host");
                    g.writeStringField("name", "bench-host");
                    g.writeEndObject();
                    g.writeObjectFieldStart("chain");
                    g.writeNumberField("seq", i);
                    g.writeStringField("prev", String.format("%064x", i));
                    g.writeStringField("hash", String.format("%064x", i + 1));
                    g.writeEndObject();
                    g.writeEndObject();
                }
                document.writeTo(out);
                out.write('\n');
            }
        }
        return Files.size(target) - count;
    }

    private static List<Path> writeBulkFiles(Path documents, Path work, int batch, String index) throws IOException {
        List<Path> files = new ArrayList<>();
        byte[] action = ("{\"index\":{\"_index\":\"" + index + "\"}}\n").getBytes(StandardCharsets.UTF_8);
        try (BufferedReader in = Files.newBufferedReader(documents)) {
            String line;
            OutputStream out = null;
            int inFile = 0;
            while ((line = in.readLine()) != null) {
                if (out == null || inFile == batch) {
                    if (out != null) {
                        out.close();
                    }
                    Path file = work.resolve("bulk-" + files.size() + ".ndjson");
                    files.add(file);
                    out = Files.newOutputStream(file);
                    inFile = 0;
                }
                out.write(action);
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.write('\n');
                inFile++;
            }
            if (out != null) {
                out.close();
            }
        }
        return files;
    }

    private static double curl(HttpClient http, String url, List<Path> files, int count, String index) throws Exception {
        delete(http, url, index);
        long start = System.nanoTime();
        for (Path file : files) {
            Process curl = new ProcessBuilder("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                    "Content-Type: application/x-ndjson", "--data-binary", "@" + file, url + "/_bulk")
                    .redirectErrorStream(true).start();
            String status = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (curl.waitFor() != 0 || !status.equals("200")) {
                throw new IllegalStateException("curl bulk failed: " + status);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        check(http, url, index, count);
        delete(http, url, index);
        return count / seconds;
    }

    private static double redactd(HttpClient http, String url, Path documents, Path work, int count, int batch,
                                  boolean gzip, String index) throws Exception {
        delete(http, url, index);
        Vertx vertx = Vertx.vertx();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Path bufferDir = work.resolve("buffer-" + index);
        ElasticsearchOutputConfig config = new ElasticsearchOutputConfig(url, index, false, null, null, null, null, gzip,
                new BatchConfig(batch, 64L << 20, 1000L), null, work.resolve("dead-" + index + ".ndjson").toString(),
                null, null, null);
        ElasticsearchOutput output = new ElasticsearchOutput("es", config, vertx, registry);
        DiskBuffer buffer = DiskBuffer.open(new DiskBufferConfig(bufferDir.toString(), 1L << 30, null, "interval", 1000L),
                List.of("es"));
        BufferedFanOut fanOut = new BufferedFanOut("buffered", vertx, buffer,
                List.of(new BufferedFanOut.Downstream(output, config.batch())), registry);
        fanOut.start().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        long start = System.nanoTime();
        try (BufferedReader in = Files.newBufferedReader(documents)) {
            List<byte[]> pending = new ArrayList<>(1000);
            String line;
            while ((line = in.readLine()) != null) {
                pending.add(line.getBytes(StandardCharsets.UTF_8));
                if (pending.size() == 1000) {
                    fanOut.write(new EventBatch(pending)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
                    pending = new ArrayList<>(1000);
                }
            }
            if (!pending.isEmpty()) {
                fanOut.write(new EventBatch(pending)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            }
        }
        while (output.metrics().sentCount() + output.metrics().deadLetteredCount() < count) {
            Thread.sleep(5);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        fanOut.stop().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        vertx.close();
        if (output.metrics().deadLetteredCount() > 0) {
            throw new IllegalStateException(output.metrics().deadLetteredCount() + " documents dead-lettered");
        }
        check(http, url, index, count);
        delete(http, url, index);
        System.out.printf(Locale.ROOT, "%s: retried %d%n", index, output.metrics().retriedCount());
        return count / seconds;
    }

    private static void delete(HttpClient http, String url, String index) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(url + "/" + index)).DELETE().build(), HttpResponse.BodyHandlers.discarding());
    }

    private static void check(HttpClient http, String url, String index, int count) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(url + "/" + index + "/_refresh")).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding());
        String body = http.send(HttpRequest.newBuilder(URI.create(url + "/" + index + "/_count")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        if (!body.contains("\"count\":" + count + ",")) {
            throw new IllegalStateException(index + " holds the wrong number of documents: " + body);
        }
    }
}
