package io.redactd.daemon.input.http;

import io.redactd.daemon.pipeline.RawEvent;
import java.util.List;

/**
 * A request that cannot be accepted, with the HTTP status, a stable error name and a message that names the problem
 * by position (line, event number, byte offset), never by content.
 *
 * <p>On the HEC event endpoint a rejection may come after valid events ({@link #acceptedBefore()}): Splunk indexes
 * the events before the first invalid one and names that one by {@code invalid-event-number}, and senders (redactd's
 * own {@code splunk_hec} output among them) count those events as delivered. So they are handed on and acknowledged
 * like a 200 before the rejection is answered.
 *
 * @param hecCode the Splunk HEC code for the same problem, used on the HEC endpoints
 */
public final class RequestRejected extends Exception {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;
    private final int hecCode;
    private final Integer invalidEventNumber;
    private final transient List<RawEvent> acceptedBefore;

    public RequestRejected(int status, String error, int hecCode, String message, Integer invalidEventNumber) {
        this(status, error, hecCode, message, invalidEventNumber, List.of());
    }

    public RequestRejected(int status, String error, int hecCode, String message) {
        this(status, error, hecCode, message, null, List.of());
    }

    private RequestRejected(int status, String error, int hecCode, String message, Integer invalidEventNumber,
                            List<RawEvent> acceptedBefore) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.hecCode = hecCode;
        this.invalidEventNumber = invalidEventNumber;
        this.acceptedBefore = acceptedBefore;
    }

    /**
     * The same rejection, answered after {@code events} (the ones before the invalid event) are made durable. Only a
     * rejection that names its event can say so, and the number must be exactly one past them: the sender takes every
     * event before {@code invalid-event-number} as delivered.
     */
    RequestRejected afterAccepting(List<RawEvent> events) {
        if (invalidEventNumber == null || invalidEventNumber != events.size() + 1) {
            throw new IllegalArgumentException("accepted " + events.size() + " events before event " + invalidEventNumber);
        }
        return new RequestRejected(status, error, hecCode, getMessage(), invalidEventNumber, List.copyOf(events));
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public int hecCode() {
        return hecCode;
    }

    /** 1-based number of the event at fault, or null when the request as a whole is refused. */
    public Integer invalidEventNumber() {
        return invalidEventNumber;
    }

    /** Valid events before the invalid one, to hand on before answering; empty when nothing is accepted. */
    public List<RawEvent> acceptedBefore() {
        return acceptedBefore == null ? List.of() : acceptedBefore;
    }
}
