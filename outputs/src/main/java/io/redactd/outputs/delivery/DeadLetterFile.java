package io.redactd.outputs.delivery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * Local NDJSON file of documents a destination rejected for good. It only ever receives documents from the buffer,
 * which holds redacted data only. Each line: {@code @timestamp}, {@code output}, {@code status}, {@code error_type},
 * {@code reason}, {@code attempts} and {@code document} (the original document as a JSON string, so a document the
 * server called malformed still yields a valid line). Lines are fsynced before the write returns: a dead-lettered
 * document is released from the buffer only once it is safe here.
 */
public final class DeadLetterFile {
    private static final JsonFactory JSON = new JsonFactory();

    /** One rejected document and why. */
    public record Entry(byte[] document, int status, String errorType, String reason, int attempts) {
    }

    private final Path path;
    private final String outputId;

    public DeadLetterFile(Path path, String outputId) {
        this.path = path;
        this.outputId = outputId;
    }

    public Path path() {
        return path;
    }

    public synchronized void write(List<Entry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String now = Instant.now().toString();
        for (Entry entry : entries) {
            try (JsonGenerator json = JSON.createGenerator(out)) {
                json.writeStartObject();
                json.writeStringField("@timestamp", now);
                json.writeStringField("output", outputId);
                json.writeNumberField("status", entry.status());
                json.writeStringField("error_type", entry.errorType());
                json.writeStringField("reason", entry.reason());
                json.writeNumberField("attempts", entry.attempts());
                json.writeStringField("document", new String(entry.document(), StandardCharsets.UTF_8));
                json.writeEndObject();
            }
            out.write('\n');
        }
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer bytes = ByteBuffer.wrap(out.toByteArray());
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(false);
        }
    }
}
