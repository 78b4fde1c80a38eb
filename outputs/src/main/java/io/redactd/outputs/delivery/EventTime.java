package io.redactd.outputs.delivery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/** Reads the top-level {@code @timestamp} of an ECS document without building a tree. */
public final class EventTime {
    private static final JsonFactory JSON = new JsonFactory();

    private EventTime() {
    }

    /** Epoch milliseconds of {@code @timestamp}, or {@code fallback} when it is absent or unreadable. */
    public static long epochMillis(byte[] document, long fallback) {
        try (JsonParser parser = JSON.createParser(document)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return fallback;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("@timestamp".equals(name)) {
                    if (value == JsonToken.VALUE_STRING) {
                        return parse(parser.getText(), fallback);
                    }
                    if (value == JsonToken.VALUE_NUMBER_INT) {
                        return parser.getLongValue();
                    }
                    return fallback;
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            return fallback;
        }
        return fallback;
    }

    private static long parse(String text, long fallback) {
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
                } catch (DateTimeParseException notLocal) {
                    return fallback;
                }
            }
        }
    }
}
