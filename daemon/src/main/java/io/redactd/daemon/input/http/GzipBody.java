package io.redactd.daemon.input.http;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPInputStream;

/**
 * Inflates a gzip request body with a hard cap on the inflated size, so a small "zip bomb" cannot expand into
 * gigabytes: inflation stops and the request is refused (413) as soon as the cap is passed.
 */
public final class GzipBody {
    private GzipBody() {
    }

    public static byte[] inflate(byte[] compressed, long maxInflatedBytes) throws RequestRejected {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), 16 * 1024)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(compressed.length * 4, 1 << 20));
            byte[] chunk = new byte[16 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(chunk)) > 0) {
                total += n;
                if (total > maxInflatedBytes) {
                    throw new RequestRejected(413, "body_too_large", 6,
                            "gzip body inflates beyond max_decompressed_bytes (" + maxInflatedBytes + ")");
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new RequestRejected(400, "invalid_gzip", 6,
                    "Content-Encoding: gzip but the body is not valid gzip (" + e.getClass().getSimpleName() + ")");
        }
    }
}
