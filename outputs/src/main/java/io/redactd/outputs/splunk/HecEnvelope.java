package io.redactd.outputs.splunk;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.redactd.outputs.delivery.EventTime;
import io.redactd.outputs.delivery.Gzip;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Wraps ECS documents in HEC event objects and concatenates them, with no separator, as the collector accepts:
 * {@code {"time":1764208923.456,"host":"h","source":"s","sourcetype":"st","index":"i","event":{...}}}. {@code time}
 * is the document's {@code @timestamp} in epoch seconds with milliseconds; {@code index} is left out when the token's
 * default index is meant.
 */
final class HecEnvelope {
    private final byte[] afterTime;

    HecEnvelope(String host, String source, String sourcetype, String index) {
        StringBuilder fields = new StringBuilder();
        field(fields, "host", host);
        field(fields, "source", source);
        field(fields, "sourcetype", sourcetype);
        if (index != null) {
            field(fields, "index", index);
        }
        fields.append(",\"event\":");
        this.afterTime = fields.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void field(StringBuilder fields, String name, String value) {
        fields.append(",\"").append(name).append("\":\"");
        JsonStringEncoder.getInstance().quoteAsString(value, fields);
        fields.append('"');
    }

    byte[] encode(List<byte[]> documents, boolean gzip) {
        long now = System.currentTimeMillis();
        int estimate = 0;
        for (byte[] document : documents) {
            estimate += document.length + afterTime.length + 32;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(gzip ? estimate / 4 : estimate);
        try (OutputStream out = gzip ? Gzip.fastStream(bytes) : bytes) {
            for (byte[] document : documents) {
                long millis = EventTime.epochMillis(document, now);
                out.write(("{\"time\":" + seconds(millis)).getBytes(StandardCharsets.US_ASCII));
                out.write(afterTime);
                out.write(document);
                out.write('}');
            }
        } catch (IOException e) {
            throw new IllegalStateException("in-memory encoding failed", e);
        }
        return bytes.toByteArray();
    }

    static String seconds(long epochMillis) {
        long seconds = Math.floorDiv(epochMillis, 1000);
        long millis = Math.floorMod(epochMillis, 1000);
        return seconds + "." + (millis < 10 ? "00" : millis < 100 ? "0" : "") + millis;
    }
}
