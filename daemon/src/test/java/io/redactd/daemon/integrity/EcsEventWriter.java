package io.redactd.daemon.integrity;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A miniature of the daemon's event writer for tests: ECS-shaped canonical events chained with {@link HashChain}, in
 * batches, control events (restart, checkpoints) interleaved the way the pipeline does it, written to an NDJSON file
 * as the file output does, and the head committed after each batch is written.
 */
final class EcsEventWriter implements AutoCloseable {
    private static final DateTimeFormatter TS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** Redacted access-log lines: quotes, a tab and non-ASCII exercise the escaping rules. */
    private static final byte[][] MESSAGES = new byte[977][];

    static {
        for (int i = 0; i < MESSAGES.length; i++) {
            MESSAGES[i] = ("GET /patients/search?q=[REDACTED:NAME] 200 user=" + i + " ssn=[REDACTED:SSN] \"é\"\t"
                    + "took=" + (i % 53) + "ms").getBytes(StandardCharsets.UTF_8);
        }
    }

    private final HashChain chain;
    private final OutputStream out;
    private final CanonicalWriter w = new CanonicalWriter(512);
    private final byte[] linked = new byte[64 * 1024];
    private long clockMs;

    EcsEventWriter(HashChain chain, Path file, long startMs) throws IOException {
        this.chain = chain;
        this.out = new BufferedOutputStream(Files.newOutputStream(file,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), 1 << 16);
        this.clockMs = startMs;
    }

    /** Writes {@code count} log events in batches of {@code batch}, 1 ms apart. */
    void write(long count, int batch) throws IOException {
        long done = 0;
        while (done < count) {
            control();
            int n = (int) Math.min(batch, count - done);
            for (int i = 0; i < n; i++) {
                event(done + i);
                clockMs++;
            }
            done += n;
            control();
            out.flush();
            chain.commit();
        }
    }

    private void event(long i) throws IOException {
        w.reset().raw("{\"@timestamp\":").string(timestamp()).raw(",\"chain\":{");
        int at = w.size();
        chain.writeSeqAndStream(w)
                .raw("},\"event\":{\"dataset\":\"app.access\",\"kind\":\"event\"},\"host\":{\"name\":\"web-01\"},")
                .raw("\"log\":{\"file\":{\"path\":\"/var/log/app/access.log\"},\"offset\":").number(i * 180)
                .raw("},\"message\":");
        byte[] msg = MESSAGES[(int) (i % MESSAGES.length)];
        CanonicalJson.appendString(w, msg, 0, msg.length);
        w.raw('}');
        int len = chain.link(w.array(), 0, w.size(), at, linked, 0);
        out.write(linked, 0, len);
        out.write('\n');
    }

    private long cachedSecond = Long.MIN_VALUE;
    private String cachedPrefix;

    /** ISO-8601 with millis; the formatter runs once per second of event time, not per event. */
    private String timestamp() {
        long second = Math.floorDiv(clockMs, 1000);
        if (second != cachedSecond) {
            cachedSecond = second;
            String full = TS.format(Instant.ofEpochMilli(second * 1000));
            cachedPrefix = full.substring(0, full.length() - 4);
        }
        long ms = Math.floorMod(clockMs, 1000);
        return cachedPrefix + (ms < 10 ? "00" : ms < 100 ? "0" : "") + ms + "Z";
    }

    private void control() throws IOException {
        for (byte[] c; (c = chain.pollControlEvent(clockMs)) != null; ) {
            out.write(c);
            out.write('\n');
        }
    }

    /** Clean shutdown: a final checkpoint seals the tail. */
    void seal() throws IOException {
        byte[] c = chain.finalCheckpoint(clockMs);
        if (c != null) {
            out.write(c);
            out.write('\n');
        }
        out.flush();
        chain.commit();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
