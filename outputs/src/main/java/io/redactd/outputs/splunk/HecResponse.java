package io.redactd.outputs.splunk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A collector answer: {@code {"text":"Success","code":0,"ackId":7}} or an error such as
 * {@code {"text":"Invalid data format","code":6,"invalid-event-number":2}}; and the ack endpoint's
 * {@code {"acks":{"7":true}}}.
 *
 * @param code               HEC status code, -1 when the body had none
 * @param ackId              -1 when absent
 * @param invalidEventNumber index (from 0) of the event the collector rejected, -1 when absent
 */
record HecResponse(String text, int code, long ackId, int invalidEventNumber) {
    private static final JsonFactory JSON = new JsonFactory();
    /**
     * Splunk's documented text of each HEC status code. The text is taken from here, never from the answer: a
     * collector (or whatever answers in its place) can put anything in it, values and newlines included, and it goes
     * into log lines, /readyz and the dead-letter file.
     */
    private static final List<String> DOCUMENTED = List.of("Success", "Token disabled", "Token is required",
            "Invalid authorization", "Invalid token", "No data", "Invalid data format", "Incorrect index",
            "Internal server error", "Server is busy", "Data channel is missing", "Invalid data channel",
            "Event field is required", "Event field cannot be blank", "ACK is disabled",
            "Error in handling indexed fields", "Query string authorization is not enabled", "HEC is healthy",
            "HEC is unhealthy, queues are full", "HEC is unhealthy, ack service unavailable",
            "HEC is unhealthy, queues are full, ack service unavailable");

    /** The documented text of a code; the answer's own text is never shown. */
    static String documentedText(int code) {
        return code >= 0 && code < DOCUMENTED.size() ? DOCUMENTED.get(code) : "undocumented HEC code " + code;
    }

    static HecResponse parse(byte[] body) {
        String text = "";
        int code = -1;
        long ackId = -1;
        int invalid = -1;
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    switch (field) {
                        case "code" -> code = value.isNumeric() ? parser.getIntValue() : -1;
                        case "ackId" -> ackId = value.isNumeric() ? parser.getLongValue() : -1;
                        case "invalid-event-number" -> invalid = value.isNumeric() ? parser.getIntValue() : -1;
                        default -> parser.skipChildren();
                    }
                }
            }
        } catch (IOException e) {
            text = "unreadable response";
        }
        return new HecResponse(code >= 0 ? documentedText(code) : text, code, ackId, invalid);
    }

    /** The {@code acks} map of an ack-poll answer. */
    static Map<Long, Boolean> parseAcks(byte[] body) throws IOException {
        Map<Long, Boolean> acks = new HashMap<>();
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("ack response is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("acks") && value == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        long id = Long.parseLong(parser.currentName());
                        acks.put(id, parser.nextToken() == JsonToken.VALUE_TRUE);
                    }
                } else {
                    parser.skipChildren();
                }
            }
        } catch (NumberFormatException e) {
            throw new IOException("ack response has a non-numeric ack id");
        }
        return acks;
    }
}
