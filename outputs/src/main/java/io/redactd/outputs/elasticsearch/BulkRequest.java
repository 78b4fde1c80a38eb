package io.redactd.outputs.elasticsearch;

import io.redactd.outputs.delivery.Gzip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Encodes a {@code _bulk} NDJSON body: an action line, then the document, each ending in a newline. */
final class BulkRequest {
    private BulkRequest() {
    }

    /** One document and the index it goes to. */
    record Item(byte[] document, String index, int attempts) {
        Item retried() {
            return new Item(document, index, attempts + 1);
        }
    }

    static byte[] encode(List<Item> items, boolean create, boolean gzip) {
        int estimate = 64;
        for (Item item : items) {
            estimate += item.document().length + item.index().length() + 32;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(gzip ? estimate / 4 : estimate);
        byte[] action = (create ? "{\"create\":{\"_index\":\"" : "{\"index\":{\"_index\":\"").getBytes(StandardCharsets.US_ASCII);
        byte[] actionEnd = "\"}}\n".getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = gzip ? Gzip.fastStream(bytes) : bytes) {
            String lastIndex = null;
            byte[] indexBytes = null;
            for (Item item : items) {
                if (!item.index().equals(lastIndex)) {
                    lastIndex = item.index();
                    // Index names are validated to need no JSON escaping.
                    indexBytes = lastIndex.getBytes(StandardCharsets.UTF_8);
                }
                out.write(action);
                out.write(indexBytes);
                out.write(actionEnd);
                out.write(item.document());
                out.write('\n');
            }
        } catch (IOException e) {
            throw new IllegalStateException("in-memory encoding failed", e);
        }
        return bytes.toByteArray();
    }
}
