package io.redactd.daemon.input.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
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

    /** Where the parser takes an event's raw JSON text from, and learns what it no longer needs. */
    interface Source {
        /** Bytes {@code [from, to)} of the body. */
        byte[] copy(long from, long to);

        /** Nothing before {@code offset} will be asked for again. */
        default void consumedBefore(long offset) {
        }
    }

    /** Receives each event as soon as it is parsed, so a body's events need not be listed twice. */
    interface Sink {
        void event(HecEvent event) throws RequestRejected;
    }

    /** All or nothing: the events, or the first problem. */
    public static List<HecEvent> parse(byte[] body, int maxEvents, int maxEventBytes) throws RequestRejected {
        List<HecEvent> events = new ArrayList<>();
        Source source = (from, to) -> Arrays.copyOfRange(body, (int) from, (int) to);
        try (JsonParser p = BodyLines.JSON.createParser(body)) {
            parse(p, source, maxEvents, maxEventBytes, events::add);
        } catch (IOException e) {
            throw invalid(events.size() + 1, "is not valid JSON");
        }
        return events;
    }

    /**
     * Parses {@code in} event by event, handing each to {@code sink}; returns how many there were. Reads as Splunk
     * reads a body: when it stops at an invalid event, the rejection names it ({@code invalid-event-number}) and the
     * events handed to {@code sink} are exactly the ones before it, which Splunk would have indexed. A rejection
     * without a number (no data, too many events, or one the sink throws) refuses the whole request: whatever the
     * sink got is then to be dropped.
     */
    static int parse(InputStream in, Source source, int maxEvents, int maxEventBytes, Sink sink) throws RequestRejected {
        try (JsonParser p = BodyLines.JSON.createParser(in)) {
            return parse(p, source, maxEvents, maxEventBytes, sink);
        } catch (IOException e) {
            throw invalid(1, "is not valid JSON");
        }
    }

    private static int parse(JsonParser p, Source source, int maxEvents, int maxEventBytes, Sink sink)
            throws RequestRejected {
        int number = 0;
        int complete = 0;
        try {
            JsonToken token;
            while ((token = p.nextToken()) != null) {
                number++;
                if (number > maxEvents) {
                    // No number: every event so far is valid, and naming one would make a Splunk-faithful sender
                    // dead-letter it. Refused whole, the sender splits the request.
                    throw new RequestRejected(413, "too_many_events", 6,
                            "more than max_events_per_request (" + maxEvents + ") events; nothing from this request "
                                    + "was accepted");
                }
                if (token != JsonToken.START_OBJECT) {
                    throw invalid(number, "is not a JSON object");
                }
                HecEvent event = event(p, source, number, maxEventBytes);
                complete++;
                sink.event(event);
                source.consumedBefore(p.currentLocation().getByteOffset());
            }
        } catch (IOException | RuntimeException e) {
            // Jackson's message may quote the input, so only the position is reported. The bad one is the event after
            // the last complete one: trailing garbage after a good event is not that event's fault.
            throw invalid(complete + 1, "is not valid JSON");
        }
        if (complete == 0) {
            throw new RequestRejected(400, "no_data", 5, "No data: the body holds no event");
        }
        return complete;
    }

    private static HecEvent event(JsonParser p, Source body, int number, int maxEventBytes) throws IOException, RequestRejected {
        String text = null;
        long[] eventRaw = null;
        long[] fieldsRaw = null;
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
                    long start = p.currentTokenLocation().getByteOffset();
                    if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                        p.skipChildren();
                        json = true;
                    } else if (value != JsonToken.VALUE_NULL) {
                        text = p.getText();
                    }
                    eventRaw = new long[] {start, p.currentLocation().getByteOffset()};
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
                    long start = p.currentTokenLocation().getByteOffset();
                    p.skipChildren();
                    fieldsRaw = new long[] {start, p.currentLocation().getByteOffset()};
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
            // {"event":<event>,"fields":<fields>} assembled in one array of its final size
            byte[] event = body.copy(eventRaw[0], eventRaw[1]);
            byte[] fields = body.copy(fieldsRaw[0], fieldsRaw[1]);
            message = new byte[EVENT_PREFIX.length + event.length + FIELDS_INFIX.length + fields.length + 1];
            int at = 0;
            System.arraycopy(EVENT_PREFIX, 0, message, at, EVENT_PREFIX.length);
            System.arraycopy(event, 0, message, at += EVENT_PREFIX.length, event.length);
            System.arraycopy(FIELDS_INFIX, 0, message, at += event.length, FIELDS_INFIX.length);
            System.arraycopy(fields, 0, message, at += FIELDS_INFIX.length, fields.length);
            message[at + fields.length] = '}';
            json = true;
        } else if (json) {
            message = body.copy(eventRaw[0], eventRaw[1]);
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
