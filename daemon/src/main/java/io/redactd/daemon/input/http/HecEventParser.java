package io.redactd.daemon.input.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a Splunk HEC {@code /services/collector/event} body: JSON event objects one after another (no array, any
 * whitespace between). A string {@code event} becomes the message text; an object or array {@code event} is kept as
 * its original JSON text (flagged JSON, for the JSON-aware redactor). Indexed {@code fields}, which may hold anything,
 * are never passed as metadata: they go into the message as {@code {"event":...,"fields":{...}}} so they are
 * redacted too. Errors carry HEC's code and the 1-based number of the bad event, never its content.
 */
public final class HecEventParser {

    /** One HEC event; {@code timeMs} null when the sender gave no {@code time}. */
    public record HecEvent(byte[] message, boolean json, Long timeMs, String host, String source, String sourcetype,
                           String index) {
    }

    private static final byte[] EVENT_PREFIX = "{\"event\":".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FIELDS_INFIX = ",\"fields\":".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_META_CHARS = 1024;

    private HecEventParser() {
    }

    /**
     * What a body yields read as Splunk reads it: the events up to the first invalid one, and why reading stopped
     * there ({@code stop}, null when the whole body was valid). A stop with a number ({@code invalid-event-number})
     * follows exactly {@code events}; a stop without one (no data, too many events) refuses the whole request, and
     * {@code events} is then empty.
     */
    public record Prefix(List<HecEvent> events, RequestRejected stop) {
    }

    /** All or nothing: the events, or the first problem. */
    public static List<HecEvent> parse(byte[] body, int maxEvents, int maxEventBytes) throws RequestRejected {
        Prefix prefix = parsePrefix(body, maxEvents, maxEventBytes);
        if (prefix.stop() != null) {
            throw prefix.stop();
        }
        return prefix.events();
    }

    public static Prefix parsePrefix(byte[] body, int maxEvents, int maxEventBytes) {
        List<HecEvent> events = new ArrayList<>();
        int number = 0;
        try (JsonParser p = BodyLines.JSON.createParser(body)) {
            JsonToken token;
            while ((token = p.nextToken()) != null) {
                number++;
                if (number > maxEvents) {
                    // No number: every event so far is valid, and naming one would make a Splunk-faithful sender
                    // dead-letter it. Refused whole, the sender splits the request.
                    return new Prefix(List.of(), new RequestRejected(413, "too_many_events", 6,
                            "more than max_events_per_request (" + maxEvents + ") events; nothing from this request "
                                    + "was accepted"));
                }
                if (token != JsonToken.START_OBJECT) {
                    return new Prefix(events, invalid(number, "is not a JSON object"));
                }
                events.add(event(p, body, number, maxEventBytes));
            }
        } catch (RequestRejected e) {
            return new Prefix(events, e);
        } catch (IOException | RuntimeException e) {
            // Jackson's message may quote the input, so only the position is reported. The bad one is the event after
            // the last complete one: trailing garbage after a good event is not that event's fault.
            return new Prefix(events, invalid(events.size() + 1, "is not valid JSON"));
        }
        if (events.isEmpty()) {
            return new Prefix(events, new RequestRejected(400, "no_data", 5, "No data: the body holds no event"));
        }
        return new Prefix(events, null);
    }

    private static HecEvent event(JsonParser p, byte[] body, int number, int maxEventBytes) throws IOException, RequestRejected {
        String text = null;
        int[] eventRaw = null;
        int[] fieldsRaw = null;
        boolean json = false;
        boolean present = false;
        Long timeMs = null;
        String host = null;
        String source = null;
        String sourcetype = null;
        String index = null;
        JsonToken token;
        while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "event" -> {
                    present = value != JsonToken.VALUE_NULL;
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                        p.skipChildren();
                        json = true;
                    } else if (value != JsonToken.VALUE_NULL) {
                        text = p.getText();
                    }
                    eventRaw = new int[] {start, (int) p.currentLocation().getByteOffset()};
                }
                case "time" -> timeMs = time(p, value, number);
                case "host" -> host = meta(p, value);
                case "source" -> source = meta(p, value);
                case "sourcetype" -> sourcetype = meta(p, value);
                case "index" -> index = meta(p, value);
                case "fields" -> {
                    if (value != JsonToken.START_OBJECT) {
                        throw new RequestRejected(400, "invalid_fields", 15,
                                "Error in handling indexed fields: event " + number + " has fields that are not an object", number);
                    }
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    fieldsRaw = new int[] {start, (int) p.currentLocation().getByteOffset()};
                }
                default -> p.skipChildren();
            }
        }
        if (token != JsonToken.END_OBJECT) {
            throw invalid(number, "is not a complete JSON object");
        }
        if (!present) {
            throw new RequestRejected(400, "event_required", 12, "Event field is required: event " + number + " has no \"event\"", number);
        }
        if (text != null && text.isBlank()) {
            throw new RequestRejected(400, "event_blank", 13, "Event field cannot be blank: event " + number, number);
        }
        byte[] message;
        if (fieldsRaw != null) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(eventRaw[1] - eventRaw[0] + fieldsRaw[1] - fieldsRaw[0] + 24);
            out.write(EVENT_PREFIX);
            out.write(body, eventRaw[0], eventRaw[1] - eventRaw[0]);
            out.write(FIELDS_INFIX);
            out.write(body, fieldsRaw[0], fieldsRaw[1] - fieldsRaw[0]);
            out.write('}');
            message = out.toByteArray();
            json = true;
        } else if (json) {
            message = Arrays.copyOfRange(body, eventRaw[0], eventRaw[1]);
        } else {
            message = text.getBytes(StandardCharsets.UTF_8);
        }
        if (message.length > maxEventBytes) {
            // 400 like Splunk's per-event errors, not 413: the events before this one are accepted, so the request
            // as a whole was not too large
            throw new RequestRejected(400, "event_too_large", 6,
                    "event " + number + " is " + message.length + " bytes, over max_line_bytes (" + maxEventBytes + ")", number);
        }
        return new HecEvent(message, json, timeMs, host, source, sourcetype, index);
    }

    /** HEC {@code time}: epoch seconds with optional fraction, as a number or a numeric string. */
    private static Long time(JsonParser p, JsonToken value, int number) throws IOException, RequestRejected {
        double seconds;
        if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
            seconds = p.getDoubleValue();
        } else if (value == JsonToken.VALUE_STRING) {
            try {
                seconds = Double.parseDouble(p.getText().strip());
            } catch (NumberFormatException e) {
                throw invalid(number, "has a time that is not epoch seconds");
            }
        } else {
            p.skipChildren();
            throw invalid(number, "has a time that is not epoch seconds");
        }
        if (!Double.isFinite(seconds) || seconds < 0 || seconds > 32503680000d) {
            throw invalid(number, "has a time outside 1970..3000");
        }
        return Math.round(seconds * 1000);
    }

    private static String meta(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.VALUE_STRING) {
            p.skipChildren();
            return null;
        }
        String text = p.getText();
        return text.length() > MAX_META_CHARS ? text.substring(0, MAX_META_CHARS) : text;
    }

    private static RequestRejected invalid(int number, String what) {
        return new RequestRejected(400, "invalid_data_format", 6, "Invalid data format: event " + number + " " + what, number);
    }
}
