package io.redactd.daemon.input.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;

/**
 * The JSON reading shared by the HTTP endpoints: the factory (nesting bounded) and the NDJSON check that a line is
 * exactly one JSON object. Objects stay as their original JSON text: the redactor is JSON-aware and redacts inside
 * string values, so the input never re-serialises (and never reorders or loses) what the sender wrote. Lines are
 * split by {@link LineSplitter}.
 */
public final class BodyLines {
    static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
            .build();

    private BodyLines() {
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
