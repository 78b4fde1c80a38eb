package io.redactd.outputs.elasticsearch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-item outcome of a {@code _bulk} response, read with a streaming parser. When the response says
 * {@code "errors": false} before its items, the items are not parsed at all.
 */
final class BulkResponse {
    private static final JsonFactory JSON = new JsonFactory();

    /** One item's status and, for failures, the error type and reason the server gave. */
    record ItemResult(int status, String errorType, String reason) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        boolean retryable() {
            return status == 429 || status >= 500;
        }
    }

    private final boolean errors;
    private final List<ItemResult> items;

    private BulkResponse(boolean errors, List<ItemResult> items) {
        this.errors = errors;
        this.items = items;
    }

    boolean errors() {
        return errors;
    }

    /** Item results in request order; empty when {@link #errors()} is false and the items were skipped. */
    List<ItemResult> items() {
        return items;
    }

    static BulkResponse parse(byte[] body) throws IOException {
        try (JsonParser parser = JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("bulk response is not a JSON object");
            }
            Boolean errors = null;
            List<ItemResult> items = new ArrayList<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals("errors")) {
                    errors = value == JsonToken.VALUE_TRUE;
                    if (!errors) {
                        return new BulkResponse(false, List.of());
                    }
                } else if (field.equals("items") && value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        parser.nextToken(); // the action name
                        parser.nextToken(); // its object
                        items.add(parseItem(parser));
                        parser.nextToken(); // end of the wrapper object
                    }
                } else {
                    parser.skipChildren();
                }
            }
            if (errors == null) {
                throw new IOException("bulk response has no 'errors' field");
            }
            return new BulkResponse(errors, items);
        }
    }

    private static ItemResult parseItem(JsonParser parser) throws IOException {
        int status = 0;
        String type = null;
        String reason = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("status")) {
                status = parser.getIntValue();
            } else if (field.equals("error") && value == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String errorField = parser.currentName();
                    parser.nextToken();
                    if (errorField.equals("type")) {
                        type = errorTypeName(parser.getText());
                    } else if (errorField.equals("reason")) {
                        reason = parser.getText();
                    } else {
                        parser.skipChildren();
                    }
                }
            } else {
                parser.skipChildren();
            }
        }
        return new ItemResult(status, type, reason);
    }

    /**
     * An error type as the server named it, if it looks like one ({@code mapper_parsing_exception}); else
     * {@code unrecognized}. Types go into log lines and metrics: whatever answers in the cluster's place must not be
     * able to write text, values or line breaks there.
     */
    static String errorTypeName(String type) {
        return type != null && type.matches("[A-Za-z0-9_.-]{1,80}") ? type : "unrecognized";
    }
}
