package io.redactd.daemon.integrity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The chain head in {@code <state_dir>/integrity/chain-head.json}, replaced atomically and fsynced on every commit,
 * and {@code chain-stream}, the id of the current stream written when a stream begins. The stream file outliving a
 * lost head is how a restart tells "state was lost" (a visible chain_restart) from "first start" (plain genesis).
 */
final class ChainHeadStore {
    private final Path head;
    private final Path streamFile;

    ChainHeadStore(Path stateDir) {
        Path dir = stateDir.resolve("integrity");
        this.head = dir.resolve("chain-head.json");
        this.streamFile = dir.resolve("chain-stream");
    }

    Path headFile() {
        return head;
    }

    Optional<ChainHead> load() throws IOException, CorruptStateException {
        byte[] content;
        try {
            content = Files.readAllBytes(head);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String what = "chain head " + head;
        ObjectNode o = ChecksummedJson.decode(content, what);
        try {
            return Optional.of(new ChainHead(
                    ChecksummedJson.requireText(o, "stream", what),
                    ChecksummedJson.requireLong(o, "seq", what),
                    ChecksummedJson.requireText(o, "hash", what),
                    ChecksummedJson.requireLong(o, "last_checkpoint_seq", what),
                    ChecksummedJson.requireLong(o, "key_index", what)));
        } catch (IllegalArgumentException e) {
            throw new CorruptStateException(what + ": " + e.getMessage());
        }
    }

    void save(ChainHead h) throws IOException {
        ObjectNode o = ChecksummedJson.newObject();
        o.put("stream", h.stream());
        o.put("seq", h.seq());
        o.put("hash", h.hash());
        o.put("last_checkpoint_seq", h.lastCheckpointSeq());
        o.put("key_index", h.keyIndex());
        AtomicFiles.write(head, ChecksummedJson.encode(o));
    }

    /** The stream id recorded when the current stream began, if the file survives and is readable. */
    Optional<String> lastStream() {
        try {
            String s = Files.readString(streamFile, StandardCharsets.UTF_8).strip();
            return s.isEmpty() || !StreamIds.isValid(s) ? Optional.empty() : Optional.of(s);
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }

    boolean streamFileExists() {
        return Files.exists(streamFile);
    }

    void saveStream(String stream) throws IOException {
        AtomicFiles.write(streamFile, (stream + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
