package io.redactd.outputs.delivery;

import java.io.IOException;

/**
 * A failed HTTP exchange whose message this project wrote (a deadline, a status, a protocol fault): safe to log and to
 * show in /readyz, as it names statuses and hosts only, never a response body or event data.
 */
public final class ExchangeException extends IOException {
    private static final long serialVersionUID = 1L;

    public ExchangeException(String message) {
        super(message);
    }
}
