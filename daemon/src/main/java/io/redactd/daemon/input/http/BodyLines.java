package io.redactd.daemon.input.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits a body into lines ({@code \n}, optional {@code \r}; empty lines skipped) and, for NDJSON, checks that each
 * line is exactly one JSON object. Objects stay as their original JSON text: the redactor is JSON-aware and redacts
 * inside string values, so the input never re-serialises (and never reorders or loses) what the sender wrote.
 */
public final class BodyLines {
    static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
            .build();

    private BodyLines() {
    }

    public static List<byte[]> split(byte[] body, int maxLineBytes, int maxLines) throws RequestRejected {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        int lineNo = 0;
        while (start < body.length) {
            int lf = start;
            while (lf < body.length && body[lf] != '\n') {
                lf++;
            }
            lineNo++;
            int end = lf;
            if (end > start && body[end - 1] == '\r') {
                end--;
            }
            if (end - start > maxLineBytes) {
                throw new RequestRejected(413, "line_too_long", 6,
                        "line " + lineNo + " is " + (end - start) + " bytes, over max_line_bytes (" + maxLineBytes + ")");
            }
            if (end > start) {
                if (lines.size() == maxLines) {
                    throw new RequestRejected(413, "too_many_events", 6,
                            "more than max_events_per_request (" + maxLines + ") lines");
                }
                lines.add(Arrays.copyOfRange(body, start, end));
            }
            start = lf + 1;
        }
        return lines;
    }

    /** Rejects the request unless every line is a single JSON object. */
    public static void requireJsonObjects(List<byte[]> lines) throws RequestRejected {
        for (int i = 0; i < lines.size(); i++) {
            if (!isSingleObject(lines.get(i))) {
                throw new RequestRejected(400, "invalid_json", 6,
                        "NDJSON line " + (i + 1) + " (counting non-empty lines) is not a single valid JSON object; "
                                + "nothing from this request was accepted", i + 1);
            }
        }
    }

    static boolean isSingleObject(byte[] line) {
        try (JsonParser parser = JSON.createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException | RuntimeException e) {
            // the exception text can quote the input: only the fact of failure is used
            return false;
        }
    }
}
